/** member_days and member_helped: maintained by upserts, read by the cap rule and the stage ladder. */
import type { HelpedDelta, MemberDayDelta } from '../domain/member-facts.js';
import type { StageFacts } from '../domain/stages.js';
import { inChunks, insertRows } from './bulk.js';
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

export async function applyHelped(db: Tx, deltas: readonly HelpedDelta[]): Promise<void> {
  await insertRows(
    db,
    'member_helped',
    ['member_id', 'helped_member_id', 'helps', 'first_at'],
    deltas.map((d) => [d.memberId, d.helpedId, d.helps, d.firstAt]),
    {
      onConflict: `ON CONFLICT ("member_id", "helped_member_id") DO UPDATE SET
        helps = member_helped.helps + excluded.helps,
        first_at = ${least('member_helped.first_at', 'excluded.first_at')}`,
    },
  );
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

/** What the stage ladder needs to know about each member (champion terms come with the champions issue). */
export async function stageFacts(db: Tx, memberIds: readonly number[]): Promise<Map<number, StageFacts>> {
  const facts = new Map<number, StageFacts & { productions: Array<{ day: string; at: number }>; helpedAt: number[] }>();
  const firsts = await inChunks(memberIds, 1000, (chunk) =>
    db('member_days')
      .select('member_id')
      .min({ first_at: 'first_at', participated_at: 'participated_at' })
      .whereIn('member_id', chunk)
      .groupBy('member_id') as unknown as Promise<Array<{ member_id: number; first_at: number; participated_at: number | null }>>,
  );
  for (const r of firsts)
    facts.set(r.member_id, {
      firstSeenAt: Number(r.first_at),
      firstParticipationAt: r.participated_at === null ? null : Number(r.participated_at),
      productions: [],
      helpedAt: [],
      championTerms: [],
    });
  const produced = await inChunks(memberIds, 1000, (chunk) =>
    db('member_days').select('member_id', 'day', 'produced_at').whereIn('member_id', chunk).andWhere('produced', '>', 0),
  );
  for (const r of produced) facts.get(r.member_id)?.productions.push({ day: r.day, at: Number(r.produced_at) });
  const helped = await inChunks(memberIds, 1000, (chunk) =>
    db('member_helped').select('member_id', 'first_at').whereIn('member_id', chunk).andWhere('helps', '>', 0),
  );
  for (const r of helped) facts.get(r.member_id)?.helpedAt.push(Number(r.first_at));
  return facts;
}
