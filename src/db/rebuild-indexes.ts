/**
 * A rebuild writes whole tables in one transaction. An index that nothing reads until the rebuild
 * is done is cheaper built once from the finished table (one sort) than kept row by row (a random
 * page written per row per commit). SQLite only: readers see the last commit meanwhile. PostgreSQL
 * keeps its indexes: dropping one would lock the table against every reader until the commit.
 */
import { rowsOf } from './bulk.js';
import { isPostgres, type Tx } from './knex.js';

/** Run `write` with the named indexes dropped (SQLite), then create them again as they were. */
export async function withIndexesBuiltAfter<T>(db: Tx, names: readonly string[], write: () => Promise<T>): Promise<T> {
  if (isPostgres(db)) return write();
  const saved: string[] = [];
  for (const name of names) {
    const [index] = rowsOf<{ sql: string }>(await db.raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [name]));
    if (!index) throw new Error(`no index ${name} to set aside`);
    await db.raw(`DROP INDEX ${name}`);
    saved.push(index.sql);
  }
  const result = await write();
  for (const sql of saved) await db.raw(sql);
  return result;
}
