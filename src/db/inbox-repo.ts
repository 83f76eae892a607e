/**
 * The inbox table: accepted deliveries waiting for the elected ingester, and for a few minutes
 * after, their outcomes. Every instance stores; only the ingester reads pending rows and marks
 * them processed (in the transaction that ingests them).
 */
import type { Tx } from './knex.js';
import { isPostgres } from './knex.js';
import { CHANNEL } from './signals.js';

export interface StoredDelivery<A> {
  id: number;
  activities: A[];
  receivedAt: number;
}

/**
 * Store a delivery unless a row with its natural key is already there: the new row's id, or null
 * for a copy (on PostgreSQL a copy stored at the same moment by another instance waits for that
 * instance's commit, so null always means "durably stored already"). A stored row is announced
 * to the ingester when it commits. On PostgreSQL this is one statement, one round trip: every
 * instance pays it for every delivery.
 */
export async function storeDelivery(db: Tx, deliveryKey: string, activities: unknown[], receivedAt: number): Promise<number | null> {
  if (isPostgres(db)) {
    const { rows } = (await db.raw(
      `WITH stored AS (INSERT INTO inbox (delivery_key, activities, received_at) VALUES (?, ?, ?) ON CONFLICT (delivery_key) DO NOTHING RETURNING id)
       SELECT id, pg_notify(?, 'stored') FROM stored`,
      [deliveryKey, JSON.stringify(activities), receivedAt, CHANNEL],
    )) as { rows: Array<{ id: number }> };
    return rows[0] ? Number(rows[0].id) : null;
  }
  const rows = await db('inbox')
    .insert({ delivery_key: deliveryKey, activities: JSON.stringify(activities), received_at: receivedAt })
    .onConflict('delivery_key')
    .ignore()
    .returning('id');
  const id = (rows as Array<{ id: number } | number>)[0];
  if (id === undefined) return null;
  return Number(typeof id === 'object' ? id.id : id);
}

/** The oldest unprocessed deliveries, in arrival order, up to about `maxActivities` activities (at least one delivery). */
export async function pendingDeliveries<A>(db: Tx, maxActivities: number): Promise<Array<StoredDelivery<A>>> {
  const rows: Array<{ id: number; activities: string; received_at: number }> = await db('inbox')
    .select('id', 'activities', 'received_at')
    .whereNull('processed_at')
    .orderBy('id')
    .limit(maxActivities);
  const out: Array<StoredDelivery<A>> = [];
  let size = 0;
  for (const row of rows) {
    const activities = JSON.parse(row.activities) as A[];
    if (out.length > 0 && size + activities.length > maxActivities) break;
    out.push({ id: Number(row.id), activities, receivedAt: Number(row.received_at) });
    size += activities.length;
  }
  return out;
}

/**
 * Mark deliveries processed with their outcomes. Returns how many were still pending: fewer than
 * asked means another ingester got there first (a change of leader), and the caller rolls back.
 */
export async function markProcessed(db: Tx, results: ReadonlyArray<{ id: number; outcomes: unknown }>, at: number): Promise<number> {
  if (results.length === 0) return 0;
  const ids = results.map((r) => r.id);
  const cases = results.map(() => 'WHEN ? THEN ?').join(' ');
  const bindings = results.flatMap((r) => [r.id, JSON.stringify(r.outcomes)]);
  const idList = ids.map(() => '?').join(',');
  const sql = `UPDATE inbox SET processed_at = ?, outcomes = CASE id ${cases} END WHERE processed_at IS NULL AND id IN (${idList})`;
  const result = await db.raw(sql, [at, ...bindings, ...ids]);
  // pg answers { rowCount }; sqlite3 through knex answers nothing useful, so count afterwards.
  if (isPostgres(db)) return Number((result as { rowCount: number }).rowCount);
  const done = await db('inbox').whereIn('id', ids).andWhere('processed_at', at).count<Array<{ n: number }>>({ n: '*' });
  return Number(done[0]?.n ?? 0);
}

/** Outcomes of those of `ids` already processed. */
export async function processedOutcomes<O>(db: Tx, ids: readonly number[]): Promise<Map<number, O>> {
  const out = new Map<number, O>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows: Array<{ id: number; outcomes: string }> = await db('inbox').select('id', 'outcomes').whereIn('id', ids.slice(i, i + 500)).whereNotNull('processed_at');
    for (const row of rows) out.set(Number(row.id), JSON.parse(row.outcomes) as O);
  }
  return out;
}

/** How many deliveries wait for the ingester, and the id of the newest stored one (0 for none). */
export async function inboxState(db: Tx): Promise<{ pending: number; newest: number }> {
  const [pending] = await db('inbox').whereNull('processed_at').count<Array<{ n: number }>>({ n: '*' });
  const [newest] = await db('inbox').max<Array<{ id: number | null }>>({ id: 'id' });
  return { pending: Number(pending?.n ?? 0), newest: Number(newest?.id ?? 0) };
}

/** Whether every delivery up to `id` has been processed. */
export async function processedThrough(db: Tx, id: number): Promise<boolean> {
  const row = await db('inbox').whereNull('processed_at').andWhere('id', '<=', id).first('id');
  return row === undefined;
}

/** Forget processed deliveries older than `before` (their activities are in the ledger). */
export async function purgeProcessed(db: Tx, before: number): Promise<number> {
  return db('inbox').whereNotNull('processed_at').andWhere('processed_at', '<', before).delete();
}
