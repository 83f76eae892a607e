/**
 * The promise behind `recompute`: replaying the ledger gives exactly what incremental ingestion
 * gave — whatever the batch sizes, duplicates, reversals, self-awards, cap hits and
 * out-of-order timestamps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivityInput, IdentityRef } from '../../src/domain/activity.js';
import type { Kind } from '../../src/domain/kinds.js';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { dialect, testFlywheel, type TestFlywheel } from '../support/db.js';

const members: IdentityRef[] = [
  { platform: 'discord', externalId: '1', username: 'ana' },
  { platform: 'discord', externalId: '2', username: 'ben' },
  { platform: 'discourse', externalId: '3', username: 'cy' },
  { platform: 'discourse', externalId: '4', username: 'di' },
  { platform: 'discord', externalId: '5', username: 'staffer', isStaff: true },
  { platform: 'discord', externalId: '6', username: 'robot', isBot: true },
];
const KINDS: Kind[] = ['message_posted', 'question_asked', 'answer_posted', 'answer_accepted', 'reaction_received', 'topic_created', 'member_joined', 'thanks_given'];
const BASE = Date.parse('2026-08-30T20:00:00Z');
// Some activities crowd into few minutes (cooldowns, caps and pairs collide across batches), some
// fall on consecutive days (streaks), the rest spread over ten weeks (stages, monthly reviews).
const minute = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 0, max: 12 }).map((day) => day * 60 * 24 + 600),
  fc.integer({ min: 0, max: 60 * 24 * 70 }),
);

type Step =
  | { t: 'act'; kind: Kind; actor: number; other: number; minute: number; subject: number }
  | { t: 'dup'; pick: number }
  | { t: 'reverse'; pick: number; minute: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('act' as const), kind: fc.constantFrom(...KINDS), actor: fc.nat(5), other: fc.nat(5), minute, subject: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dup' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reverse' as const), pick: fc.nat(), minute }) },
);

/** Turn generated steps into the activities adapters would send (thanks come as given + received). */
function toActivities(steps: Step[]): ActivityInput[] {
  const out: ActivityInput[] = [];
  steps.forEach((s, i) => {
    if (s.t === 'dup') {
      if (out.length) out.push(out[s.pick % out.length]!);
      return;
    }
    if (s.t === 'reverse') {
      if (!out.length) return;
      const target = out[s.pick % out.length]!;
      out.push({ key: `rev${i}`, kind: 'reversal', platform: target.platform, actor: target.actor, occurredAt: BASE + s.minute * 60_000, reverses: target.source ?? target.key });
      return;
    }
    const actor = members[s.actor]!;
    const other = members[s.other]!;
    const at = BASE + s.minute * 60_000 + (i % 7) * 1000; // many collisions within cooldown windows
    if (s.kind === 'thanks_given') {
      out.push({ key: `a${i}:g`, source: `a${i}`, kind: 'thanks_given', platform: actor.platform, actor, counterpart: other, occurredAt: at });
      out.push({ key: `a${i}:r`, source: `a${i}`, kind: 'thanks_received', platform: actor.platform, actor: other, counterpart: actor, occurredAt: at });
      return;
    }
    const helps = s.kind === 'answer_posted' || s.kind === 'answer_accepted' || s.kind === 'reaction_received';
    out.push({
      key: `a${i}`,
      kind: s.kind,
      platform: actor.platform,
      actor,
      counterpart: helps ? other : undefined,
      subject: s.kind === 'answer_posted' ? `q${s.subject}` : undefined,
      occurredAt: at,
    });
  });
  return out;
}

async function snapshot(fw: TestFlywheel) {
  const awards = await fw.db('awards')
    .select('activity_id', 'member_id', 'kind', 'space', 'platform', 'points', 'reason', 'day', 'cancels_activity_id', 'production', 'participation')
    .orderBy(['activity_id', 'cancels_activity_id']);
  const scores = await fw
    .db('scores as s')
    .join('boards as b', 'b.id', 's.board_id')
    .select('b.period', 'b.period_start', 'b.space', 'b.platform', 's.member_id', 's.points')
    .whereNot('s.points', 0)
    .orderBy(['b.period', 'b.period_start', 'b.space', 'b.platform', 's.member_id']);
  const days = await fw.db('member_days').select('*').orderBy(['member_id', 'day']);
  const helped = await fw.db('member_helped').select('*').orderBy(['member_id', 'helped_member_id']);
  const stages = await fw.db('stage_transitions').select('member_id', 'stage', 'at').orderBy(['member_id', 'at', 'stage']);
  const current = await fw.db('members').select('id', 'stage', 'stage_since', 'first_seen_at').orderBy('id');
  const badges = (await fw.db('badge_awards').select('id', 'member_id', 'badge_id', 'instance', 'awarded_at', 'activity_id', 'revoked_at').orderBy('id')).map(
    ({ revoked_at, ...b }: { revoked_at: unknown }) => ({ ...b, revoked: revoked_at !== null }),
  );
  return JSON.parse(JSON.stringify({ awards, scores, days, helped, stages, current, badges }, (_, v) => (typeof v === 'boolean' ? Number(v) : v)));
}

const badge = (id: string, earn: object, extra: object = {}) => ({ id, name: id, description: id, tier: 'bronze', icon: 'star', earn, ...extra });
const SMALL_CATALOG = [
  badge('answers-2', { count: { kind: 'answer_posted', atLeast: 2 } }, { revocable: true }),
  badge('accepted-each-2', { count: { kind: 'answer_accepted', atLeast: 2 } }, { repeatable: true, revocable: true }),
  badge('quick-2', { count: { kind: 'answer_accepted', atLeast: 2, withinDays: 2 } }),
  badge('support-points', { points: { atLeast: 20, space: 'support' } }, { revocable: true }),
  badge('points-each-15', { points: { atLeast: 15 } }, { repeatable: true }),
  badge('streak-2', { streak: { days: 2 } }),
  badge('helped-2', { helped: { members: 2 } }),
  badge('asking-to-answering', { stage: { reach: 'contributor', from: ['observer', 'participant'] } }),
  badge('top-week', { top: { period: 'week', rank: 2 } }, { repeatable: true }),
  badge('top-month-once', { top: { period: 'month', rank: 1 } }),
];

describe('incremental ingestion equals recompute', () => {
  it('for random activity streams in random batches', async () => {
    let badgesSeen = 0;
    let advocatesSeen = 0;
    let windowedSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 10, maxLength: 150, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (steps, cuts, inTimeOrder) => {
          // A small cap and long cooldowns make every fairness rule fire often.
          const fw = await testFlywheel({}, (c) => {
            c.rules.dailyCap = 12;
            c.rules.pairCooldownMs = 6 * 3600_000;
            c.rules.messageCooldownMs = 5 * 60_000;
            c.rules.timeZone = c.community.timeZone = 'America/Sao_Paulo';
            // Advocates within ten weeks and five members: journeys resume past the reach threshold.
            c.stages = { ...c.stages, advocateActiveMonths: 2, advocateReach: 2 };
            // Small thresholds, so every criterion type fires within a short random stream.
            c.badges = parseCatalog(SMALL_CATALOG, [], c.rules.kinds);
          });
          try {
            // Live sources and imports deliver mostly in time order, so each batch continues what the
            // last one began (a streak, a week of accepted answers); the rest arrive in any order.
            const activities = toActivities(steps);
            if (inTimeOrder) activities.sort((a, b) => Number(a.occurredAt) - Number(b.occurredAt));
            let i = 0;
            for (let b = 0; i < activities.length; b++) {
              const size = cuts[b % cuts.length]!;
              await fw.ingest(activities.slice(i, i + size));
              i += size;
            }
            await fw.closePeriods();
            const incremental = await snapshot(fw);
            badgesSeen += incremental.badges.length;
            advocatesSeen += incremental.stages.filter((s: { stage: string }) => s.stage === 'advocate').length;
            windowedSeen += incremental.badges.filter((b: { badge_id: string }) => b.badge_id === 'quick-2').length;
            await fw.recompute();
            expect(await snapshot(fw)).toEqual(incremental);
          } finally {
            await fw.close();
          }
        },
      ),
      { numRuns: dialect() === 'postgres' ? 15 : 60 },
    );
    // The streams are rich enough to earn badges (a windowed one too) and make advocates, so the comparison above is about something.
    expect(badgesSeen).toBeGreaterThan(0);
    expect(advocatesSeen).toBeGreaterThan(0);
    expect(windowedSeen).toBeGreaterThan(0);
  }, 120_000);
});
