/**
 * Instances hear each other's commits over one LISTEN connection. When it drops (a database
 * restart, a proxy's idle timeout), commits made before it is open again are never heard: what an
 * instance kept meanwhile must not be served past the reopening, or a write (a member who hid
 * themself) would stay unseen there until the keep window ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createDb } from '../../../src/db/knex.js';
import { KEEP_WINDOW_MS } from '../../../src/app/read-cache.js';
import { act, discord } from '../../support/builders.js';
import { flywheelOver, freshDatabaseUrl } from '../../support/db.js';

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

describe('an instance whose signal link drops', () => {
  it('serves a write made while the link was down within a second of reopening it, not when its keep window ends', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl(), LOG_LEVEL: 'silent' }, '/nonexistent');
    const a = flywheelOver(config);
    closing.push(() => a.close());
    await a.maintenance.migrate();
    const b = flywheelOver(config);
    closing.push(() => b.close());
    await b.inbox.start(); // b listens for commits (and, alone, is the ingester: its link holds that lock)
    const admin = createDb(config.database);
    closing.push(() => admin.destroy());
    const names = async () => (await b.boards.leaderboard({ period: 'all' })).entries.map((e) => e.member.displayName).sort();

    // Start at a keep window's beginning, so the window's own end cannot hide a stale board.
    await new Promise((resolve) => setTimeout(resolve, KEEP_WINDOW_MS - (performance.now() % KEEP_WINDOW_MS) + 20));
    await a.ingest([act('question_asked', discord('901', { displayName: 'Early' }), Date.now() - 60_000)]);
    await expect.poll(names, { timeout: 1_000 }).toEqual(['Early']);

    // b's link (the session that LISTENs and holds b's advisory lock) is cut.
    const cut = await admin.raw(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid() AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    expect(cut.rows).toHaveLength(1);
    // b notices at once and opens the link again half a second later; meanwhile it reads and keeps the board, and a writes.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await names()).toEqual(['Early']);
    await a.ingest([act('question_asked', discord('902', { displayName: 'Unheard' }), Date.now() - 30_000)]);
    expect(await names()).toEqual(['Early']);

    // Reopened within about half a second; the write shows within a second of the cut.
    const from = performance.now();
    await expect.poll(names, { timeout: 1_500, interval: 50 }).toEqual(['Early', 'Unheard']);
    expect(performance.now() - from).toBeLessThan(1_000);
  });
});
