/**
 * A board and its total (for "page 1 of N" and the API's `total`) are read once per write, however
 * many readers ask at once, and every write moves them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, discord, T0 } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
beforeEach(async () => {
  fw = await testFlywheel();
  fw.clock.now = T0 + 3_600_000;
});
afterEach(() => fw.close());

const answerBy = (id: string, minute: number) => act('answer_accepted', discord(id), T0 + minute * 60_000, { counterpart: discord('99') });

describe('board totals', () => {
  it('follow every write: a new member counts, a hidden one does not', async () => {
    await fw.ingest([answerBy('1', 1), answerBy('2', 2), answerBy('3', 3)]);
    expect((await fw.boards.leaderboard({ period: 'all', limit: 2 })).total).toBe(3);
    expect((await fw.boards.leaderboard({ period: 'all', limit: 2 })).total).toBe(3);

    await fw.ingest([answerBy('4', 4)]);
    expect((await fw.boards.leaderboard({ period: 'all', limit: 2 })).total).toBe(4);

    await fw.members.setHidden(discord('2'), true);
    const board = await fw.boards.leaderboard({ period: 'all', limit: 2 });
    expect(board.total).toBe(3);
    expect(board.entries.map((e) => e.member.displayName)).not.toContain('user2');
  });

  it('are read once for a burst of readers right after a write', async () => {
    await fw.ingest([answerBy('1', 1), answerBy('2', 2)]);
    const boardReads: string[] = [];
    fw.db.on('query', (q: { sql: string }) => {
      if (/from scores s\s/i.test(q.sql)) boardReads.push(q.sql);
    });
    const burst = await Promise.all(Array.from({ length: 50 }, () => fw.boards.leaderboard({ period: 'all', limit: 1 })));
    expect(burst.every((b) => b.total === 2 && b.entries[0]!.member.displayName === burst[0]!.entries[0]!.member.displayName)).toBe(true);
    // One page of the board and one count, for all fifty.
    expect(boardReads).toHaveLength(2);
  });
});
