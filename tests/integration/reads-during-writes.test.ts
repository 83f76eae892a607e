/**
 * A long write (an import, a recompute, housekeeping) must not take the site down: on a SQLite
 * file, reads go through their own read-only connections and see the last commit. SQLite-only by
 * nature (PostgreSQL's pool and MVCC give the same for free; vitest.config.ts excludes this file
 * from the postgres project).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Flywheel } from '../../src/app/flywheel.js';
import { createLogger } from '../../src/logger.js';
import { createFlywheel } from '../../src/app/flywheel.js';
import { createDb, createReadDb, type Db } from '../../src/db/knex.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord, minutes } from '../support/builders.js';

const alice = discord('100', { username: 'alice' });
const bob = discord('200', { username: 'bob' });

describe('reads while a write is in progress (SQLite file)', () => {
  let dir: string;
  let fw: Flywheel;
  let db: Db;
  let app: FastifyInstance;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-reads-'));
    // Opened as `serve` opens it (a writer and read-only connections), keeping the writer's handle to hold a write open.
    const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'fw.sqlite')}`, LOG_LEVEL: 'silent' }, dir);
    db = createDb(config.database);
    fw = createFlywheel(db, config, Date.now, createReadDb(config.database, db));
    await fw.maintenance.migrate();
    app = await buildWebApp(fw, config, createLogger('silent'));
    await fw.ingest([act('answer_accepted', alice, minutes(0), { key: 'a1', counterpart: bob, subject: 'q1' })]);
  });

  afterEach(async () => {
    await app.close();
    await fw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages, the API, health and member lookups answer from the last commit, then show the write once it commits', async () => {
    const before = (await app.inject('/api/v1/leaderboard?period=all')).json() as { entries: Array<{ points: number }> };
    expect(before.entries.map((e) => e.points)).toEqual([15]);

    // A write that holds SQLite's write lock and the writer's only connection, as a long import does.
    const write = await db.transaction();
    await write('members').update({ display_name: 'renamed mid-write' });
    try {
      const started = Date.now();
      const [board, page, health, member] = await Promise.all([
        app.inject('/api/v1/leaderboard?period=all'),
        // All time, as the API read above: the default (this month) would follow the wall clock, not the activity's date.
        app.inject('/leaderboard?period=all'),
        app.inject('/healthz'),
        fw.members.lookup('discord', '100'),
      ]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(board.statusCode).toBe(200);
      expect((board.json() as { entries: Array<{ points: number }> }).entries.map((e) => e.points)).toEqual([15]);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('alice');
      expect(page.body).not.toContain('renamed mid-write');
      expect(health.json()).toEqual({ status: 'ok' });
      expect(member.displayName).not.toBe('renamed mid-write');
    } finally {
      await write.commit();
    }
    expect((await fw.members.lookup('discord', '100')).displayName).toBe('renamed mid-write');
  });

  it('an ingest waiting behind the write still lands, and is read right after', async () => {
    const write = await db.transaction();
    await write('members').update({ display_name: 'held' });
    const ingest = fw.ingest([act('answer_accepted', alice, minutes(60), { key: 'a2', counterpart: bob, subject: 'q2' })]);
    const during = (await app.inject('/api/v1/leaderboard?period=all')).json() as { entries: Array<{ points: number }> };
    expect(during.entries.map((e) => e.points)).toEqual([15]);
    await write.commit();
    await ingest;
    const after = (await app.inject('/api/v1/leaderboard?period=all')).json() as { entries: Array<{ points: number }> };
    expect(after.entries.map((e) => e.points)).toEqual([30]);
  });
});
