/**
 * The outbox's SQL. A row is sent by whoever claims it: the claim is one conditional UPDATE (on
 * PostgreSQL its candidate is picked `FOR UPDATE SKIP LOCKED`, so concurrent senders take different
 * rows instead of queueing on one), it holds the row until `lease_until`, and only the claimant may
 * finish it. A claimant that dies leaves a lease that runs out; then anyone may claim the row again.
 */
import { IN_LIST, inChunks, insertRows } from './bulk.js';
import { isPostgres, type Tx } from './knex.js';

export interface OutboxRow {
  id: number;
  key: string;
  payload: string;
  attempts: number;
}

export interface ClaimOptions {
  kind: string;
  now: number;
  claimant: string;
  leaseMs: number;
}

/** Owe something to another system; a key already owed is left alone. */
export async function enqueueOutbox(db: Tx, rows: ReadonlyArray<{ key: string; kind: string; payload: string }>, now: number): Promise<void> {
  await insertRows(
    db,
    'outbox',
    ['key', 'kind', 'payload', 'next_attempt_at', 'created_at'],
    rows.map((r) => [r.key, r.kind, r.payload, now, now]),
    { onConflict: 'ON CONFLICT ("key") DO NOTHING' },
  );
}

/** Of these members, those who have a forum account. */
export async function membersWithForumAccount(db: Tx, memberIds: readonly number[]): Promise<Set<number>> {
  const rows = await inChunks([...new Set(memberIds)], IN_LIST, (chunk) => db('identities').distinct('member_id').where('platform', 'discourse').whereIn('member_id', chunk));
  return new Set(rows.map((r: { member_id: number }) => r.member_id));
}

const claimable = (now: number) => (q: any) => q.whereNull('lease_until').orWhere('lease_until', '<=', now);

/** Claim the oldest due row nobody holds, for `leaseMs`; null when nothing is due. */
export async function claimDue(db: Tx, { kind, now, claimant, leaseMs }: ClaimOptions): Promise<OutboxRow | null> {
  const candidate = db('outbox').select('id').where({ status: 'pending', kind }).andWhere('next_attempt_at', '<=', now).andWhere(claimable(now)).orderBy('id').limit(1);
  if (isPostgres(db)) candidate.forUpdate().skipLocked();
  // `id = (scalar subquery)`, not `IN`: PostgreSQL runs a scalar subquery once, while an IN may be
  // rescanned per row, each SKIP LOCKED pass handing out another row. The conditions again on the
  // row itself: under READ COMMITTED an UPDATE that waited for another claim re-reads the row, and
  // must then see it is taken.
  const rows: OutboxRow[] = await db('outbox')
    .where('id', candidate)
    .andWhere({ status: 'pending' })
    .andWhere(claimable(now))
    .update({ claimed_by: claimant, lease_until: now + leaseMs })
    .returning(['id', 'key', 'payload', 'attempts']);
  return rows[0] ?? null;
}

export type Finish = { done: true; attempts: number; at: number; error: string | null } | { done: false; attempts: number; nextAttemptAt: number; error: string };

/** Record the outcome of a send: only the claimant that still holds the row may. False when the claim was lost. */
export async function finishClaim(db: Tx, id: number, claimant: string, outcome: Finish): Promise<boolean> {
  const changes = outcome.done
    ? { status: 'done', attempts: outcome.attempts, done_at: outcome.at, last_error: outcome.error, lease_until: null }
    : { attempts: outcome.attempts, next_attempt_at: outcome.nextAttemptAt, last_error: outcome.error, claimed_by: null, lease_until: null };
  const n = await db('outbox').where({ id, claimed_by: claimant, status: 'pending' }).update(changes);
  return Number(n) === 1;
}

/** What a badge grant needs to be sent: the member's forum username, whether the award still stands, a stored setting. */
export async function grantFacts(db: Tx, memberId: number, awardId: number, settingKey: string): Promise<{ username: string | null; awardStands: boolean; setting: string | null }> {
  const [identity, award, setting] = await Promise.all([
    db('identities').select('username').where({ member_id: memberId, platform: 'discourse' }).first(),
    db('badge_awards').select('revoked_at').where({ id: awardId }).first(),
    db('settings').select('value').where({ key: settingKey }).first(),
  ]);
  return { username: identity?.username ?? null, awardStands: Boolean(award) && award.revoked_at === null, setting: setting?.value ?? null };
}

export interface OutboxBacklog {
  /** Owed and not yet delivered. */
  pending: number;
  /** Of those, how many failed at least once. */
  failing: number;
  /** Held by a sender right now. */
  claimed: number;
  /** Age of the oldest owed row, in ms (0 when none). */
  oldestMs: number;
}

export async function outboxBacklog(db: Tx, now: number): Promise<OutboxBacklog> {
  const row = await db('outbox')
    .where({ status: 'pending' })
    .select(
      db.raw('COUNT(*) AS pending'),
      db.raw('SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS failing'),
      db.raw('SUM(CASE WHEN lease_until > ? THEN 1 ELSE 0 END) AS claimed', [now]),
      db.raw('MIN(created_at) AS oldest'),
    )
    .first();
  return {
    pending: Number(row?.pending ?? 0),
    failing: Number(row?.failing ?? 0),
    claimed: Number(row?.claimed ?? 0),
    oldestMs: row?.oldest == null ? 0 : Math.max(0, now - Number(row.oldest)),
  };
}
