import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, discord, minutes, thanks } from '../support/builders.js';
import { dialect, testFlywheel, type TestFlywheel } from '../support/db.js';

const alice = discord('100');
const bob = discord('200');
const carol = discord('300');
let fw: TestFlywheel;

beforeEach(async () => {
  fw = await testFlywheel();
});
afterEach(async () => {
  await fw.close();
});

const summary = (outcomes: Awaited<ReturnType<TestFlywheel['ingest']>>['outcomes']) =>
  outcomes.map((o) => (o.status === 'duplicate' ? 'duplicate' : `${o.points} ${o.reason}`));
const pointsOf = async (who: typeof alice, period: 'all' | 'month' | 'day' = 'all') =>
  (await fw.members.lookup(who.platform, who.externalId)).points[period];

describe('ingest', () => {
  it('records a help-forum story with one outcome per activity', async () => {
    const { outcomes, stageChanges } = await fw.ingest([
      act('question_asked', alice, minutes(0), { key: 'q1' }),
      act('answer_posted', bob, minutes(5), { counterpart: alice, subject: 'q1' }),
      act('answer_posted', carol, minutes(6), { counterpart: alice, subject: 'q1' }),
      ...thanks(alice, bob, minutes(10), undefined, 'q1'),
      act('answer_accepted', carol, minutes(12), { counterpart: alice, subject: 'q1' }),
    ]);
    // Answers wait for an endorsement (fair play): Alice's thanks pays Bob's, her acceptance Carol's.
    expect(summary(outcomes)).toEqual(['2 awarded', '0 unendorsed', '0 unendorsed', '1 awarded', '5 awarded', '15 awarded']);
    expect(await pointsOf(bob)).toBe(10);
    expect(await pointsOf(carol)).toBe(20);
    // Answering makes Bob and Carol participants; the endorsement makes them contributors.
    expect(stageChanges.map((c) => c.stage).sort()).toEqual(['contributor', 'contributor', 'participant', 'participant', 'participant']);
  });

  it('is a no-op for a natural key seen before, within a batch or across deliveries', async () => {
    const answer = act('answer_posted', bob, minutes(5), { key: 'discord:message:1', counterpart: alice, subject: 'q1' });
    const accepted = act('answer_accepted', bob, minutes(6), { key: 'discord:message:1:accepted', counterpart: alice, subject: 'q1' });
    expect(summary((await fw.ingest([answer, answer, accepted])).outcomes)).toEqual(['0 unendorsed', 'duplicate', '15 awarded']);
    expect(summary((await fw.ingest([{ ...answer, occurredAt: minutes(50) }, accepted])).outcomes)).toEqual(['duplicate', 'duplicate']);
    expect(await pointsOf(bob)).toBe(20);
    expect(await fw.db('activities').count({ n: '*' }).first()).toEqual({ n: 2 });
  });

  it('records self-thanks with 0 points and the reason', async () => {
    expect(summary((await fw.ingest(thanks(alice, alice, minutes(0)))).outcomes)).toEqual(['0 self_award', '0 self_award']);
    expect(await pointsOf(alice)).toBe(0);
  });

  it('lets a pair thank each other once per 30 minutes, however often they try', async () => {
    const burst = Array.from({ length: 10 }, (_, i) => (i % 2 ? thanks(bob, alice, minutes(0) + i * 6000) : thanks(alice, bob, minutes(0) + i * 6000))).flat();
    await fw.ingest(burst);
    expect(await pointsOf(bob)).toBe(5);
    expect(await pointsOf(alice)).toBe(1);
    const rows = await fw.db('awards').select('reason').count({ n: '*' }).groupBy('reason').orderBy('reason');
    expect(rows).toEqual([{ reason: 'awarded', n: 2 }, { reason: 'pair_cooldown', n: 18 }]);
  });

  it('holds the daily cap across batches, exempting accepted answers', async () => {
    for (let i = 0; i < 5; i++)
      await fw.ingest(Array.from({ length: 10 }, (_, j) => act('topic_created', bob, minutes(i * 10 + j))));
    await fw.ingest([act('answer_accepted', bob, minutes(90), { counterpart: alice })]);
    expect(await pointsOf(bob, 'day')).toBe(0); // the clock says the 22nd; these were on the 20th
    expect(await pointsOf(bob)).toBe(215);
  });

  it('cancels what a deleted message earned, in the period it was earned', async () => {
    await fw.ingest([act('topic_created', bob, minutes(0), { key: 'discord:message:9' }), ...thanks(bob, carol, minutes(0), 'discord:message:9')]);
    expect(await pointsOf(bob)).toBe(6);
    const { outcomes } = await fw.ingest([act('reversal' as never, bob, minutes(60 * 24 * 3), { key: 'discord:message:9:deleted', reverses: 'discord:message:9' })]);
    expect(summary(outcomes)).toEqual(['-11 reversal']) // 6 of Bob's, 5 of Carol's;
    expect(await pointsOf(bob)).toBe(0);
    expect(await pointsOf(carol)).toBe(0);
    // Delivered again: nothing more is taken.
    await fw.ingest([act('reversal' as never, bob, minutes(60 * 24 * 3), { key: 'discord:message:9:deleted', reverses: 'discord:message:9' })]);
    expect(await pointsOf(bob)).toBe(0);
  });

  it('gives bots nothing and keeps staff off the leaderboard while they earn', async () => {
    const bot = discord('900', { isBot: true });
    const staff = discord('901', { isStaff: true });
    await fw.ingest([act('topic_created', bot, minutes(0)), act('topic_created', staff, minutes(1)), act('topic_created', carol, minutes(2))]);
    expect(await pointsOf(bot)).toBe(0);
    expect(await pointsOf(staff)).toBe(5);
    const board = await fw.boards.leaderboard({ period: 'month' });
    expect(board.entries.map((e) => e.member.displayName)).toEqual(['user300']);
  });

  it('stores times as whole milliseconds whatever the input gives', async () => {
    await fw.ingest([act('question_asked', alice, minutes(0) + 0.75), act('question_asked', bob, new Date(minutes(1))), act('question_asked', carol, '2026-11-20T10:02:00.250Z')]);
    const times = (await fw.db('activities').select('occurred_at').orderBy('id')).map((r) => Number(r.occurred_at));
    expect(times).toEqual([minutes(0), minutes(1), minutes(2) + 250]);
  });

  it('rejects a malformed batch whole, naming the field, and writes nothing', async () => {
    await expect(fw.ingest([act('question_asked', alice, minutes(0)), { ...act('question_asked', bob, minutes(0)), kind: 'bogus' as never }])).rejects.toThrow(
      /activities\[1\]\.kind: expected a known activity kind/,
    );
    expect(await fw.db('activities').count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});

describe('leaderboards', () => {
  it('ranks densely, by period, space and platform, with past periods browsable', async () => {
    const dave = { platform: 'discourse' as const, externalId: '7', username: 'dave' };
    await fw.ingest([
      act('answer_accepted', bob, Date.parse('2026-10-15T10:00:00Z'), { counterpart: alice }),
      act('answer_accepted', carol, Date.parse('2026-11-02T10:00:00Z'), { counterpart: alice }),
      act('answer_accepted', bob, Date.parse('2026-11-03T10:00:00Z'), { counterpart: alice }),
      act('topic_created', dave, Date.parse('2026-11-04T10:00:00Z'), { platform: 'discourse' }),
    ]);
    const month = await fw.boards.leaderboard({ period: 'month' });
    expect(month.entries.map((e) => [e.rank, e.member.displayName, e.points])).toEqual([[1, 'user300', 15], [1, 'user200', 15], [2, 'dave', 5]]);
    const october = await fw.boards.leaderboard({ period: 'month', at: month.previous! });
    expect(october.entries.map((e) => [e.member.displayName, e.points])).toEqual([['user200', 15]]);
    expect((await fw.boards.leaderboard({ period: 'all' })).entries[0]).toMatchObject({ rank: 1, points: 30 });
    expect((await fw.boards.leaderboard({ period: 'month', space: 'contribution' })).entries.map((e) => e.member.displayName)).toEqual(['dave']);
    expect((await fw.boards.leaderboard({ period: 'month', platform: 'discourse' })).entries.map((e) => e.member.displayName)).toEqual(['dave']);
    expect((await fw.boards.leaderboard({ period: 'month', space: 'support', platform: 'discourse' })).entries).toEqual([]);
    const page2 = await fw.boards.leaderboard({ period: 'month', limit: 2, offset: 2 });
    expect(page2.entries.map((e) => [e.rank, e.member.displayName])).toEqual([[2, 'dave']]);
    expect(page2.total).toBe(3);
  });

  it('recompute after a rule change rebuilds every score from the ledger', async () => {
    await fw.ingest([act('answer_accepted', bob, minutes(0), { counterpart: alice, subject: 'q' }), act('answer_posted', bob, minutes(1), { counterpart: alice, subject: 'q' })]);
    expect(await pointsOf(bob)).toBe(20);
    fw.config.rules.kinds.answer_accepted.points = 25;
    await fw.maintenance.recompute();
    expect(await pointsOf(bob)).toBe(30);
  });

  // A rebuild drops the indexes only boards and badges read, and builds them again at the end.
  const indexes = async () =>
    dialect() === 'sqlite'
      ? await fw.db.raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      : (await fw.db.raw('SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname')).rows;

  it('leaves every index as it was, after a recompute and after one that failed part-way', async () => {
    await fw.ingest([act('answer_accepted', bob, minutes(0), { counterpart: alice }), act('topic_created', carol, minutes(1))]);
    const before = await indexes();
    expect(before.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['scores_top', 'awards_counted']));
    await fw.maintenance.recompute();
    expect(await indexes()).toEqual(before);

    fw.config.rules.kinds.answer_accepted.points = 25;
    await expect(
      fw.maintenance.recompute(() => {
        throw new Error('the progress display broke');
      }),
    ).rejects.toThrow('the progress display broke');
    expect(await indexes()).toEqual(before);
    expect(await pointsOf(bob)).toBe(15);
    expect((await fw.boards.leaderboard({ period: 'all' })).entries.map((e) => e.points)).toEqual([15, 5]);
  });
});
