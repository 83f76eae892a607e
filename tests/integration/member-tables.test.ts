/**
 * The one list of member-owned tables (src/db/member-tables.ts) against the live schema: every
 * column that refers to a member — a foreign key to `members`, or a column named `member_id` /
 * `*_member_id` — must be listed, so merge, split, export, delete and rebuild all know it; and
 * nothing listed may be missing from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/knex.js';
import { memberColumns, MEMBER_TABLES } from '../../src/db/member-tables.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
beforeAll(async () => {
  fw = await testFlywheel();
});
afterAll(async () => {
  await fw.close();
});

type Column = { table: string; column: string };
const key = (c: Column) => `${c.table}.${c.column}`;
const namedForMember = (column: string) => column === 'member_id' || column.endsWith('_member_id');
const rowsOf = (result: any): any[] => (Array.isArray(result) ? result : result.rows);

/** Every column of every table (but knex's own), and which of them are foreign keys to `members`. */
async function schema(db: Tx): Promise<{ columns: Column[]; toMembers: Column[] }> {
  if (db.client.config.client === 'sqlite3') {
    const tables: string[] = rowsOf(await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'knex_%'")).map((r) => r.name);
    const columns: Column[] = [];
    const toMembers: Column[] = [];
    for (const table of tables) {
      for (const c of rowsOf(await db.raw('SELECT name FROM pragma_table_info(?)', [table]))) columns.push({ table, column: c.name });
      for (const fk of rowsOf(await db.raw('SELECT "table" AS target, "from" AS source FROM pragma_foreign_key_list(?)', [table])))
        if (fk.target === 'members') toMembers.push({ table, column: fk.source });
    }
    return { columns, toMembers };
  }
  const columns = rowsOf(
    await db.raw(
      `SELECT c.table_name AS "table", c.column_name AS "column"
       FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE 'knex\\_%'`,
    ),
  );
  const toMembers = rowsOf(
    await db.raw(
      `SELECT k.table_name AS "table", k.column_name AS "column"
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
       JOIN information_schema.constraint_column_usage u ON u.constraint_schema = tc.constraint_schema AND u.constraint_name = tc.constraint_name
       WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND u.table_name = 'members'`,
    ),
  );
  return { columns, toMembers };
}

/** Columns of the database that refer to a member and are not in the list. */
async function unlisted(db: Tx): Promise<string[]> {
  const { columns, toMembers } = await schema(db);
  const listed = new Set(memberColumns().map(key));
  const referring = new Set([...toMembers.map(key), ...columns.filter((c) => namedForMember(c.column)).map(key)]);
  return [...referring].filter((c) => !listed.has(c)).sort();
}

describe('the list of member-owned tables', () => {
  it('names every column of the live schema that refers to a member', async () => {
    expect(await unlisted(fw.db)).toEqual([]);
  });

  it('names only columns that exist, and says for each what merge, split, export and delete do', async () => {
    const existing = new Set((await schema(fw.db)).columns.map(key));
    expect(memberColumns().map(key).filter((c) => !existing.has(c))).toEqual([]);
    const platformTables = new Set((await schema(fw.db)).columns.filter((c) => c.column === 'platform').map((c) => c.table));
    // A split moves rows by platform: only tables with a platform column can do that.
    expect(memberColumns().filter((c) => c.rule.split === 'by-platform' && !platformTables.has(c.table)).map(key)).toEqual([]);
    // Rebuilt rows are found by member_id.
    for (const t of MEMBER_TABLES.filter((t) => t.rebuild === 'derived')) expect(Object.keys(t.columns)).toContain('member_id');
  });

  it('catches a new table that refers to a member, by foreign key or by name', async () => {
    await fw.db.schema.createTable('scratch_follows', (t) => {
      t.increments('id');
      t.integer('follower').references('id').inTable('members');
      t.integer('followed_member_id');
    });
    try {
      expect(await unlisted(fw.db)).toEqual(['scratch_follows.followed_member_id', 'scratch_follows.follower']);
    } finally {
      await fw.db.schema.dropTable('scratch_follows');
    }
  });
});
