/**
 * Badges back out to the forum, through the outbox. A grant of a badge mapped to a Discourse
 * badge, for a member with a Discourse identity, is written to the outbox in the transaction that
 * records the award; `deliverOutbox` sends what is due. A forum that is down or busy (429, honouring
 * Retry-After) delays a grant, never loses it and never blocks ingestion.
 */
import type { Badge } from '../domain/badges.js';
import { IN_LIST, inChunks, insertRows } from '../db/bulk.js';
import type { Tx } from '../db/knex.js';
import type { WriteLock } from './write-lock.js';

export const DISCOURSE_BADGE = 'discourse_user_badge';
const MAX_BACKOFF_MS = 3_600_000;
const BATCH = 25;

export interface WriteBackGrant {
  awardId: number;
  memberId: number;
  badgeId: string;
}

/** Queue forum grants for mapped badges of members who have a Discourse account. Same transaction as the awards. */
export async function enqueueWriteBack(db: Tx, catalog: readonly Badge[], grants: readonly WriteBackGrant[], now: number): Promise<void> {
  const mapped = grants.filter((g) => catalog.find((b) => b.id === g.badgeId)?.discourse);
  if (mapped.length === 0) return;
  // A recompute or a period closing grants for any number of members: lists and rows go in chunks.
  const onForum = new Set(
    (
      await inChunks([...new Set(mapped.map((g) => g.memberId))], IN_LIST, (chunk) =>
        db('identities').distinct('member_id').where('platform', 'discourse').whereIn('member_id', chunk),
      )
    ).map((r: { member_id: number }) => r.member_id),
  );
  const rows = mapped.filter((g) => onForum.has(g.memberId)).map((g) => [`discourse:user_badge:${g.awardId}`, DISCOURSE_BADGE, JSON.stringify(g), now, now]);
  await insertRows(db, 'outbox', ['key', 'kind', 'payload', 'next_attempt_at', 'created_at'], rows, { onConflict: 'ON CONFLICT ("key") DO NOTHING' });
}

export interface SendResult {
  ok: boolean;
  /** Not worth retrying: the forum refused for good (e.g. it already holds the badge). */
  final?: boolean;
  retryAfterMs?: number | null;
  error?: string;
}

export type Sender = (grant: { username: string; discourseBadgeId: number; awardId: number }) => Promise<SendResult>;

/** The Discourse badge id a Flywheel badge is granted as (a number in the catalog, or the id `sync-badges` stored). */
async function discourseIdOf(db: Tx, badge: Badge | undefined): Promise<number | null> {
  if (!badge?.discourse) return null;
  if (typeof badge.discourse === 'number') return badge.discourse;
  const row = await db('settings').select('value').where({ key: `discourse_badge:${badge.id}` }).first();
  return row ? Number(row.value) : null;
}

/** Send what is due; returns how many were delivered. Each row's outcome is saved as it happens. */
export async function deliverOutbox(db: Tx, lock: WriteLock, catalog: readonly Badge[], send: Sender, now: () => number): Promise<number> {
  const due = await db('outbox').select('*').where({ status: 'pending', kind: DISCOURSE_BADGE }).andWhere('next_attempt_at', '<=', now()).orderBy('id').limit(BATCH);
  let delivered = 0;
  for (const row of due) {
    const grant = JSON.parse(row.payload) as WriteBackGrant;
    const [identity, badgeId, award] = await Promise.all([
      db('identities').select('username').where({ member_id: grant.memberId, platform: 'discourse' }).first(),
      discourseIdOf(db, catalog.find((b) => b.id === grant.badgeId)),
      db('badge_awards').select('revoked_at').where({ id: grant.awardId }).first(),
    ]);
    let result: SendResult;
    if (!award || award.revoked_at !== null) result = { ok: true, final: true, error: 'award revoked before delivery: not granted' };
    else if (!identity?.username) result = { ok: false, error: 'the member has no Discourse username (yet)' };
    else if (badgeId === null) result = { ok: false, error: `badge ${grant.badgeId} has no Discourse badge yet: run flywheel discourse sync-badges` };
    else result = await send({ username: identity.username, discourseBadgeId: badgeId, awardId: grant.awardId });
    const attempts = row.attempts + 1;
    await lock.run(async (trx) => {
      if (result.ok || result.final) await trx('outbox').where({ id: row.id }).update({ status: 'done', attempts, done_at: now(), last_error: result.error ?? null });
      else {
        const backoff = result.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** (attempts - 1));
        await trx('outbox').where({ id: row.id }).update({ attempts, next_attempt_at: now() + backoff, last_error: result.error ?? 'failed' });
      }
    });
    if (result.ok) delivered++;
  }
  return delivered;
}

/** The forum's side of a grant: `POST /user_badges.json`. */
export function discourseSender(siteUrl: string, post: (path: string, body: object) => Promise<unknown>): Sender {
  return async ({ username, discourseBadgeId, awardId }) => {
    try {
      await post('/user_badges.json', { username, badge_id: discourseBadgeId, reason: `${siteUrl.replace(/\/$/, '')}/badges/awards/${awardId}` });
      return { ok: true };
    } catch (err) {
      const e = err as { status?: number; retryAfterMs?: number | null; message?: string };
      // 422: the forum refuses the grant itself (already held, unknown user): retrying changes nothing.
      if (e.status === 422) return { ok: false, final: true, error: e.message };
      return { ok: false, retryAfterMs: e.status === 429 ? (e.retryAfterMs ?? 60_000) : null, error: e.message ?? String(err) };
    }
  };
}
