/**
 * Nothing lost, nothing doubled — even when the process dies. A ~200k-activity import runs in a
 * child process and is killed with SIGKILL at random moments, then restarted; the final ledger,
 * awards, scores and badges equal those of an uninterrupted run. SQLite files (the embedded
 * default) are where a hard kill matters most.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/knex.js';
import { stateOf } from '../support/ledger.js';

const ARGS = ['demo', '--members', '2400', '--months', '6', '--seed', '7', '--end', '2026-11-01'];
const SMALL = ['demo', '--members', '600', '--months', '6', '--seed', '7', '--end', '2026-11-01'];
const dir = mkdtempSync(join(tmpdir(), 'fw-crash-'));

function run(file: string, killAfterMs?: number, args = ARGS): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const timer = killAfterMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** The state of a database file, as digests: comparing 200k-row arrays deeply would cost more than the imports. */
async function snapshot(file: string) {
  const db: Db = createDb({ client: 'sqlite', filename: file });
  try {
    const digest = (rows: unknown[]) => ({ rows: rows.length, sha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') });
    const state = await stateOf(db);
    return { ledger: digest(state.ledger), awards: digest(state.awards), scores: digest(state.scores), badges: digest(state.badges), stages: digest(state.stages) };
  } finally {
    await db.destroy();
  }
}

describe('crash safety', () => {
  it('an import killed with SIGKILL and restarted ends exactly where an uninterrupted one does', async () => {
    const whole = join(dir, 'whole.sqlite');
    expect(await run(whole)).toEqual({ code: 0, signal: null });
    const expected = await snapshot(whole);
    expect(expected.ledger.rows).toBeGreaterThan(190_000);

    const broken = join(dir, 'broken.sqlite');
    const kills = [4000, 9000, 15000].map((ms) => ms + Math.floor(Math.random() * 2000));
    for (const ms of kills) expect((await run(broken, ms)).signal).toBe('SIGKILL');
    const partial = await snapshot(broken);
    expect(partial.ledger.rows).toBeLessThan(expected.ledger.rows); // it really was cut short
    expect(await run(broken)).toEqual({ code: 0, signal: null });
    expect(await snapshot(broken)).toEqual(expected);
  }, 600_000);

  it('flywheel backup copies a live database consistently, and the copy restores', async () => {
    const live = join(dir, 'live.sqlite');
    const copy = join(dir, 'backup.sqlite');
    // Back up while an import is writing to the database.
    const writer = run(live, undefined, SMALL);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const backup = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'backup', copy], { env: { ...process.env, DATABASE_URL: `sqlite:${live}`, LOG_LEVEL: 'silent' }, stdio: 'ignore' }).on('exit', resolve),
    );
    expect(backup).toBe(0);
    expect(await writer).toEqual({ code: 0, signal: null });

    // The copy is a consistent moment: intact, and every activity in it has its awards.
    const db = createDb({ client: 'sqlite', filename: copy });
    try {
      expect((await db.raw('PRAGMA integrity_check'))[0]).toEqual({ integrity_check: 'ok' });
      const activities = Number((await db('activities').count({ n: '*' }).first())!.n);
      const awarded = Number((await db('awards').countDistinct({ n: 'activity_id' }).whereNull('cancels_activity_id').first())!.n);
      expect(activities).toBeGreaterThan(0);
      expect(awarded).toBe(activities - Number((await db('activities').count({ n: '*' }).where('kind', 'reversal').first())!.n));
    } finally {
      await db.destroy();
    }
    // Restored and run to the end, it is the same database an uninterrupted import makes.
    expect(await run(copy, undefined, SMALL)).toEqual({ code: 0, signal: null });
    expect(await snapshot(copy)).toEqual(await snapshot(live));
  }, 300_000);
});
