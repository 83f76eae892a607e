/** Kept reads: shared by readers who ask at once, never older than the last write. */
import { describe, expect, it, vi } from 'vitest';
import { ReadCache } from '../../src/app/read-cache.js';

/** A read that finishes when the test says, counting how often it was started. */
function controlledRead() {
  const started: Array<(value: string) => void> = [];
  const read = () => new Promise<string>((resolve) => started.push(resolve));
  return { read, started };
}

describe('ReadCache', () => {
  it('shares one read among readers who ask while it runs, then keeps its value', async () => {
    const cache = new ReadCache<string>(() => 1);
    const { read, started } = controlledRead();
    const readers = [cache.get('board', read), cache.get('board', read), cache.get('board', read)];
    expect(started).toHaveLength(1);
    started[0]!('top ten');
    expect(await Promise.all(readers)).toEqual(['top ten', 'top ten', 'top ten']);
    expect(await cache.get('board', read)).toBe('top ten');
    expect(started).toHaveLength(1);
  });

  it('does not hand a read begun before a write to a reader who comes after it', async () => {
    let generation = 1;
    const cache = new ReadCache<string>(() => generation);
    const { read, started } = controlledRead();
    const early = cache.get('board', read);
    generation = 2; // a write commits while the first read runs
    const late = cache.get('board', read);
    expect(started).toHaveLength(2);
    started[1]!('with the write');
    started[0]!('before the write');
    expect(await early).toBe('before the write');
    expect(await late).toBe('with the write');
    // The early read finished last but is stale: it neither replaced the fresh value nor is kept.
    expect(await cache.get('board', read)).toBe('with the write');
    expect(started).toHaveLength(2);
  });

  it('keeps nothing from a failed read: the next reader reads again', async () => {
    const cache = new ReadCache<string>(() => 1);
    let calls = 0;
    const failing = () => (calls++, Promise.reject(new Error('database gone')));
    await expect(Promise.all([cache.get('board', failing), cache.get('board', failing)])).rejects.toThrow('database gone');
    expect(calls).toBe(1);
    expect(await cache.get('board', async () => 'recovered')).toBe('recovered');
  });

  it('never keeps a page longer than the board it was built from (a write no generation saw shows within 5 s)', async () => {
    vi.useFakeTimers({ toFake: ['performance'], now: 0 });
    try {
      let board = 'before'; // what a write by another process changes: nothing here moves the generation
      const boards = new ReadCache<string>(() => 1);
      const pages = new ReadCache<string>(() => 1);
      const render = () => pages.get('/leaderboard', async () => `page of ${await boards.get('board', async () => board)}`);
      await boards.get('board', async () => board); // the bot asked for the board
      vi.advanceTimersByTime(4_900); // a visitor renders the page from the nearly expired board
      expect(await render()).toBe('page of before');
      board = 'after';
      vi.advanceTimersByTime(200); // the write is 5.1 s younger than the board the page shows
      expect(await render()).toBe('page of after');
    } finally {
      vi.useRealTimers();
    }
  });
});
