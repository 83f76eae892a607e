/**
 * Badges in the pipeline. `ingest` calls `awardBadges` for the members a batch touched (inside its
 * transaction); `recompute` calls it for everyone, so badges added or changed in the catalog are
 * granted retroactively, dated when each member first qualified. Top-of-period badges are granted
 * by `closePeriods` once a period has ended.
 */
import { badgeChanges, qualifications, type Badge, type BadgeFacts } from '../domain/badges.js';
import { DomainError } from '../domain/errors.js';
import type { Kind } from '../domain/kinds.js';
import { addDays, localDay, periodStart, shiftPeriod, startOfDayInstant } from '../domain/periods.js';
import {
  allTimePoints,
  badgeFacts,
  closedPeriods,
  countedTotals,
  type CountedTotal,
  emptyFacts,
  heldBadges,
  holdsBadge,
  insertBadgeAwards,
  insertClosures,
  setRevoked,
  topFinishers,
  type FactsRequest,
  type MemberHeldAward,
  type NewBadgeAward,
} from '../db/badges-repo.js';
import { excludedAmong } from '../db/fair-play-repo.js';
import { firstCalendarDay } from '../db/scores-rollup.js';
import type { Tx } from '../db/knex.js';
import { enqueueWriteBack } from './outbox.js';

/** A badge newly granted to a member (what announcements are made of). */
export interface BadgeGrant {
  awardId: number;
  memberId: number;
  badgeId: string;
  awardedAt: number;
}

const automatic = (b: Badge) => b.criterion.type !== 'manual' && b.criterion.type !== 'top';

/**
 * Badges a member could still gain or lose: all but single awards they hold that cannot be taken
 * back — or, for a member who can only have gained, all but single awards they hold.
 */
function openBadges(catalog: readonly Badge[], held: readonly MemberHeldAward[], mayLose: boolean): Badge[] {
  const holds = new Set(held.filter((h) => !h.revoked).map((h) => h.badgeId));
  return catalog.filter((b) => automatic(b) && (b.repeatable || (b.revocable && mayLose) || !holds.has(b.id)));
}

/**
 * Evaluate the automatic badges of `memberIds`. `since` (a local day) bounds the history read for
 * streaks during incremental ingestion; null reads everything (recompute). `mayLose` names the
 * members the batch can have taken something from (a reversal, negative points, a stage move):
 * only their held badges can be revoked, so only their histories are read for that — the most
 * active members would otherwise have their whole history read on every batch. Without it
 * (recompute), everyone's held badges are checked.
 */
export async function awardBadges(
  db: Tx,
  catalog: readonly Badge[],
  memberIds: readonly number[],
  now: number,
  since: string | null,
  mayLose?: ReadonlySet<number>,
): Promise<BadgeGrant[]> {
  if (memberIds.length === 0 || !catalog.some(automatic)) return [];
  // A member excluded by a manager (fair play) earns no badges until reinstated.
  const excluded = await excludedAmong(db, memberIds);
  if (excluded.size > 0) memberIds = memberIds.filter((id) => !excluded.has(id));
  if (memberIds.length === 0) return [];
  const held = await heldBadges(db, memberIds);
  const heldBy = group(held, (h) => h.memberId);
  const open = await withinReach(
    db,
    new Map(memberIds.map((id) => [id, openBadges(catalog, heldBy.get(id) ?? [], mayLose?.has(id) ?? true)])),
    heldBy,
    since,
  );
  const request = await factsNeeded(db, open, since, catalog);
  const facts = await badgeFacts(db, request);

  const grants: NewBadgeAward[] = [];
  const revoke: number[] = [];
  const restore: number[] = [];
  for (const [memberId, badges] of open) {
    const f: BadgeFacts = facts.get(memberId) ?? emptyFacts();
    for (const badge of badges) {
      const changes = badgeChanges(badge, qualifications(badge, f), heldBy.get(memberId) ?? []);
      for (const g of changes.grant) grants.push({ memberId, badgeId: g.badgeId, instance: g.instance, at: g.at, activityId: g.activityId });
      revoke.push(...changes.revoke);
      restore.push(...changes.restore);
    }
  }
  await setRevoked(db, revoke, now);
  await setRevoked(db, restore, null);
  return record(db, catalog, grants, now);
}

/**
 * Settle count badges by counting in the database, so a member's history is read out only when
 * something can change:
 *  - a count badge not held, with fewer counted awards than its threshold in all history, cannot
 *    be granted;
 *  - a single count badge held, with no time window, and still at or over its threshold, stays;
 *  - during ingest (`since`), a windowed count badge not held can only be reached by a window
 *    holding one of the batch's awards (all on or after `since`): it needs that many counted
 *    awards from one window before `since` on (a helper with hundreds of accepted answers but
 *    never five in a week had them all read out on every batch).
 * What is left (a grant within reach, a restore, a revocation below the threshold) is evaluated
 * on the history. Only the kinds a member needs are counted; members needing the same kinds share
 * a statement.
 */
async function withinReach(
  db: Tx,
  open: Map<number, Badge[]>,
  heldBy: ReadonlyMap<number, readonly MemberHeldAward[]>,
  since: string | null,
): Promise<Map<number, Badge[]>> {
  const holding = new Map([...heldBy].map(([id, held]) => [id, new Set(held.filter((h) => !h.revoked).map((h) => h.badgeId))]));
  const holds = (id: number, b: Badge) => holding.get(id)?.has(b.id) ?? false;
  const countable = (id: number, b: Badge) => b.criterion.type === 'count' && (!holds(id, b) || (!b.repeatable && !b.criterion.withinDays));
  await keepWithinReach(db, open, countable, (id, b, n, atLeast) => (holds(id, b) ? n < atLeast : n >= atLeast), null);
  if (since === null) return open;
  const windowed = (id: number, b: Badge) => b.criterion.type === 'count' && b.criterion.withinDays !== undefined && !holds(id, b);
  const widest = Math.max(0, ...[...open.values()].flat().map((b) => (b.criterion.type === 'count' ? (b.criterion.withinDays ?? 0) : 0)));
  // UTC midnight a day earlier: no later than the local start of that day in any time zone.
  const from = Date.parse(`${addDays(since, -(widest + 1))}T00:00:00Z`);
  await keepWithinReach(db, open, windowed, (_id, _b, n, atLeast) => n >= atLeast, from);
  return open;
}

/** Drop the `counted` badges whose counted awards (from `from` on, or all) fail `keep`. */
async function keepWithinReach(
  db: Tx,
  open: Map<number, Badge[]>,
  counted: (id: number, b: Badge) => boolean,
  keep: (id: number, b: Badge, n: number, atLeast: number) => boolean,
  from: number | null,
): Promise<void> {
  const kindsOf = new Map<number, string>();
  for (const [id, badges] of open) {
    const kinds = [...new Set(badges.flatMap((b) => (b.criterion.type === 'count' && counted(id, b) ? [b.criterion.kind] : [])))];
    if (kinds.length > 0) kindsOf.set(id, kinds.sort().join(','));
  }
  const totals: CountedTotal[] = [];
  for (const [kinds, ids] of group([...kindsOf.keys()], (id) => kindsOf.get(id)!)) totals.push(...(await countedTotals(db, ids, kinds.split(',') as Kind[], from)));
  const totalsOf = group(totals, (t) => t.memberId);
  for (const id of kindsOf.keys())
    open.set(
      id,
      open.get(id)!.filter((b) => {
        if (b.criterion.type !== 'count' || !counted(id, b)) return true;
        const c = b.criterion;
        const n = (totalsOf.get(id) ?? []).filter((t) => t.kind === c.kind && (!c.space || t.space === c.space) && (!c.platform || t.platform === c.platform)).reduce((sum, t) => sum + t.n, 0);
        return keep(id, b, n, c.atLeast);
      }),
    );
}

async function factsNeeded(db: Tx, open: ReadonlyMap<number, Badge[]>, since: string | null, catalog: readonly Badge[]): Promise<FactsRequest> {
  const request: FactsRequest = { counted: { members: [], kinds: [] }, points: [], days: { members: [], from: null }, helped: [], journeys: [] };
  const kinds = new Set<Kind>();
  const pointsBadges = catalog.filter((b) => b.criterion.type === 'points');
  let longestStreak = 0;
  const wantsPoints: number[] = [];
  for (const [memberId, badges] of open) {
    const types = new Set(badges.map((b) => b.criterion.type));
    for (const b of badges) if (b.criterion.type === 'count') kinds.add(b.criterion.kind);
    for (const b of badges) if (b.criterion.type === 'streak') longestStreak = Math.max(longestStreak, b.criterion.days);
    if (types.has('count')) request.counted.members.push(memberId);
    if (types.has('points')) wantsPoints.push(memberId);
    if (types.has('streak')) request.days.members.push(memberId);
    if (types.has('helped')) request.helped.push(memberId);
    if (types.has('stage')) request.journeys.push(memberId);
  }
  request.counted.kinds = [...kinds];
  request.days.from = since === null ? null : addDays(since, -longestStreak);
  // Reading a member's whole award history is only worth it once their total can reach a threshold.
  if (wantsPoints.length > 0) {
    const lowest = Math.min(...pointsBadges.map((b) => (b.criterion.type === 'points' ? b.criterion.atLeast : Infinity)));
    const totals = await allTimePoints(db, wantsPoints, null);
    request.points = wantsPoints.filter((id) => (totals.get(id) ?? 0) >= lowest || open.get(id)!.some((b) => b.revocable && b.criterion.type === 'points'));
  }
  return request;
}

/** Record grants, and in the same transaction what the forum is owed for them. */
async function record(db: Tx, catalog: readonly Badge[], grants: readonly NewBadgeAward[], now: number): Promise<BadgeGrant[]> {
  const rows = await insertBadgeAwards(db, grants, now);
  await enqueueWriteBack(db, catalog, rows.map((r) => ({ awardId: r.id, memberId: r.memberId, badgeId: r.badgeId })), now);
  const at = new Map(grants.map((g) => [`${g.memberId}|${g.badgeId}|${g.instance}`, g.at]));
  return rows.map((r) => ({ awardId: r.id, memberId: r.memberId, badgeId: r.badgeId, awardedAt: at.get(`${r.memberId}|${r.badgeId}|${r.instance}`)! }));
}

/**
 * Grant top-of-period badges for every period that has ended and was not closed before (once per
 * badge and period). Periods start from the community's first recorded day.
 */
export async function closePeriods(db: Tx, catalog: readonly Badge[], timeZone: string, now: number): Promise<BadgeGrant[]> {
  const tops = catalog.filter((b) => b.criterion.type === 'top');
  if (tops.length === 0) return [];
  const firstDay = await firstCalendarDay(db);
  if (!firstDay) return [];
  const today = localDay(now, timeZone);
  const grants: NewBadgeAward[] = [];
  const closures: Array<[string, string, number]> = [];
  for (const badge of tops) {
    if (badge.criterion.type !== 'top') continue;
    const { period, rank, space } = badge.criterion;
    const closed = await closedPeriods(db, badge.id);
    const current = periodStart(period, today);
    for (let start = periodStart(period, firstDay); start < current; start = shiftPeriod(period, start, 1)) {
      if (closed.has(start)) continue;
      const closedAt = startOfDayInstant(shiftPeriod(period, start, 1), timeZone);
      // Once per period when repeatable; otherwise the first finish only (the unique key keeps it once).
      for (const finisher of await topFinishers(db, period, start, space ?? null, rank))
        grants.push({ memberId: finisher.memberId, badgeId: badge.id, instance: badge.repeatable ? start : '', at: closedAt, activityId: null });
      closures.push([badge.id, start, now]);
    }
  }
  const recorded = await record(db, catalog, grants, now);
  await insertClosures(db, closures);
  return recorded;
}

export interface ManualGrant {
  badgeId: string;
  memberId: number;
  grantedBy: number;
  reason: string;
  /** Natural key of the grant (e.g. the Discord interaction): a redelivery grants nothing twice. */
  origin: string;
  at: number;
}

export async function grantManualBadge(db: Tx, catalog: readonly Badge[], grant: ManualGrant): Promise<BadgeGrant | null> {
  const badge = catalog.find((b) => b.id === grant.badgeId);
  if (!badge) throw new DomainError('invalid_parameter', `badge: no badge "${grant.badgeId}" in the catalog`);
  if (badge.criterion.type !== 'manual')
    throw new DomainError('invalid_parameter', `badge: "${badge.id}" is earned automatically, not granted (manual badges: ${manualIds(catalog)})`);
  if (!badge.repeatable && (await holdsBadge(db, grant.memberId, badge.id)))
    throw new DomainError('conflict', `member already holds "${badge.name}"`);
  const instance = badge.repeatable ? grant.origin : '';
  const [row] = await record(db, catalog, [{ memberId: grant.memberId, badgeId: badge.id, instance, at: grant.at, activityId: null, grantedBy: grant.grantedBy, reason: grant.reason }], grant.at);
  return row ?? null;
}

export const manualIds = (catalog: readonly Badge[]): string =>
  catalog
    .filter((b) => b.criterion.type === 'manual')
    .map((b) => b.id)
    .join(', ') || 'none';

function group<T, K>(list: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of list) {
    const k = key(item);
    const l = out.get(k);
    if (l) l.push(item);
    else out.set(k, [item]);
  }
  return out;
}
