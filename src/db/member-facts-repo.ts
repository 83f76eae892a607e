/** member_days and member_helped: maintained by upserts, read by the cap rule and the stage ladder. */
import type { HelpedDelta, MemberDayDelta } from '../domain/member-facts.js';
import type { StageFacts } from '../domain/stages.js';
import { inChunks, insertRows, rowsOf } from './bulk.js';
import { championTerms } from './champions-repo.js';
import type { Tx } from './knex.js';

// Portable "smaller of two, ignoring NULL" (SQLite has no LEAST; its min() returns NULL on NULL).
const least = (a: string, b: string): string => `COALESCE(CASE WHEN ${a} < ${b} THEN ${a} ELSE ${b} END, ${a}, ${b})`;

export async function applyMemberDays(db: Tx, deltas: readonly MemberDayDelta[]): Promise<void> {
  await insertRows(
    db,
    'member_days',
    ['member_id', 'day', 'points', 'capped_points', 'activities', 'produced', 'first_at', 'participated_at', 'produced_at'],
    deltas.map((d) => [d.memberId, d.day, d.points, d.cappedPoints, d.activities, d.produced, d.firstAt, d.participatedAt, d.producedAt]),
    {
      onConflict: `ON CONFLICT ("member_id", "day") DO UPDATE SET
        points = member_days.points + excluded.points,
        capped_points = member_days.capped_points + excluded.capped_points,
        activities = member_days.activities + excluded.activities,
        produced = member_days.produced + excluded.produced,
        first_at = ${least('member_days.first_at', 'excluded.first_at')},
        participated_at = ${least('member_days.participated_at', 'excluded.participated_at')},
        produced_at = ${least('member_days.produced_at', 'excluded.produced_at')}`,
    },
  );
}

/** Upsert helped counts; returns each touched pair's first-help time as now stored. */
export async function applyHelped(db: Tx, deltas: readonly HelpedDelta[]): Promise<Array<{ memberId: number; firstAt: number }>> {
  const rows = await insertRows<{ member_id: number; first_at: number }>(
    db,
    'member_helped',
    ['member_id', 'helped_member_id', 'helps', 'first_at'],
    deltas.map((d) => [d.memberId, d.helpedId, d.helps, d.firstAt]),
    {
      onConflict: `ON CONFLICT ("member_id", "helped_member_id") DO UPDATE SET
        helps = member_helped.helps + excluded.helps,
        first_at = ${least('member_helped.first_at', 'excluded.first_at')}`,
      returning: ['member_id', 'first_at'],
    },
  );
  return rows.map((r) => ({ memberId: r.member_id, firstAt: Number(r.first_at) }));
}

/** Capped points earned so far per member and day, for days in [fromDay, toDay]. */
export async function dayUsage(
  db: Tx,
  memberIds: readonly number[],
  fromDay: string,
  toDay: string,
): Promise<Array<{ memberId: number; day: string; points: number }>> {
  const rows = await inChunks(memberIds, 2000, (chunk) =>
    db('member_days')
      .select('member_id', 'day', 'capped_points')
      .whereIn('member_id', chunk)
      .andWhere('day', '>=', fromDay)
      .andWhere('day', '<=', toDay),
  );
  return rows.map((r) => ({ memberId: r.member_id, day: r.day, points: r.capped_points }));
}

/** A member whose journey is rebuilt from `from` on, needing productions from `windowStart` (a day). */
export interface StageFactsRequest {
  memberId: number;
  from: number;
  windowStart: string | null;
}

/**
 * What the stage ladder needs to know about each member, bounded by where each journey resumes:
 * the whole history is read only for journeys rebuilt from the start. Reach is read only up to
 * `reachNeeded` (the advocate threshold, all the ladder compares it with).
 */
export async function stageFacts(db: Tx, requests: readonly StageFactsRequest[], reachNeeded: number): Promise<Map<number, StageFacts>> {
  type Mutable = StageFacts & { productions: Array<{ day: string; at: number }>; helpedAt: number[]; reachBefore: number };
  const facts = new Map<number, Mutable>();
  const byId = new Map(requests.map((r) => [r.memberId, r]));
  const ids = requests.map((r) => r.memberId);
  const members = await inChunks(ids, 2000, (chunk) =>
    db('members').select('id', 'first_seen_at', 'first_participated_at').whereIn('id', chunk).whereNotNull('first_seen_at'),
  );
  for (const m of members)
    facts.set(m.id, {
      firstSeenAt: Number(m.first_seen_at),
      firstParticipationAt: m.first_participated_at === null ? null : Number(m.first_participated_at),
      productions: [],
      reachBefore: 0,
      helpedAt: [],
      championTerms: [],
    });
  // One window for the batch (its earliest), so a time-ordered backfill reads a few months, not years.
  const windows = requests.map((r) => r.windowStart).filter((w): w is string => w !== null);
  const windowStart = windows.length === requests.length ? windows.sort()[0]! : null;
  const produced = await inChunks(ids, 1000, (chunk) => {
    const q = db('member_days').select('member_id', 'day', 'produced_at').whereIn('member_id', chunk).andWhere('produced', '>', 0);
    return windowStart ? q.andWhere('day', '>=', windowStart) : q;
  });
  for (const r of produced) facts.get(r.member_id)?.productions.push({ day: r.day, at: Number(r.produced_at) });
  // A member who had helped enough members before the point their journey resumes from has the
  // reach the ladder asks for all along: their list of helped members (thousands of rows for the
  // busiest, who are in nearly every batch) is not read again.
  const reached = await reachedBefore(db, requests, Math.max(1, reachNeeded));
  for (const id of reached) {
    const f = facts.get(id);
    if (f) f.reachBefore = reachNeeded;
  }
  const helped = await inChunks(
    ids.filter((id) => !reached.has(id)),
    1000,
    (chunk) => db('member_helped').select('member_id', 'first_at').whereIn('member_id', chunk).andWhere('helps', '>', 0),
  );
  for (const r of helped) {
    const f = facts.get(r.member_id);
    if (!f) continue;
    if (Number(r.first_at) < byId.get(r.member_id)!.from) f.reachBefore++;
    else f.helpedAt.push(Number(r.first_at));
  }
  for (const [id, terms] of await championTerms(db, ids)) {
    const f = facts.get(id);
    if (f) f.championTerms = terms;
  }
  return facts;
}

/** Members of `requests` who had helped at least `reach` members before their journey resumes (stops at the `reach`-th found). */
async function reachedBefore(db: Tx, requests: readonly StageFactsRequest[], reach: number): Promise<Set<number>> {
  const resumed = requests.filter((r) => r.from !== -Infinity);
  const rows = await inChunks(resumed, 1000, async (chunk) =>
    rowsOf<{ member_id: number }>(
      await db.raw(
        `SELECT v.column1 AS member_id
         FROM (VALUES ${chunk.map(() => '(CAST(? AS INTEGER), CAST(? AS BIGINT))').join(',')}) AS v
         WHERE (SELECT h.first_at FROM member_helped h
                WHERE h.member_id = v.column1 AND h.helps > 0 AND h.first_at < v.column2
                LIMIT 1 OFFSET ?) IS NOT NULL`,
        [...chunk.flatMap((r) => [r.memberId, r.from]), reach - 1] as never[],
      ),
    ),
  );
  return new Set(rows.map((r) => Number(r.member_id)));
}

/** Keep members' first-seen and first-participation times as running minimums (rows already right are not rewritten). */
export async function advanceFirsts(db: Tx, deltas: readonly MemberDayDelta[]): Promise<void> {
  const firsts = new Map<number, { seen: number; took: number | null }>();
  for (const d of deltas) {
    const f = firsts.get(d.memberId);
    if (!f) firsts.set(d.memberId, { seen: d.firstAt, took: d.participatedAt });
    else {
      f.seen = Math.min(f.seen, d.firstAt);
      if (d.participatedAt !== null) f.took = f.took === null ? d.participatedAt : Math.min(f.took, d.participatedAt);
    }
  }
  const rows = [...firsts].map(([id, f]) => [id, f.seen, f.took]);
  for (let i = 0; i < rows.length; i += 5000) {
    const slice = rows.slice(i, i + 5000);
    await db.raw(
      `UPDATE members SET
         first_seen_at = ${least('members.first_seen_at', 'v.column2')},
         first_participated_at = ${least('members.first_participated_at', 'v.column3')}
       FROM (VALUES ${slice.map(() => '(CAST(? AS INTEGER), CAST(? AS BIGINT), CAST(? AS BIGINT))').join(',')}) AS v
       WHERE members.id = v.column1
         AND (members.first_seen_at IS NULL OR v.column2 < members.first_seen_at
              OR (v.column3 IS NOT NULL AND (members.first_participated_at IS NULL OR v.column3 < members.first_participated_at)))`,
      slice.flat() as never[],
    );
  }
}
