/**
 * The promise behind `recompute`: replaying the ledger gives exactly what incremental ingestion
 * gave — whatever the batch sizes, duplicates, reversals, self-awards, cap hits and
 * out-of-order timestamps. And the promise behind merging members: rebuilding only the members a
 * merge or split reaches gives exactly what replaying the whole ledger gives.
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
  | { t: 'reverse'; pick: number; minute: number }
  // A deleted post restored: the same activity again, as a new generation under its own key and source.
  | { t: 'restore'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('act' as const), kind: fc.constantFrom(...KINDS), actor: fc.nat(5), other: fc.nat(5), minute, subject: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dup' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reverse' as const), pick: fc.nat(), minute }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restore' as const), pick: fc.nat() }) },
);

/** Turn generated steps into the activities adapters would send (thanks come as given + received). */
function toActivities(steps: Step[]): ActivityInput[] {
  const out: ActivityInput[] = [];
  steps.forEach((s, i) => {
    if (s.t === 'dup') {
      if (out.length) out.push(out[s.pick % out.length]!);
      return;
    }
    if (s.t === 'restore') {
      const originals = out.filter((a) => a.kind !== 'reversal');
      if (!originals.length) return;
      const target = originals[s.pick % originals.length]!;
      out.push({ ...target, key: `${target.key}:restored:${i}`, source: `${target.source ?? target.key}:restored:${i}` });
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
      // Thanks in a question endorse the thanked member's answer there (fair play).
      const subject = s.subject < 2 ? `q${s.subject}` : undefined;
      out.push({ key: `a${i}:g`, source: `a${i}`, kind: 'thanks_given', platform: actor.platform, actor, counterpart: other, occurredAt: at, subject });
      out.push({ key: `a${i}:r`, source: `a${i}`, kind: 'thanks_received', platform: actor.platform, actor: other, counterpart: actor, occurredAt: at, subject });
      return;
    }
    // A like is recorded under the post it likes: often an earlier answer, so it endorses it.
    const liked = s.kind === 'reaction_received' && i > s.subject ? `a${i - 1 - s.subject}:liked:${i}` : undefined;
    const helps = s.kind === 'answer_posted' || s.kind === 'answer_accepted' || s.kind === 'reaction_received';
    out.push({
      key: `a${i}`,
      kind: s.kind,
      platform: actor.platform,
      actor,
      counterpart: helps ? other : undefined,
      subject: s.kind === 'answer_posted' || s.kind === 'answer_accepted' ? `q${s.subject}` : undefined,
      ...(liked ? { source: liked } : {}),
      occurredAt: at,
    });
  });
  return out;
}

async function snapshot(fw: TestFlywheel) {
  const awards = await fw.db('awards')
    .select('activity_id', 'member_id', 'kind', 'space', 'platform', 'points', 'reason', 'day', 'cancels_activity_id', 'production', 'participation')
    // An answer has two rows under fair play (0 until endorsed, then its pay): order them too, or PostgreSQL returns them either way.
    .orderBy(['activity_id', 'cancels_activity_id', 'day', 'reason', 'points', 'member_id']);
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

// A small cap and long cooldowns make every fairness rule fire often.
const configureRules = (c: Parameters<NonNullable<Parameters<typeof testFlywheel>[1]>>[0]) => {
  c.rules.dailyCap = 12;
  c.rules.pairCooldownMs = 6 * 3600_000;
  c.rules.messageCooldownMs = 5 * 60_000;
  c.rules.timeZone = c.community.timeZone = 'America/Sao_Paulo';
  // Advocates within ten weeks and five members: journeys resume past the reach threshold.
  c.stages = { ...c.stages, advocateActiveMonths: 2, advocateReach: 2 };
  // Tight fair-play limits, so pair limits fire and answers wait for (and get) endorsements.
  c.rules.fairPlay = { ...c.rules.fairPlay, endorsementsPerPair: { count: 2, per: 'week' }, acceptedPerPair: { count: 1, per: 'month' }, answersNeedEndorsement: true };
  // Small thresholds, so every criterion type fires within a short random stream.
  c.badges = parseCatalog(SMALL_CATALOG, [], c.rules.kinds);
};

async function ingestInBatches(fw: TestFlywheel, steps: Step[], cuts: number[], inTimeOrder: boolean): Promise<void> {
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
  await fw.maintenance.closePeriods();
}

const memberOf = async (fw: TestFlywheel, who: IdentityRef): Promise<number | undefined> =>
  (await fw.db('identities').select('member_id').where({ platform: who.platform, external_id: who.externalId }).first())?.member_id;

describe('incremental ingestion equals recompute', () => {
  it('for random activity streams in random batches', async () => {
    let badgesSeen = 0;
    let advocatesSeen = 0;
    let windowedSeen = 0;
    let releasesSeen = 0;
    let limitsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 10, maxLength: 150, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        async (steps, cuts, inTimeOrder) => {
          const fw = await testFlywheel({}, configureRules);
          try {
            await ingestInBatches(fw, steps, cuts, inTimeOrder);
            const incremental = await snapshot(fw);
            badgesSeen += incremental.badges.length;
            advocatesSeen += incremental.stages.filter((s: { stage: string }) => s.stage === 'advocate').length;
            windowedSeen += incremental.badges.filter((b: { badge_id: string }) => b.badge_id === 'quick-2').length;
            // A release: an answer's second row, paid after its `unendorsed` one.
            const waited = new Set(incremental.awards.filter((a: { reason: string }) => a.reason === 'unendorsed').map((a: { activity_id: number }) => a.activity_id));
            releasesSeen += incremental.awards.filter((a: { activity_id: number; reason: string }) => waited.has(a.activity_id) && a.reason === 'awarded').length;
            limitsSeen += incremental.awards.filter((a: { reason: string }) => a.reason === 'pair_limit').length;
            await fw.maintenance.recompute();
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
    // …and answers are paid on endorsement, and pair limits hold some back.
    expect(releasesSeen).toBeGreaterThan(0);
    expect(limitsSeen).toBeGreaterThan(0);
  }, 120_000);
});

describe('rebuilding the members a merge reaches equals recompute', () => {
  it('for random merges and splits after random activity streams', async () => {
    let merges = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 10, maxLength: 150, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        // A Discord member (staff and bot included) and a forum member; which one stays; split again or not.
        fc.constantFrom(0, 1, 4, 5),
        fc.constantFrom(2, 3),
        fc.boolean(),
        fc.boolean(),
        async (steps, cuts, inTimeOrder, onDiscord, onForum, forumStays, split) => {
          const fw = await testFlywheel({}, configureRules);
          try {
            await ingestInBatches(fw, steps, cuts, inTimeOrder);
            const a = await memberOf(fw, members[onDiscord]!);
            const b = await memberOf(fw, members[onForum]!);
            if (a === undefined || b === undefined) return;
            // Everything as a full replay leaves it (monthly reviews included), so only the merge differs.
            await fw.maintenance.recompute();
            const [keep, gone] = forumStays ? [b, a] : [a, b];
            await fw.links.merge(keep, gone);
            merges++;
            const merged = await snapshot(fw);
            await fw.maintenance.recompute();
            expect(await snapshot(fw)).toEqual(merged);
            if (!split) return;
            await fw.links.unmerge(keep, forumStays ? 'discord' : 'discourse');
            const splitAgain = await snapshot(fw);
            await fw.maintenance.recompute();
            expect(await snapshot(fw)).toEqual(splitAgain);
          } finally {
            await fw.close();
          }
        },
      ),
      { numRuns: dialect() === 'postgres' ? 15 : 60 },
    );
    // Merges happened (a merge reaching past the members who met the two is rare here: the next test builds one).
    expect(merges).toBeGreaterThan(0);
  }, 120_000);

  // A chain random streams of six members rarely build: everyone soon acts toward everyone.
  it('reaches a member who never met either of the two, through the thanks cooldown', async () => {
    const fw = await testFlywheel({}, configureRules);
    try {
      const [keep, x, gone, z, w] = [members[0]!, members[1]!, members[2]!, members[3]!, members[4]!];
      const at = (minute: number) => BASE + minute * 60_000;
      const thanks = (key: string, from: IdentityRef, to: IdentityRef, minute: number): ActivityInput[] => [
        { key: `${key}:g`, source: key, kind: 'thanks_given', platform: from.platform, actor: from, counterpart: to, occurredAt: at(minute) },
        { key: `${key}:r`, source: key, kind: 'thanks_received', platform: from.platform, actor: to, counterpart: from, occurredAt: at(minute) },
      ];
      await fw.ingest([
        ...thanks('t1', gone, x, 0),
        { key: 'q1', kind: 'question_asked', platform: x.platform, actor: x, occurredAt: at(1) },
        // Two members thanking x: 5 + 2 + 5 reaches the cap of 12 …
        ...thanks('t2', keep, x, 2),
        // … so z's thanks earns x nothing, and x's thanks back earns z 5 (no earning thanks between them yet).
        ...thanks('t3', z, x, 3),
        ...thanks('t4', x, z, 4),
        // The next day x and w thank each other; x's thanks back falls in the pair's cooldown, merged or not.
        ...thanks('t5', x, w, 600),
        ...thanks('t6', w, x, 601),
      ]);
      const zId = (await memberOf(fw, z))!;
      expect((await fw.members.profile(zId)).points.all).toBe(1 + 5);
      const awardIds = async (who: IdentityRef) => (await fw.db('awards').where({ member_id: (await memberOf(fw, who))! }).orderBy('id').pluck('id')) as number[];
      const [xBefore, wBefore] = [await awardIds(x), await awardIds(w)];
      // Merged, the two thanks to x are one pair within its cooldown: x is under the cap when z
      // thanks, that earns, and x's thanks back falls in the pair's cooldown — z never met either.
      await fw.links.merge((await memberOf(fw, keep))!, (await memberOf(fw, gone))!);
      expect((await fw.members.profile(zId)).points.all).toBe(1);
      // x was decided again (beside w's thanks, as they stand) and w was not: nothing of w's changed.
      expect(await awardIds(x)).not.toEqual(xBefore);
      expect(await awardIds(w)).toEqual(wBefore);
      const merged = await snapshot(fw);
      await fw.maintenance.recompute();
      expect(await snapshot(fw)).toEqual(merged);
    } finally {
      await fw.close();
    }
  });
});
