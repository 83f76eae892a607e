/**
 * The news table's SQL: news any instance published, waiting for the subscriber (the instance that
 * holds the Discord gateway). Claimed like the outbox (src/db/outbox-repo.ts): one conditional
 * UPDATE whose candidate is picked `FOR UPDATE SKIP LOCKED` on PostgreSQL, held until
 * `lease_until`, finished only by its claimant; a lease that runs out makes the row claimable again.
 */
import { isPostgres, type Db, type Tx } from './knex.js';
import { announce } from './signals.js';

export interface NewsRow {
  id: number;
  payload: string;
}

/** Store published news and tell every instance when it commits (the subscriber drains at once). */
export async function storeNews(db: Db, payload: string, now: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('news').insert({ payload, created_at: now });
    await announce(trx, 'published');
  });
}

const claimable = (now: number) => (q: any) => q.whereNull('lease_until').orWhere('lease_until', '<=', now);

/** Claim the oldest news not done, nobody holds and published since `since`, for `leaseMs`; null when none. */
export async function claimNews(db: Tx, { now, since, claimant, leaseMs }: { now: number; since: number; claimant: string; leaseMs: number }): Promise<NewsRow | null> {
  const candidate = db('news').select('id').whereNull('done_at').andWhere('created_at', '>=', since).andWhere(claimable(now)).orderBy('id').limit(1);
  if (isPostgres(db)) candidate.forUpdate().skipLocked();
  // A scalar subquery (run once) and the conditions again on the row itself: see claimDue.
  const rows: NewsRow[] = await db('news')
    .where('id', candidate)
    .whereNull('done_at')
    .andWhere(claimable(now))
    .update({ claimed_by: claimant, lease_until: now + leaseMs })
    .returning(['id', 'payload']);
  const row = rows[0];
  return row ? { id: Number(row.id), payload: row.payload } : null;
}

/** Mark news announced: only its claimant, while it still holds the row, may. False when the claim was lost. */
export async function finishNews(db: Tx, id: number, claimant: string, at: number): Promise<boolean> {
  const n = await db('news').where({ id, claimed_by: claimant }).whereNull('done_at').update({ done_at: at, lease_until: null });
  return Number(n) === 1;
}

/** Remove news done before `doneBefore`, and any published before `publishedBefore` (nobody announced it). */
export async function purgeNews(db: Tx, { doneBefore, publishedBefore }: { doneBefore: number; publishedBefore: number }): Promise<number> {
  return Number(
    await db('news')
      .where('done_at', '<', doneBefore)
      .orWhere('created_at', '<', publishedBefore)
      .del(),
  );
}
