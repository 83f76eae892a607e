/** Badges through the pipeline: granted as activities arrive, retroactively by recompute, revoked, per period, by hand. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { act, discord, thanks } from '../support/builders.js';
// Stories here pay answers at once and let one asker accept many answers: fair play is off (tests/integration/fair-play*.test.ts cover it).
import { testFlywheel, withoutFairPlay, type TestFlywheel } from '../support/db.js';

const DAY = 86_400_000;
const D0 = Date.parse('2026-10-05T10:00:00Z'); // a Monday
const ana = discord('1', { displayName: 'Ana' });
const ben = discord('2', { displayName: 'Ben' });
const cy = discord('3', { displayName: 'Cy' });
const dee = discord('4', { displayName: 'Dee' });

let fw: TestFlywheel;
afterEach(() => fw?.close());

const badgesOf = async (who: string) =>
  (
    await fw
      .db('badge_awards as b')
      .join('identities as i', 'i.member_id', 'b.member_id')
      .select('b.badge_id', 'b.instance', 'b.awarded_at', 'b.revoked_at', 'b.activity_id')
      .where('i.external_id', who)
      .orderBy(['b.awarded_at', 'b.id'])
  ).map((r: { badge_id: string; instance: string; awarded_at: number; revoked_at: number | null; activity_id: number | null }) => ({
    id: r.badge_id,
    instance: r.instance,
    at: new Date(Number(r.awarded_at)).toISOString(),
    revoked: r.revoked_at !== null,
    activityId: r.activity_id === null ? null : Number(r.activity_id),
  }));
const ids = async (who: string) => (await badgesOf(who)).filter((b) => !b.revoked).map((b) => b.id);
const answer = (by = ben, at = D0, subject = `q${at}`) => act('answer_posted', by, at, { counterpart: ana, subject });
const accepted = (by = ben, at = D0, key?: string) => act('answer_accepted', by, at, { counterpart: ana, ...(key ? { key } : {}) });

describe('the default catalog', () => {
  it('grants first badges as activities arrive, recording the activity that earned each', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    const { outcomes, badgeGrants } = await fw.ingest([act('question_asked', ana, D0), answer(ben, D0 + 60_000), accepted(ben, D0 + 120_000)]);
    expect((await ids('1')).sort()).toEqual(['first-question']);
    // Ben's first activity is an answer: a contributor, but not "from asking to answering".
    expect((await ids('2')).sort()).toEqual(['contributor', 'first-answer', 'first-solution']);
    const firstSolution = (await badgesOf('2')).find((b) => b.id === 'first-solution')!;
    expect(firstSolution.activityId).toBe((outcomes[2] as { activityId: number }).activityId);
    expect(firstSolution.at).toBe(new Date(D0 + 120_000).toISOString());
    expect(badgeGrants.map((g) => g.badgeId).sort()).toEqual(['contributor', 'first-answer', 'first-question', 'first-solution']);
  });

  it('honours "from asking to answering" only for members who asked first', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    await fw.ingest([act('question_asked', cy, D0), act('question_asked', ana, D0 + 1000)]);
    await fw.ingest([act('answer_posted', cy, D0 + DAY, { counterpart: ana, subject: 'q1' })]);
    expect(await ids('3')).toContain('asking-to-answering');
  });

  it('counts tiers of accepted answers, and takes a revocable badge back when its solution is unaccepted', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    const accepts = Array.from({ length: 10 }, (_, i) => accepted(ben, D0 + i * DAY, `acc${i}`));
    await fw.ingest(accepts.slice(0, 9));
    expect(await ids('2')).not.toContain('problem-solver');
    await fw.ingest(accepts.slice(9));
    expect(await ids('2')).toContain('problem-solver');
    expect((await badgesOf('2')).find((b) => b.id === 'problem-solver')!.at).toBe(new Date(D0 + 9 * DAY).toISOString());

    await fw.ingest([{ key: 'unaccept', kind: 'reversal', platform: 'discord', actor: ben, occurredAt: D0 + 20 * DAY, reverses: 'acc4' }]);
    expect((await badgesOf('2')).find((b) => b.id === 'problem-solver')).toMatchObject({ revoked: true });
    await fw.ingest([accepted(ben, D0 + 21 * DAY, 'acc10')]);
    expect((await badgesOf('2')).find((b) => b.id === 'problem-solver')).toMatchObject({ revoked: false });
  });

  it('keeps a badge that cannot be taken back', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    await fw.ingest(thanks(ana, ben, D0, 'th1'));
    expect(await ids('2')).toContain('appreciated');
    await fw.ingest([{ key: 'rev-th1', kind: 'reversal', platform: 'discord', actor: ana, occurredAt: D0 + DAY, reverses: 'th1' }]);
    expect(await ids('2')).toContain('appreciated');
  });

  it('grants streaks that span batches, dated on the day the streak was reached', async () => {
    fw = await testFlywheel({}, (c) => (withoutFairPlay(c), c.badges = parseCatalog([{ id: 'three-days', name: 'Three', description: 'x', tier: 'bronze', icon: 'flame', earn: { streak: { days: 3 } } }], [], c.rules.kinds)));
    await fw.ingest([act('message_posted', ana, D0)]);
    await fw.ingest([act('message_posted', ana, D0 + DAY)]);
    await fw.ingest([act('message_posted', ana, D0 + 3 * DAY)]);
    expect(await ids('1')).toEqual([]);
    await fw.ingest([act('message_posted', ana, D0 + 2 * DAY)]);
    expect(await badgesOf('1')).toEqual([{ id: 'three-days', instance: '', at: new Date(D0 + 2 * DAY).toISOString(), revoked: false, activityId: null }]);
  });

  it('grants "quick draw" (five accepted answers within a week) when a batch completes a week begun in earlier batches', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    const acc = (day: number) => accepted(ben, D0 + day * DAY, `acc${day}`);
    // Six accepted answers, never five within a week.
    await fw.ingest([0, 10, 20, 30].map(acc));
    await fw.ingest([40, 41].map(acc));
    await fw.ingest([42, 43].map(acc));
    expect(await ids('2')).not.toContain('quick-draw');
    // The fifth within a week: four of the five arrived in earlier batches.
    const { outcomes } = await fw.ingest([acc(44)]);
    expect((await badgesOf('2')).find((b) => b.id === 'quick-draw')).toEqual({
      id: 'quick-draw',
      instance: '',
      at: new Date(D0 + 44 * DAY).toISOString(),
      revoked: false,
      activityId: (outcomes[0] as { activityId: number }).activityId,
    });
  });

  it('grants "helped" badges for distinct members, and points badges', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    await fw.ingest([ana, cy, dee, discord('5'), discord('6')].map((asker, i) => act('answer_posted', ben, D0 + i * 1000, { counterpart: asker, subject: `q${i}` })));
    expect(await ids('2')).toContain('good-neighbour');
    await fw.ingest([act('manual_award', ben, D0 + DAY, { points: 990, space: 'success', reason: 'conference talk', counterpart: cy })]);
    expect(await ids('2')).toContain('thousand-points');
  });
});

describe('a member’s newest badges (as /rank shows them)', () => {
  it('are the newest three standing ones, newest first, each with the activity that earned it', async () => {
    const answers = (n: number) => ({ id: `answers-${n}`, name: `Answers ${n}`, description: 'x', tier: 'bronze', icon: 'star', revocable: true, earn: { count: { kind: 'answer_posted', atLeast: n } } });
    fw = await testFlywheel({}, (c) => (withoutFairPlay(c), c.badges = parseCatalog([1, 2, 3, 4].map(answers), [], c.rules.kinds)));
    const newest = async () => (await fw.members.standing('discord', '2'))!.newestBadges.map((b) => [b.id, b.awardedAt, b.earnedBy?.kind]);
    await fw.ingest([act('question_asked', ben, D0)]);
    expect(await newest()).toEqual([]);
    for (let i = 0; i < 4; i++) await fw.ingest([act('answer_posted', ben, D0 + i * DAY, { key: `ans${i}`, counterpart: ana, subject: `q${i}` })]);
    const at = (i: number) => new Date(D0 + i * DAY).toISOString();
    expect(await newest()).toEqual([
      ['answers-4', at(3), 'answer_posted'],
      ['answers-3', at(2), 'answer_posted'],
      ['answers-2', at(1), 'answer_posted'],
    ]);
    // The fourth answer deleted: its badge is taken back and drops off the list.
    await fw.ingest([{ key: 'gone', kind: 'reversal', platform: 'discord', actor: ben, occurredAt: D0 + 5 * DAY, reverses: 'ans3' }]);
    expect(await newest()).toEqual([
      ['answers-3', at(2), 'answer_posted'],
      ['answers-2', at(1), 'answer_posted'],
      ['answers-1', at(0), 'answer_posted'],
    ]);
  });
});

describe('top of the period', () => {
  it('grants the month’s top helper when the month has closed, once per month, to listed members only', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    await fw.ingest([accepted(ben, D0, 'a1'), accepted(cy, D0 + 1000, 'a2'), accepted(cy, D0 + 2000, 'a3'), act('answer_accepted', discord('9', { isStaff: true }), D0, { counterpart: ana })]);
    await fw.ingest([act('answer_accepted', discord('9', { isStaff: true }), D0 + 3000, { counterpart: ana }), act('answer_accepted', discord('9', { isStaff: true }), D0 + 4000, { counterpart: ana })]);
    fw.clock.now = Date.parse('2026-10-20T00:00:00Z');
    expect(await fw.maintenance.closePeriods()).toEqual(expect.not.arrayContaining([expect.objectContaining({ badgeId: 'helper-of-the-month' })]));
    fw.clock.now = Date.parse('2026-11-02T00:00:00Z');
    const grants = await fw.maintenance.closePeriods();
    expect(grants.filter((g) => g.badgeId === 'helper-of-the-month').map((g) => [g.memberId, new Date(g.awardedAt).toISOString()])).toEqual([
      [(await fw.members.lookup('discord', '3')).id, '2026-11-01T00:00:00.000Z'],
    ]);
    expect((await badgesOf('3')).filter((b) => b.id === 'podium').map((b) => b.instance)).toEqual(['2026-10-01']);
    expect(await ids('2')).toContain('podium');
    expect(await fw.maintenance.closePeriods()).toEqual([]);
  });
});

describe('recompute', () => {
  it('grants a new badge to everyone who already qualifies, dated when they first did — and keeps award ids', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    await fw.ingest([answer(ben, D0), answer(ben, D0 + DAY), answer(cy, D0 + 2 * DAY)]);
    await fw.maintenance.closePeriods();
    const before = await fw.db('badge_awards').select('id', 'badge_id', 'member_id').orderBy('id');
    fw.config.badges.push(...parseCatalog([{ id: 'two-answers', name: 'Two', description: 'x', tier: 'bronze', icon: 'answer', earn: { count: { kind: 'answer_posted', atLeast: 2 } } }], [], fw.config.rules.kinds));
    const result = await fw.maintenance.recompute();
    expect(result.badgesGranted).toBe(1);
    expect((await badgesOf('2')).find((b) => b.id === 'two-answers')!.at).toBe(new Date(D0 + DAY).toISOString());
    expect(await ids('3')).not.toContain('two-answers');
    const after = await fw.db('badge_awards').select('id', 'badge_id', 'member_id').orderBy('id');
    expect(after.slice(0, before.length)).toEqual(before);
  });
});

describe('manual badges', () => {
  it('are granted by a manager with a reason, once', async () => {
    fw = await testFlywheel({}, withoutFairPlay);
    await fw.ingest([answer(ben, D0)]);
    const benId = (await fw.members.lookup('discord', '2')).id;
    const grant = await fw.badges.grant({ badgeId: 'champion', member: ben, by: ana, reason: 'appointed for 2027', origin: 'test:1' });
    expect(grant?.badgeId).toBe('champion');
    expect((await fw.badges.grant({ badgeId: 'champion', member: ben, by: ana, reason: 'again', origin: 'test:1' }))).toBeNull();
    await expect(fw.badges.grant({ badgeId: 'first-answer', member: ben, by: ana, reason: 'x', origin: 'test:2' })).rejects.toThrow(/earned automatically/);
    await expect(fw.badges.grant({ badgeId: 'nope', member: ben, by: ana, reason: 'x', origin: 'test:3' })).rejects.toThrow(/no badge "nope"/);
    expect(await fw.db('badge_awards').where({ member_id: benId, badge_id: 'champion' }).first()).toMatchObject({ reason: 'appointed for 2027' });
  });
});
