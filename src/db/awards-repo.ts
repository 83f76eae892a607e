/** Awards: what the rules decided, append-only, plus the history the rules read back. */
import type { AwardRow } from '../domain/activity.js';
import { THANKS_KINDS, type Kind } from '../domain/kinds.js';
import type { EarnedThanks, LiveAward } from '../domain/rules.js';
import { inChunks, insertRows } from './bulk.js';
import type { Tx } from './knex.js';

const COLUMNS = [
  'activity_id',
  'member_id',
  'counterpart_member_id',
  'kind',
  'platform',
  'space',
  'role',
  'points',
  'reason',
  'capped',
  'production',
  'participation',
  'occurred_at',
  'day',
  'cancels_activity_id',
] as const;

export async function insertAwards(db: Tx, rows: readonly AwardRow[]): Promise<void> {
  await insertRows(
    db,
    'awards',
    COLUMNS,
    rows.map((r) => [
      r.activityId,
      r.memberId,
      r.counterpartId,
      r.kind,
      r.platform,
      r.space,
      r.role,
      r.points,
      r.reason,
      r.capped,
      r.production,
      r.participation,
      r.occurredAt,
      r.day,
      r.cancelsActivityId,
    ]),
  );
}

const IN_CHUNK = 2000;

/** Earning awards of `kinds` by `memberIds` with occurred_at strictly inside (from, to). */
export async function earningTimes(
  db: Tx,
  kinds: readonly Kind[],
  memberIds: readonly number[],
  from: number,
  to: number,
): Promise<Array<{ kind: Kind; memberId: number; counterpartId: number | null; at: number }>> {
  const rows = await inChunks(memberIds, IN_CHUNK, (chunk) =>
    db('awards')
      .select('kind', 'member_id', 'counterpart_member_id', 'occurred_at')
      .whereIn('member_id', chunk)
      .whereIn('kind', kinds)
      .andWhere('points', '>', 0)
      .whereNull('cancels_activity_id')
      .andWhere('occurred_at', '>', from)
      .andWhere('occurred_at', '<', to),
  );
  return rows.map((r) => ({ kind: r.kind, memberId: r.member_id, counterpartId: r.counterpart_member_id, at: Number(r.occurred_at) }));
}

const notCancelled = (db: Tx) =>
  db.raw('NOT EXISTS (SELECT 1 FROM awards r WHERE r.cancels_activity_id = w.activity_id)');

const STANDING = 'w.cancels_activity_id IS NULL AND NOT EXISTS (SELECT 1 FROM awards r WHERE r.cancels_activity_id = w.activity_id)';

/** An award row `w` that stands: not itself a reversal, and not cancelled by one. */
export const standing = (db: Tx) => db.raw(STANDING);

/**
 * A standing award that earned (not a repeat, self-award, cooldown or other zeroed one): what badges
 * and insights count. Keep in step with the awards_counted index's predicate (migrations/20261122060000_badge_indexes.ts).
 */
export const earning = (db: Tx) => db.raw(`${STANDING} AND w.reason IN ('awarded', 'daily_cap')`);

/** Live awards (neither reversals nor already cancelled) of activities from `sources`. */
export async function liveAwardsOfSources(db: Tx, sources: readonly string[]): Promise<LiveAward[]> {
  const rows = await inChunks(sources, IN_CHUNK, (chunk) =>
    db('activities as a')
      .join('awards as w', 'w.activity_id', 'a.id')
      .select('w.*', 'a.source_ref', 'a.subject_ref')
      .whereIn('a.source_ref', chunk)
      .whereNull('w.cancels_activity_id')
      .andWhereNot('w.reason', 'reversed')
      .andWhere(notCancelled(db))
      .orderBy('w.id'),
  );
  return rows.map(toLiveAward);
}

/** An award row as read back (joined with its activity's source and subject). */
export const toLiveAward = (r: any): LiveAward => ({
  activityId: Number(r.activity_id),
  memberId: r.member_id,
  counterpartId: r.counterpart_member_id,
  kind: r.kind,
  platform: r.platform,
  space: r.space,
  role: r.role,
  points: r.points,
  reason: r.reason,
  capped: Boolean(r.capped),
  occurredAt: Number(r.occurred_at),
  day: r.day,
  sourceRef: r.source_ref,
  subjectRef: r.subject_ref,
  production: Boolean(r.production),
  participation: Boolean(r.participation),
});

/** Members whose counted answer to one of `subjects` still stands. */
export async function liveAnswers(db: Tx, subjects: readonly string[]): Promise<Array<{ memberId: number; subjectRef: string }>> {
  const rows = await inChunks(subjects, IN_CHUNK, (chunk) =>
    db('activities as a')
      .join('awards as w', 'w.activity_id', 'a.id')
      .select('w.member_id', 'a.subject_ref')
      .whereIn('a.subject_ref', chunk)
      .andWhere('w.kind', 'answer_posted')
      // A counted answer still waiting for its endorsement counts too: a second reply is a repeat.
      .andWhere(db.raw(`${STANDING} AND w.reason IN ('awarded', 'daily_cap', 'unendorsed')`)),
  );
  return rows.map((r) => ({ memberId: r.member_id, subjectRef: r.subject_ref }));
}

/**
 * Earning thanks of other members toward `memberIds` — their side of the pairs the cooldown
 * watches — in ledger order.
 */
export async function earnedThanksToward(db: Tx, memberIds: readonly number[]): Promise<EarnedThanks[]> {
  const ids = new Set(memberIds);
  const rows = await inChunks(memberIds, 1000, (chunk) =>
    db('activities as a')
      .join('awards as w', 'w.activity_id', 'a.id')
      .select('a.id', 'w.kind', 'a.member_id', 'a.counterpart_member_id', 'w.occurred_at')
      .whereIn('a.counterpart_member_id', chunk)
      .whereIn('w.kind', THANKS_KINDS)
      .andWhere('w.points', '>', 0)
      .whereNull('w.cancels_activity_id'),
  );
  return rows
    .filter((r) => !ids.has(r.member_id))
    .map((r) => ({ activityId: Number(r.id), kind: r.kind, memberId: r.member_id, counterpartId: r.counterpart_member_id, at: Number(r.occurred_at) }))
    .sort((a, b) => a.activityId - b.activityId);
}

/** Activities of `memberIds` whose thanks award earned, as stored. */
export async function earningThanksOf(db: Tx, memberIds: readonly number[]): Promise<Set<number>> {
  const rows = await inChunks(memberIds, 1000, (chunk) =>
    db('awards').select('activity_id').whereIn('member_id', chunk).whereIn('kind', THANKS_KINDS).andWhere('points', '>', 0).whereNull('cancels_activity_id'),
  );
  return new Set(rows.map((r: { activity_id: number }) => Number(r.activity_id)));
}

/** Answers that earned since `fromDay` (bots left out), split by whether staff or members gave them. */
export async function earningAnswersSince(db: Tx, fromDay: string): Promise<{ staff: number; members: number }> {
  const rows: Array<{ is_staff: number | boolean; n: number | string }> = await db('awards as w')
    .join('members as m', 'm.id', 'w.member_id')
    .select('m.is_staff')
    .count({ n: '*' })
    .where('w.kind', 'answer_posted')
    .andWhere('w.day', '>=', fromDay)
    .andWhere('m.is_bot', false)
    .andWhere(earning(db))
    .groupBy('m.is_staff');
  const sum = (staff: boolean) => rows.filter((r) => Boolean(r.is_staff) === staff).reduce((n, r) => n + Number(r.n), 0);
  return { staff: sum(true), members: sum(false) };
}
