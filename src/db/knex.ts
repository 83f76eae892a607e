/**
 * The knex factory: SQLite (embedded default) or PostgreSQL (scale-out), same code above it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createRequire } from 'node:module';
import type { Database } from '../config.js';

// The PostgreSQL driver is loaded only when PostgreSQL is used (it is ~15 MB resident).
const load = createRequire(import.meta.url);
let pgTypesSet = false;

/** COUNT/SUM and bigint columns arrive as strings from pg; every such value here fits a JS number. */
function numbersFromPg(): void {
  if (pgTypesSet) return;
  const pg = load('pg') as typeof import('pg');
  pg.types.setTypeParser(pg.types.builtins.INT8, Number);
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);
  pgTypesSet = true;
}

export type Db = Knex;
export type Tx = Knex | Knex.Transaction;

const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA busy_timeout = 10000',
  'PRAGMA temp_store = MEMORY',
  // A batch of 1,000 activities dirties ~16,000 pages (mostly leaderboard scores), so the default
  // checkpoint every 1,000 pages ran inside every commit. Every 64Ki pages (256 MiB of WAL), pages
  // rewritten by several batches are copied back once: ingest ~17% faster at 1M activities. After
  // a checkpoint the WAL file is cut back to 64 MiB.
  'PRAGMA wal_autocheckpoint = 65536',
  'PRAGMA journal_size_limit = 67108864',
];

/** The writer's page cache: large for bulk work (imports, recompute), smaller for a long-running server. */
export interface WriterOptions {
  cacheMiB?: number;
}
const BULK_CACHE_MIB = 64; // against sqlite3's 2 MiB default

// Two readers: reads run on libuv's thread pool beside the writer (4 threads by default).
const READERS = 2;
const READER_PRAGMAS = [
  'PRAGMA query_only = ON',
  'PRAGMA busy_timeout = 10000',
  'PRAGMA cache_size = -16384', // 16 MiB each: hot board and member pages, not the whole ledger
  'PRAGMA temp_store = MEMORY',
];

interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * A failed statement's error says what the database said, first: knex puts the whole statement in
 * front of the driver's message (a multi-row insert is megabytes, and a log line cut short keeps
 * only the statement). The statement stays beside it as `sql`, without values (they are members'
 * data); `compileSqlOnError: false` is what makes the prefix exactly that statement.
 */
function databaseSaysFirst(db: Db): Db {
  db.on('query-error', (error: unknown, query: { sql?: string }) => {
    if (!(error instanceof Error) || typeof query?.sql !== 'string') return;
    const prefix = `${query.sql} - `;
    if (!error.message.startsWith(prefix)) return;
    error.message = error.message.slice(prefix.length);
    Object.assign(error, { sql: query.sql });
  });
  return db;
}

export function createDb(database: Database, { cacheMiB = BULK_CACHE_MIB }: WriterOptions = {}): Db {
  if (database.client === 'postgres') {
    numbersFromPg();
    return databaseSaysFirst(
      knexFactory({
        client: 'pg',
        connection: database.connectionString,
        pool: { min: 0, max: 10 },
        compileSqlOnError: false,
      }),
    );
  }
  if (database.filename !== ':memory:') mkdirSync(dirname(database.filename), { recursive: true });
  // One writer connection: SQLite has one writer anyway, and a single connection keeps an
  // in-memory database whole. A file's reads go through createReadDb's connections.
  return sqlite(database.filename, 1, [...SQLITE_PRAGMAS, `PRAGMA cache_size = -${cacheMiB * 1024}`]);
}

function sqlite(filename: string, connections: number, pragmas: readonly string[]): Db {
  return databaseSaysFirst(
    knexFactory({
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      compileSqlOnError: false,
      pool: {
        min: 1,
        max: connections,
        afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
          conn.exec(pragmas.join(';\n'), (err) => done(err, conn));
        },
      },
    }),
  );
}

/**
 * Read-only connections beside the writer, for a SQLite file: in WAL mode a reader sees the last
 * commit and never waits for a write in progress, so pages and the bot keep answering through an
 * import, a recompute or housekeeping (the writer's single connection would otherwise queue
 * them behind the whole transaction). PostgreSQL's pool and an in-memory database (one
 * connection is the whole database) read through the writer's pool.
 */
export function createReadDb(database: Database, writer: Db): Db {
  if (database.client === 'postgres' || database.filename === ':memory:') return writer;
  return sqlite(database.filename, READERS, READER_PRAGMAS);
}

export const isPostgres = (db: Tx): boolean => db.client.config.client === 'pg';

/** Reach the database (health checks). */
export async function ping(db: Tx): Promise<void> {
  await db.raw('SELECT 1');
}

