/** SQLite-only by nature (the postgres project excludes this file in vitest.config.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb, createReadDb } from '../../src/db/knex.js';

describe('SQLite connections', () => {
  it('are opened with WAL, foreign keys, a busy timeout, a real page cache and large checkpoints', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'fw-sqlite-')), 'data', 'fw.sqlite');
    const db = createDb({ client: 'sqlite', filename });
    try {
      const one = async (pragma: string) => Object.values((await db.raw(`PRAGMA ${pragma}`))[0])[0];
      expect(await one('journal_mode')).toBe('wal');
      expect(await one('foreign_keys')).toBe(1);
      expect(await one('busy_timeout')).toBe(10000);
      expect(await one('cache_size')).toBe(-65536);
      // Checkpoints large enough that a batch's pages are not copied back inside every commit.
      expect(await one('wal_autocheckpoint')).toBe(65536);
      expect(await one('journal_size_limit')).toBe(67108864);
    } finally {
      await db.destroy();
    }
  });

  it('read connections of a file refuse writes; an in-memory database reads through its one connection', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'fw-sqlite-')), 'fw.sqlite');
    const db = createDb({ client: 'sqlite', filename });
    const reads = createReadDb({ client: 'sqlite', filename }, db);
    try {
      await db.schema.createTable('t', (t) => t.integer('n'));
      await db('t').insert({ n: 1 });
      expect(await reads('t').pluck('n')).toEqual([1]);
      await expect(reads('t').insert({ n: 2 })).rejects.toThrow(/readonly/);
      const memory = createDb({ client: 'sqlite', filename: ':memory:' });
      expect(createReadDb({ client: 'sqlite', filename: ':memory:' }, memory)).toBe(memory);
      await memory.destroy();
    } finally {
      await reads.destroy();
      await db.destroy();
    }
  });
});
