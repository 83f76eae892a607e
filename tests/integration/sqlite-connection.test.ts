/** SQLite-only by nature (the postgres project excludes this file in vitest.config.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/knex.js';

describe('SQLite connections', () => {
  it('are opened with WAL, foreign keys, a busy timeout and a real page cache', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'fw-sqlite-')), 'data', 'fw.sqlite');
    const db = createDb({ client: 'sqlite', filename });
    try {
      const one = async (pragma: string) => Object.values((await db.raw(`PRAGMA ${pragma}`))[0])[0];
      expect(await one('journal_mode')).toBe('wal');
      expect(await one('foreign_keys')).toBe(1);
      expect(await one('busy_timeout')).toBe(10000);
      expect(await one('cache_size')).toBe(-65536);
    } finally {
      await db.destroy();
    }
  });
});
