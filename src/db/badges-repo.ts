/** Badge awards and the member facts badge criteria read, loaded for a batch of members at once. */
import type { BadgeFacts, CountedAward, HeldAward } from '../domain/badges.js';
import type { Kind, Platform, Space } from '../domain/kinds.js';
import { ANY } from '../domain/scoring.js';
import { earning, standing } from './awards-repo.js';
import { boardId } from './boards.js';
import { inChunks, insertRows, rowsOf } from './bulk.js';
import { MEMBER_OF_IDENTITY } from './identities-repo.js';
import { listed } from './scores-repo.js';
import type { Tx } from './knex.js';
import { transitionsOf } from './stages-repo.js';

export interface MemberHeldAward extends HeldAward {
  memberId: number;
}

export async function heldBadges(db: Tx, memberIds: readonly number[]): Promise<MemberHeldAward[]> {
  const rows = await inChunks(memberIds, 2000, (chunk) =>
    db('badge_awards').select('id', 'member_id', 'badge_id', 'instance', 'revoked_at').whereIn('member_id', chunk),
  );
  return rows.map((r) => ({ id: r.id, memberId: r.member_id, badgeId: r.badge_id, instance: r.instance, revoked: r.revoked_at !== null }));
}


export interface CountedTotal {
  memberId: number;
  kind: Kind;
  space: Space;
  platform: Platform;
  n: number;
}

/** How many counted awards of `kinds` (occurring at or after `from`, when given) each member holds, per space and platform: counted in the database, no rows read out. */
export async function countedTotals(db: Tx, memberIds: readonly number[], kinds: readonly Kind[], from: number | null = null): Promise<CountedTotal[]> {
  if (memberIds.length === 0 || kinds.length === 0) return [];
  const rows = await inChunks<number, { member_id: number; kind: Kind; space: Space; platform: Platform; n: number | string }>(memberIds, 500, (chunk) =>
    db('awards as w')
      .select('w.member_id', 'w.kind', 'w.space', 'w.platform')
      .count({ n: '*' })
      .whereIn('w.member_id', chunk)
      .whereIn('w.kind', kinds)
      .andWhere(earning(db))
      .modify((q) => {
        if (from !== null) void q.andWhere('w.occurred_at', '>=', from);
      })
      .groupBy('w.member_id', 'w.kind', 'w.space', 'w.platform'),
  );
  return rows.map((r) => ({ memberId: r.member_id, kind: r.kind, space: r.space, platform: r.platform, n: Number(r.n) }));
}

export interface FactsRequest {
  counted: { members: number[]; kinds: Kind[] };
  points: number[];
  /** Members whose active days are needed, from `daysFrom` on (null: all). */
  days: { members: number[]; from: string | null };
  helped: number[];
  journeys: number[];
}

export const emptyFacts = (): BadgeFacts => ({ counted: [], points: [], activeDays: [], helpedAt: [], journey: [], finishes: [] });

type Mutable = { [K in keyof BadgeFacts]: BadgeFacts[K] extends ReadonlyArray<infer T> ? T[] : never };

export async function badgeFacts(db: Tx, request: FactsRequest): Promise<Map<number, BadgeFacts>> {
  const facts = new Map<number, Mutable>();
  const of = (id: number): Mutable => {
    let f = facts.get(id);
    if (!f) facts.set(id, (f = emptyFacts() as Mutable));
    return f;
  };
  if (request.counted.members.length > 0 && request.counted.kinds.length > 0) {
    const rows = await inChunks(request.counted.members, 500, (chunk) =>
      db('awards as w')
        .select('w.member_id', 'w.kind', 'w.space', 'w.platform', 'w.occurred_at', 'w.activity_id')
        .whereIn('w.member_id', chunk)
        .whereIn('w.kind', request.counted.kinds)
        .andWhere(earning(db))
        .orderBy([{ column: 'w.occurred_at' }, { column: 'w.id' }]),
    );
    for (const r of rows)
      of(r.member_id).counted.push({ kind: r.kind, space: r.space as Space, platform: r.platform as Platform, at: Number(r.occurred_at), activityId: Number(r.activity_id) } satisfies CountedAward);
  }
  if (request.points.length > 0) {
    const rows = await inChunks(request.points, 500, (chunk) =>
      db('awards as w')
        .select('w.member_id', 'w.space', 'w.occurred_at', 'w.points', 'w.activity_id')
        .whereIn('w.member_id', chunk)
        .andWhereNot('w.points', 0)
        .andWhere(standing(db))
        .orderBy([{ column: 'w.occurred_at' }, { column: 'w.id' }]),
    );
    for (const r of rows) of(r.member_id).points.push({ space: r.space, at: Number(r.occurred_at), points: Number(r.points), activityId: Number(r.activity_id) });
  }
  if (request.days.members.length > 0) {
    const rows = await inChunks(request.days.members, 1000, (chunk) => {
      const q = db('member_days').select('member_id', 'day', 'first_at').whereIn('member_id', chunk).andWhere('activities', '>', 0);
      return (request.days.from ? q.andWhere('day', '>=', request.days.from) : q).orderBy(['member_id', 'day']);
    });
    for (const r of rows) of(r.member_id).activeDays.push({ day: r.day, at: Number(r.first_at) });
  }
  if (request.helped.length > 0) {
    const rows = await inChunks(request.helped, 1000, (chunk) =>
      db('member_helped').select('member_id', 'first_at').whereIn('member_id', chunk).andWhere('helps', '>', 0).orderBy(['member_id', 'first_at']),
    );
    for (const r of rows) of(r.member_id).helpedAt.push(Number(r.first_at));
  }
  if (request.journeys.length > 0) for (const [id, journey] of await transitionsOf(db, request.journeys)) of(id).journey.push(...journey);
  return facts;
}

/** All-time points per member (all platforms; one space or all), for pre-filtering points criteria. */
export async function allTimePoints(db: Tx, memberIds: readonly number[], space: Space | null): Promise<Map<number, number>> {
  const rows = await inChunks(memberIds, 2000, (chunk) =>
    db('scores')
      .select('member_id', 'points')
      .where('board_id', boardId(db, { period: 'all', periodStart: 'all', space: space ?? ANY, platform: ANY }))
      .whereIn('member_id', chunk),
  );
  return new Map(rows.map((r) => [r.member_id, Number(r.points)]));
}

export interface NewBadgeAward {
  memberId: number;
  badgeId: string;
  instance: string;
  at: number;
  activityId: number | null;
  grantedBy?: number | null;
  reason?: string | null;
}

/** Periods judged for top-of-period badges: one row per badge and period since the first day (years of weeks). */
export async function insertClosures(db: Tx, closures: ReadonlyArray<readonly [badgeId: string, periodStart: string, closedAt: number]>): Promise<void> {
  await insertRows(db, 'badge_closures', ['badge_id', 'period_start', 'closed_at'], closures);
}

/** Forget which periods were judged (a rebuild judges them all again on the new scores). */
export async function clearClosures(db: Tx): Promise<void> {
  await db('badge_closures').delete();
}

/** The periods of `badgeId` already judged, by their first day. */
export async function closedPeriods(db: Tx, badgeId: string): Promise<Set<string>> {
  return new Set((await db('badge_closures').select('period_start').where({ badge_id: badgeId })).map((r: { period_start: string }) => r.period_start));
}

/** Whether the member holds a live (unrevoked) award of the badge. */
export async function holdsBadge(db: Tx, memberId: number, badgeId: string): Promise<boolean> {
  return Boolean(await db('badge_awards').where({ member_id: memberId, badge_id: badgeId }).whereNull('revoked_at').first());
}

/** Record grants (a grant already recorded is skipped); returns the ids of the new rows by natural key. */
export async function insertBadgeAwards(db: Tx, awards: readonly NewBadgeAward[], now: number): Promise<Array<{ id: number; memberId: number; badgeId: string; instance: string }>> {
  const rows = await insertRows<{ id: number; member_id: number; badge_id: string; instance: string }>(
    db,
    'badge_awards',
    ['member_id', 'badge_id', 'instance', 'awarded_at', 'activity_id', 'granted_by', 'reason', 'created_at'],
    awards.map((a) => [a.memberId, a.badgeId, a.instance, a.at, a.activityId, a.grantedBy ?? null, a.reason ?? null, now]),
    { returning: ['id', 'member_id', 'badge_id', 'instance'], onConflict: 'ON CONFLICT ("member_id", "badge_id", "instance") DO NOTHING' },
  );
  return rows.map((r) => ({ id: r.id, memberId: r.member_id, badgeId: r.badge_id, instance: r.instance }));
}

export async function setRevoked(db: Tx, ids: readonly number[], revokedAt: number | null): Promise<void> {
  await inChunks(ids, 2000, async (chunk) => {
    await db('badge_awards').whereIn('id', chunk).update({ revoked_at: revokedAt });
    return [];
  });
}

/** Listed members (not hidden, staff or bots) with points in a period, ranked densely, down to `rank`. */
export async function topFinishers(db: Tx, period: string, start: string, space: Space | null, rank: number): Promise<Array<{ memberId: number; rank: number }>> {
  const board = { period, periodStart: start, space: space ?? ANY, platform: ANY };
  const cut = await db('scores as s')
    .join('members as m', 'm.id', 's.member_id')
    .distinct('s.points')
    .where('s.board_id', boardId(db, board))
    .andWhere('s.points', '>', 0)
    .andWhere(listed(db))
    .orderBy('s.points', 'desc')
    .limit(rank);
  if (cut.length === 0) return [];
  const levels = cut.map((r: { points: number }) => Number(r.points));
  const rows = await db('scores as s')
    .join('members as m', 'm.id', 's.member_id')
    .select('s.member_id', 's.points')
    .where('s.board_id', boardId(db, board))
    .andWhere('s.points', '>=', levels.at(-1)!)
    .andWhere(listed(db));
  return rows.map((r: { member_id: number; points: number }) => ({ memberId: r.member_id, rank: levels.indexOf(Number(r.points)) + 1 }));
}

export interface MemberBadge {
  awardId: number;
  badgeId: string;
  instance: string;
  awardedAt: number;
  /** The earning activity's kind and link, when an activity earned it. */
  activity: { kind: string; url: string | null } | null;
}

/** A member by id, or the member behind a platform identity. */
export type MemberRef = number | { platform: string; externalId: string };

/**
 * A member's standing badge awards, newest first. Written out as SQL, like `/rank`'s other
 * statement (see `placeOfIdentity`): every `/rank` reads the newest three.
 */
export async function badgesOfMember(db: Tx, member: MemberRef, limit?: number): Promise<MemberBadge[]> {
  const [who, whoBindings] = typeof member === 'number' ? ['?', [member]] : [MEMBER_OF_IDENTITY, [member.platform, member.externalId]];
  const result = await db.raw(
    `SELECT b.id, b.badge_id, b.instance, b.awarded_at, a.kind, a.source_url
     FROM badge_awards b LEFT JOIN activities a ON a.id = b.activity_id
     WHERE b.member_id = ${who} AND b.revoked_at IS NULL
     ORDER BY b.awarded_at DESC, b.id DESC${limit ? ' LIMIT ?' : ''}`,
    [...whoBindings, ...(limit ? [limit] : [])],
  );
  type Row = { id: number; badge_id: string; instance: string; awarded_at: number; kind: string | null; source_url: string | null };
  return rowsOf<Row>(result).map((r) => ({
    awardId: r.id,
    badgeId: r.badge_id,
    instance: r.instance,
    awardedAt: Number(r.awarded_at),
    activity: r.kind ? { kind: r.kind, url: r.source_url } : null,
  }));
}

/** How many visible members hold each badge. */
export async function badgeHolders(db: Tx): Promise<Map<string, number>> {
  const rows: Array<{ badge_id: string; n: number | string }> = await db('badge_awards as b')
    .join('members as m', 'm.id', 'b.member_id')
    .select('b.badge_id', db.raw('COUNT(DISTINCT b.member_id) AS n'))
    .whereNull('b.revoked_at')
    .andWhere('m.hidden', false)
    .groupBy('b.badge_id');
  return new Map(rows.map((r) => [r.badge_id, Number(r.n)]));
}

/** Every award revoked and not given back, oldest first: what the published revocation list names. */
export async function revokedAwardIds(db: Tx): Promise<number[]> {
  const rows: Array<{ id: number }> = await db('badge_awards').select('id').whereNotNull('revoked_at').orderBy('id');
  return rows.map((r) => Number(r.id));
}

/** One badge award as shared publicly, with its member's name and visibility and the earning activity's link. */
export interface SharedAwardRow {
  id: number;
  badgeId: string;
  memberId: number;
  memberName: string;
  memberHidden: boolean;
  awardedAt: number;
  revokedAt: number | null;
  sourceUrl: string | null;
}

export async function sharedAward(db: Tx, id: number): Promise<SharedAwardRow | null> {
  const row = await db('badge_awards as b')
    .join('members as m', 'm.id', 'b.member_id')
    .leftJoin('activities as a', 'a.id', 'b.activity_id')
    .select('b.id', 'b.badge_id', 'b.member_id', 'b.awarded_at', 'b.revoked_at', 'm.display_name', 'm.hidden', 'a.source_url')
    .where('b.id', id)
    .first();
  if (!row) return null;
  return {
    id: row.id,
    badgeId: row.badge_id,
    memberId: row.member_id,
    memberName: row.display_name,
    memberHidden: Boolean(row.hidden),
    awardedAt: Number(row.awarded_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    sourceUrl: row.source_url ?? null,
  };
}

/** Newest standing awards of visible members, newest first (of `badgeId` only, when given). */
export async function newestVisibleAwards(
  db: Tx,
  limit: number,
  badgeId?: string,
): Promise<Array<{ id: number; badgeId: string; awardedAt: number; memberId: number; displayName: string }>> {
  const q = db('badge_awards as b')
    .join('members as m', 'm.id', 'b.member_id')
    .select('b.id', 'b.badge_id', 'b.awarded_at', 'm.id as member_id', 'm.display_name')
    .whereNull('b.revoked_at')
    .andWhere('m.hidden', false)
    .orderBy([
      { column: 'b.awarded_at', order: 'desc' },
      { column: 'b.id', order: 'desc' },
    ])
    .limit(limit);
  const rows = await (badgeId ? q.andWhere('b.badge_id', badgeId) : q);
  return rows.map((r: { id: number; badge_id: string; awarded_at: number; member_id: number; display_name: string }) => ({
    id: r.id,
    badgeId: r.badge_id,
    awardedAt: Number(r.awarded_at),
    memberId: r.member_id,
    displayName: r.display_name,
  }));
}

/** The live (unrevoked) awards of one badge instance held by a member. */
export async function liveAwardIds(db: Tx, memberId: number, badgeId: string, instance: string): Promise<number[]> {
  const rows = await db('badge_awards').select('id').where({ member_id: memberId, badge_id: badgeId, instance }).whereNull('revoked_at');
  return rows.map((a: { id: number }) => a.id);
}
