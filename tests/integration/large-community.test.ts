/**
 * A community with more members than one SQL statement can bind (SQLite: 32,766 values): recompute
 * and the members export must work on it. The benchmark found recompute failing at 100,000 members.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

const MEMBERS = 33_000;
let fw: TestFlywheel;

beforeAll(async () => {
  fw = await testFlywheel();
  const start = Date.parse('2026-10-01T00:00:00Z');
  fw.clock.now = start + 40 * 86_400_000;
  for (let i = 0; i < MEMBERS; i += 5000)
    await fw.ingest(
      Array.from({ length: Math.min(5000, MEMBERS - i) }, (_, j) => {
        const n = i + j;
        return n % 10 === 0
          ? act('answer_accepted', discord(String(1_000_000 + n)), start + n * 60_000, { counterpart: discord('999') })
          : act('member_joined', discord(String(1_000_000 + n)), start + n * 60_000);
      }),
    );
}, 180_000);
afterAll(() => fw.close());

describe('a community larger than one statement can bind', () => {
  it('recomputes to the same boards', async () => {
    // Badge counts aside: recompute also closes the periods that ended, granting their top badges.
    const board = async () => (await fw.boards.leaderboard({ period: 'all', limit: 5 })).entries.map((e) => [e.rank, e.points, e.member.id, e.member.stage]);
    const before = await board();
    expect((await fw.boards.leaderboard({ period: 'all', limit: 5 })).total).toBe(MEMBERS / 10);
    const result = await fw.maintenance.recompute();
    expect(result.members).toBeGreaterThan(MEMBERS);
    expect(await board()).toEqual(before);
  }, 180_000);

  it('exports every member', async () => {
    const rows = await fw.insights.exportMembers({ everyone: true });
    expect(rows.length).toBeGreaterThanOrEqual(MEMBERS);
  }, 120_000);
});
