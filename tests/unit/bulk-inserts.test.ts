/**
 * Rows built from data go through src/db/bulk.ts (`insertRows`), never knex's `insert([...])`:
 * knex writes a SQLite multi-row insert as a compound SELECT, which fails past 500 rows — the
 * period closing of a community with years of weeks did. This keeps the next one from coming back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('inserts in src/', () => {
  it('insert one row per knex insert (an object literal); lists go through insertRows', () => {
    const offenders = sources('src').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\.insert\(\s*([^\s])/g)].filter((m) => m[1] !== '{').map((m) => `${file}: ${m[0]}`),
    );
    expect(offenders).toEqual([]);
  });
});
