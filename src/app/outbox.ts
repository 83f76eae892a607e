/**
 * Badges back out to the forum, through the outbox. A grant of a badge mapped to a Discourse
 * badge, for a member with a Discourse identity, is written to the outbox in the transaction that
 * records the award; `deliverOutbox` sends what is due. A forum that is down or busy (429, honouring
 * Retry-After) delays a grant, never loses it and never blocks ingestion.
 */
import type { Badge } from '../domain/badges.js';
import type { Tx } from '../db/knex.js';
import { claimDue, enqueueOutbox, finishClaim, grantFacts, membersWithForumAccount, type Finish } from '../db/outbox-repo.js';

export const DISCOURSE_BADGE = 'discourse_user_badge';
const MAX_BACKOFF_MS = 3_600_000;
const BATCH = 25;
/**
 * How long a claimed row is held by its sender. A send takes at most the forum client's timeout
 * (15 s); a lease far beyond it means a live sender never loses a row it is still sending, and a
 * sender that died is replaced within minutes.
 */
export const OUTBOX_LEASE_MS = 120_000;

export interface WriteBackGrant {
  awardId: number;
  memberId: number;
  badgeId: string;
}

/** Queue forum grants for mapped badges of members who have a Discourse account. Same transaction as the awards. */
export async function enqueueWriteBack(db: Tx, catalog: readonly Badge[], grants: readonly WriteBackGrant[], now: number): Promise<void> {
  const mapped = grants.filter((g) => catalog.find((b) => b.id === g.badgeId)?.discourse);
  if (mapped.length === 0) return;
  const onForum = await membersWithForumAccount(db, mapped.map((g) => g.memberId));
  const rows = mapped.filter((g) => onForum.has(g.memberId)).map((g) => ({ key: `discourse:user_badge:${g.awardId}`, kind: DISCOURSE_BADGE, payload: JSON.stringify(g) }));
  await enqueueOutbox(db, rows, now);
}

export interface SendResult {
  ok: boolean;
  /** Not worth retrying: the forum refused for good (e.g. it already holds the badge). */
  final?: boolean;
  retryAfterMs?: number | null;
  error?: string;
}

export type Sender = (grant: { username: string; discourseBadgeId: number; awardId: number }) => Promise<SendResult>;

export interface OutboxPorts {
  /** Where claims and outcomes are written (never behind the write lock: they decide no points). */
  writer: Tx;
  reads: Tx;
  /** Who claims: unique to this process (and run), so only this sender may finish what it claimed. */
  claimant: string;
  leaseMs?: number;
}

/** The Discourse badge id a Flywheel badge is granted as (a number in the catalog, or the id `sync-badges` stored). */
const discourseIdOf = (badge: Badge | undefined, stored: string | null): number | null =>
  !badge?.discourse ? null : typeof badge.discourse === 'number' ? badge.discourse : stored === null ? null : Number(stored);

/**
 * Send what is due; returns how many were delivered. Each row is claimed before it is sent and its
 * outcome saved by its claimant as it happens, so any number of processes may run this at once
 * and each grant is sent once.
 */
export async function deliverOutbox(ports: OutboxPorts, catalog: readonly Badge[], send: Sender, now: () => number, stopping: () => boolean = () => false): Promise<number> {
  const { writer, reads, claimant, leaseMs = OUTBOX_LEASE_MS } = ports;
  let delivered = 0;
  // A process shutting down claims nothing more; the row in hand is sent and finished first.
  for (let n = 0; n < BATCH && !stopping(); n++) {
    const row = await claimDue(writer, { kind: DISCOURSE_BADGE, now: now(), claimant, leaseMs });
    if (!row) break;
    const grant = JSON.parse(row.payload) as WriteBackGrant;
    const badge = catalog.find((b) => b.id === grant.badgeId);
    const facts = await grantFacts(reads, grant.memberId, grant.awardId, `discourse_badge:${grant.badgeId}`);
    const badgeId = discourseIdOf(badge, facts.setting);
    let result: SendResult;
    if (!facts.awardStands) result = { ok: true, final: true, error: 'award revoked before delivery: not granted' };
    else if (!facts.username) result = { ok: false, error: 'the member has no Discourse username (yet)' };
    else if (badgeId === null) result = { ok: false, error: `badge ${grant.badgeId} has no Discourse badge yet: run flywheel discourse sync-badges` };
    else result = await send({ username: facts.username, discourseBadgeId: badgeId, awardId: grant.awardId });
    const attempts = row.attempts + 1;
    const outcome: Finish =
      result.ok || result.final
        ? { done: true, attempts, at: now(), error: result.error ?? null }
        : { done: false, attempts, nextAttemptAt: now() + (result.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** (attempts - 1))), error: result.error ?? 'failed' };
    // False only when this sender outlived its lease and another took the row over: nothing to record.
    await finishClaim(writer, row.id, claimant, outcome);
    if (result.ok) delivered++;
  }
  return delivered;
}

/**
 * The forum's side of a grant: `POST /user_badges.json`. No `reason`: Discourse accepts there only
 * a link to one of its own topics or posts and refuses anything else (400), so a link to this site
 * would keep every grant from landing.
 */
export function discourseSender(post: (path: string, body: object) => Promise<unknown>): Sender {
  return async ({ username, discourseBadgeId }) => {
    try {
      await post('/user_badges.json', { username, badge_id: discourseBadgeId });
      return { ok: true };
    } catch (err) {
      const e = err as { status?: number; retryAfterMs?: number | null; message?: string };
      // 422: the forum refuses the grant itself (already held, unknown user): retrying changes nothing.
      if (e.status === 422) return { ok: false, final: true, error: e.message };
      return { ok: false, retryAfterMs: e.status === 429 ? (e.retryAfterMs ?? 60_000) : null, error: e.message ?? String(err) };
    }
  };
}
