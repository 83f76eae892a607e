/** Rate-limit counters in memory (SQLite's one process): fixed windows, and a bound on how many clients are remembered. */
import { describe, expect, it } from 'vitest';
import { memoryRateLimits } from '../../src/web/rate-limit-store.js';

describe('memoryRateLimits', () => {
  it('counts per key in a window that starts again when it ends', async () => {
    let now = 1_000;
    const limits = memoryRateLimits(() => now);
    expect((await limits.hit('a', 60_000)).count).toBe(1);
    expect(await limits.hit('a', 60_000)).toEqual({ count: 2, resetAt: 61_000 });
    expect((await limits.hit('b', 60_000)).count).toBe(1);
    now = 61_000;
    expect(await limits.hit('a', 60_000)).toEqual({ count: 1, resetAt: 121_000 });
  });

  it('remembers at most maxKeys clients, forgetting the oldest window first', async () => {
    const limits = memoryRateLimits(() => 0, 3);
    for (const key of ['a', 'b', 'c', 'a']) await limits.hit(key, 60_000);
    await limits.hit('d', 60_000); // full: 'a' (the oldest window) goes
    expect((await limits.hit('b', 60_000)).count).toBe(2);
    expect((await limits.hit('a', 60_000)).count).toBe(1);
  });
});
