/**
 * Multi-row statements for the batch path. One statement per chunk of rows, never per row:
 * a statement through knex + sqlite3 costs ~0.1 ms of overhead, a row inside one costs ~1 µs.
 * Table and column names come from code, never from input; values are always bound.
 * Rows built from data (periods of history, grants, members) are inserted here, never with knex's
 * `insert([...])`: knex writes a SQLite multi-row insert as a compound SELECT, which fails past 500
 * rows ("too many terms in compound SELECT"); a VALUES list has no such limit.
 */
import type { Tx } from './knex.js';

// SQLite allows 32,766 bound values per statement, PostgreSQL 65,535.
const MAX_BINDINGS = 30_000;

const quote = (name: string): string => `"${name}"`;

export interface InsertOptions {
  /** e.g. `ON CONFLICT ("natural_key") DO NOTHING` — literal SQL from code. */
  onConflict?: string;
  returning?: readonly string[];
}

export async function insertRows<R = Record<string, unknown>>(
  db: Tx,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
  options: InsertOptions = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const chunk = Math.max(1, Math.floor(MAX_BINDINGS / columns.length));
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(',')}) VALUES `;
  const tail =
    (options.onConflict ? ` ${options.onConflict}` : '') +
    (options.returning ? ` RETURNING ${options.returning.map(quote).join(',')}` : '');
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    const bindings: unknown[] = [];
    for (const row of slice) for (const value of row) bindings.push(value);
    const sql = head + new Array(slice.length).fill(tuple).join(',') + tail;
    const result = await db.raw(sql, bindings as never[]);
    if (options.returning) out.push(...rowsOf<R>(result));
  }
  return out;
}

/** knex.raw returns an array on SQLite and a pg Result on PostgreSQL. */
export function rowsOf<R>(result: unknown): R[] {
  if (Array.isArray(result)) return result as R[];
  return ((result as { rows?: R[] }).rows ?? []) as R[];
}

/**
 * Values per `IN (…)` list: far below SQLite's 32,766 bound values and PostgreSQL's 65,535 per
 * statement, with room for the statement's other bindings. A list built from data (members,
 * grants, nominations) is never bound whole: it goes through `inChunks`.
 */
export const IN_LIST = 2000;

/** Run `fn` over `values` in chunks small enough to bind (for `IN (…)` lists). */
export async function inChunks<T, R>(values: readonly T[], size: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) out.push(...(await fn(values.slice(i, i + size))));
  return out;
}

export type SqlType = 'INTEGER' | 'BIGINT' | 'TEXT';

/**
 * Update many rows by key in one statement per chunk: `UPDATE t SET … FROM (VALUES …) v`.
 * VALUES columns are named column1, column2, … by both SQLite and PostgreSQL; casts give
 * PostgreSQL the types it cannot infer from bound parameters.
 */
export async function updateRows(
  db: Tx,
  table: string,
  key: { name: string; type: SqlType },
  columns: ReadonlyArray<{ name: string; type: SqlType }>,
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const all = [key, ...columns];
  const chunk = Math.max(1, Math.floor(MAX_BINDINGS / all.length));
  const tuple = `(${all.map((c) => `CAST(? AS ${c.type})`).join(',')})`;
  const set = columns.map((c, i) => `${quote(c.name)} = v.column${i + 2}`).join(', ');
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    const bindings: unknown[] = [];
    for (const row of slice) for (const value of row) bindings.push(value);
    const values = new Array(slice.length).fill(tuple).join(',');
    await db.raw(
      `UPDATE ${quote(table)} SET ${set} FROM (VALUES ${values}) AS v WHERE ${quote(table)}.${quote(key.name)} = v.column1`,
      bindings as never[],
    );
  }
}
