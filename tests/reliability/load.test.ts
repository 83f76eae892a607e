/**
 * Load: the real server in its own process takes signed webhooks (with retries) from autocannon
 * while leaderboards are read, with zero errors and exact totals afterwards (scripts/load.ts; the
 * README's numbers come from a longer run of the same script).
 */
import { describe, expect, it } from 'vitest';
import { loadHeld, runLoad } from '../../scripts/load.js';

describe('load', () => {
  it('takes webhooks while leaderboards are read: zero errors, every retry a duplicate, exact totals', async () => {
    const report = await runLoad({ deliveries: 2000, members: 100, connections: 10, maxSeconds: 120 });
    expect(report.finished).toBe(true);
    expect(report.webhooks).toMatchObject({ requests: 2000, errors: 0, non2xx: 0 });
    expect(report.reads).toMatchObject({ errors: 0, non2xx: 0 });
    expect(report.reads.requests).toBeGreaterThan(0);
    expect(report.recorded + report.duplicates).toBe(2000);
    expect(report.duplicates).toBeGreaterThanOrEqual(190);
    expect(report.ledgerMatches).toBe(true);
    expect(report.points).toEqual({ expected: report.recorded * 2, actual: report.recorded * 2, membersWrong: 0 });
    expect(loadHeld(report)).toBe(true);
  }, 180_000);
});
