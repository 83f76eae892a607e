/**
 * A job only one instance may do (the Discord gateway) must never run twice: when the database
 * stops answering the holder's renewals (a renewal hangs on a lock, a network partition), the
 * holder steps down before its lease ends, rather than when the renewal finally returns — by then
 * another instance may have taken the lease.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createDb } from '../../../src/db/knex.js';
import type { Election } from '../../../src/app/election.js';
import { flywheelOver, freshDatabaseUrl } from '../../support/db.js';

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

const until = async (done: () => boolean, ms: number): Promise<number> => {
  const from = performance.now();
  while (!done() && performance.now() - from < ms) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - from;
};

describe('the holder of a job whose renewals go unanswered', () => {
  it('steps down before its lease ends, while the renewal still hangs, and leads again once the database answers', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl(), LOG_LEVEL: 'silent' }, '/nonexistent');
    const fw = flywheelOver(config);
    closing.push(() => fw.close());
    await fw.maintenance.migrate();
    const events: string[] = [];
    const election: Election = await fw.instance.elect('job', { onElected: async () => void events.push('elected'), onDeposed: async () => void events.push('deposed') }, { leaseMs: 1_500, everyMs: 300 });
    closing.push(() => election.stop());
    expect([election.leading, events]).toEqual([true, ['elected']]);

    // Another session locks the lease's row: every renewal now waits, unanswered.
    const other = createDb(config.database);
    closing.push(() => other.destroy());
    const trx = await other.transaction();
    // Released however the test ends, so the hung renewal (and the election's stop) can finish.
    closing.push(() => trx.rollback().catch(() => undefined));
    await trx.raw(`SELECT * FROM elections WHERE name = 'job' FOR UPDATE`);
    const tookMs = await until(() => events.includes('deposed'), 4_000);
    expect(events).toEqual(['elected', 'deposed']);
    expect(election.leading).toBe(false);
    // Within the lease (1.5 s from the last renewal answered, at most 0.3 s before the lock).
    expect(tookMs).toBeLessThan(1_500);

    await trx.rollback();
    await until(() => events.length === 3, 3_000);
    expect(events).toEqual(['elected', 'deposed', 'elected']);
  });
});
