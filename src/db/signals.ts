/**
 * What instances over one PostgreSQL database tell each other, through the database: NOTIFY sent
 * inside a transaction (delivered to every listener when it commits, never if it rolls back), and
 * an election by a session-level advisory lock held on a dedicated connection (PostgreSQL releases
 * it the moment that connection is gone, so a dead leader is replaced within one attempt).
 * On SQLite there is one process: nothing to tell, and it is always elected.
 */
import { createRequire } from 'node:module';
import type { Db, Tx } from './knex.js';
import { isPostgres } from './knex.js';

export const CHANNEL = 'flywheel';

/**
 * What happened: a write committed (caches move), a delivery was stored (the ingester drains), or
 * news was published (the instance holding the Discord gateway announces it).
 */
export type Signal = 'commit' | 'stored' | 'published';
const SIGNALS: ReadonlySet<string> = new Set<Signal>(['commit', 'stored', 'published']);

const WRITE_TURN = 0x666c7977; // "flyw"

/** Wait for this transaction's turn among every instance's writes (PostgreSQL; SQLite has one writer). */
export async function takeWriteTurn(trx: Tx): Promise<void> {
  if (isPostgres(trx)) await trx.raw('SELECT pg_advisory_xact_lock(?)', [WRITE_TURN]);
}

/** Tell every instance, when this transaction commits. */
export async function announce(trx: Tx, signal: Signal): Promise<void> {
  if (isPostgres(trx)) await trx.raw('SELECT pg_notify(?, ?)', [CHANNEL, signal]);
}

/** A dedicated connection: listens for signals and may hold an election's lock. */
export interface Link {
  /** Try to become the one holder of `role` (held until this link closes or is lost). */
  tryLead(role: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface LinkEvents {
  signal(signal: Signal): void;
  /** The connection broke: held roles are gone and signals may have been missed. */
  lost(error: unknown): void;
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
  on(event: 'notification', fn: (msg: { channel: string; payload?: string }) => void): void;
  on(event: 'error' | 'end', fn: (error?: unknown) => void): void;
}

/** Open a link to the database `db` uses; null on SQLite (one process: nothing to link). */
export async function openLink(db: Db, events: LinkEvents): Promise<Link | null> {
  if (!isPostgres(db)) return null;
  const pg = createRequire(import.meta.url)('pg') as { Client: new (settings: object) => PgClient };
  // The settings knex parsed from the connection string: the same server, database and user.
  const client = new pg.Client((db.client as unknown as { connectionSettings: object }).connectionSettings);
  let closing = false;
  let lostOnce = false;
  const lost = (error: unknown) => {
    if (closing || lostOnce) return;
    lostOnce = true;
    events.lost(error);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('connection ended')));
  client.on('notification', (msg) => {
    if (msg.channel === CHANNEL && msg.payload && SIGNALS.has(msg.payload)) events.signal(msg.payload as Signal);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  } catch (error) {
    // Reported once, by the caller: not also as a lost link.
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    async tryLead(role) {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS led', [role]);
      return rows[0]?.led === true;
    },
    async close() {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
