/**
 * SQL lives in src/db only: no file in src/app builds a query or names a table. The table names
 * are read from a freshly migrated database (so a new migration's table is known at once), and
 * every file under src/app is scanned for knex query building and for string literals equal to
 * a table name. A use case that needs rows calls a repository in src/db.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrate.js';

const APP = join(import.meta.dirname, '../../src/app');

/**
 * Files allowed, for a while, to still name tables while another change rewrites them. Empty: keep
 * it so; a file on it that no longer names a table fails the last test below.
 */
const NOT_YET_CLEAN: ReadonlySet<string> = new Set([]);

/** Query building: a knex instance or transaction called or used, or a builder method chained. */
const QUERY_BUILDING: ReadonlyArray<[string, RegExp]> = [
  ['calls a knex instance or transaction', /\b(?:db|trx|tx|knex|reads|this\.db)\s*\(/],
  ['uses knex directly', /\bknex\.(?!js)|from 'knex'/],
  ['chains a query builder', /\.(?:raw|where\w*|orWhere\w*|andWhere\w*|leftJoin|innerJoin|onConflict|returning|insert|del|orderBy|groupBy|having\w*|pluck|increment|decrement|forUpdate|distinct|countDistinct)\(/],
  ['joins or reads a table', /\.(?:from|table|into|join)\(\s*['"`]\w+(?:\s+as\s+\w+)?['"`]\s*[,)]/],
  ['aggregates a column', /\.(?:count|sum|max|min|avg)\(\s*['"`{]/],
  ['writes SQL', /['"`]\s*(?:SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\s/i],
];

function stringLiterals(source: string): string[] {
  return [...source.matchAll(/'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`\\$]*)`/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** `members`, `members as m` and `members.id` all name the table `members`. */
const tableIn = (literal: string): string => /^(\w+)(?:\s+as\s+\w+|\.\w+)?$/.exec(literal)?.[1] ?? '';

/** Comments explain, they do not query: `// see members` is fine. */
const withoutComments = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

let db: Db;
let tables: string[];
/**
 * Column names with an underscore (`member_id`, `revoked_at`): a string literal spelling one is
 * a column named outside src/db. One-word columns (`kind`, `points`) are the domain's vocabulary too.
 */
let columns: Set<string>;
beforeAll(async () => {
  db = createDb({ client: 'sqlite', filename: ':memory:' });
  await migrateLatest(db);
  const rows: Array<{ name: string }> = await db('sqlite_master')
    .where({ type: 'table' })
    .whereNot('name', 'like', 'sqlite_%')
    .whereNot('name', 'like', 'knex_%')
    .select('name');
  tables = rows.map((r) => r.name);
  columns = new Set();
  for (const table of tables)
    for (const c of (await db.raw('SELECT name FROM pragma_table_info(?)', [table])) as Array<{ name: string }>) if (c.name.includes('_')) columns.add(c.name);
});
afterAll(async () => {
  await db.destroy();
});

/** What a file in src/app does that belongs in src/db, one line each. */
function violations(file: string): string[] {
  return findings(file, readFileSync(join(APP, file), 'utf8'));
}

function findings(file: string, source: string): string[] {
  const code = withoutComments(source);
  const found: string[] = [];
  code.split('\n').forEach((line, i) => {
    for (const [what, pattern] of QUERY_BUILDING) if (pattern.test(line)) found.push(`${file}:${i + 1} ${what}: ${line.trim()}`);
  });
  for (const literal of new Set(stringLiterals(code))) {
    if (tables.includes(tableIn(literal))) found.push(`${file} names the table '${literal}'`);
    else if (columns.has(literal.replace(/^\w+\./, ''))) found.push(`${file} names the column '${literal}'`);
  }
  return found;
}

describe('src/app names no table', () => {
  it('knows the real tables', () => {
    expect(tables).toEqual(expect.arrayContaining(['members', 'activities', 'awards', 'scores', 'settings', 'outbox']));
    expect([...columns]).toEqual(expect.arrayContaining(['member_id', 'merged_into', 'share_consent', 'revoked_at']));
  });

  it('every use case reaches the database through a repository in src/db', () => {
    const files = readdirSync(APP).filter((f) => f.endsWith('.ts') && !NOT_YET_CLEAN.has(f));
    expect(files.flatMap(violations)).toEqual([]);
  });

  it('lists no file that is clean already', () => {
    const stale = [...NOT_YET_CLEAN].filter((f) => !existsSync(join(APP, f)) || violations(f).length === 0);
    expect(stale, 'clean now: remove from NOT_YET_CLEAN').toEqual([]);
  });

  it('the check sees a query and a table name', () => {
    // The scanner itself, on a line as a use case would write it.
    const line = "await trx('members').where('id', id).update({ hidden: true });";
    expect(QUERY_BUILDING.some(([, p]) => p.test(line))).toBe(true);
    expect(stringLiterals(line).filter((s) => tables.includes(tableIn(s)))).toEqual(['members']);
    expect(tableIn('members as m')).toBe('members');
    expect(findings('x.ts', "const open = rows.filter((r) => r['revoked_at'] === null); // 'members'")).toEqual(["x.ts names the column 'revoked_at'"]);
    expect(QUERY_BUILDING.some(([, p]) => p.test("const s = names.join(', ');"))).toBe(false);
  });
});
