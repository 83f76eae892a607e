/** The maintained leaderboard scores: upserted per batch, read by index range scans. */
import type { Platform, Space } from '../domain/kinds.js';
import type { Period } from '../domain/periods.js';
import type { Stage } from '../domain/stages.js';
import { ANY } from '../domain/scoring.js';
import type { Tx } from './knex.js';

export interface BoardQuery {
  period: Period;
  periodStart: string;
  space: Space | null;
  platform: Platform | null;
  limit: number;
  offset: number;
}

export interface BoardRow {
  memberId: number;
  displayName: string;
  points: number;
  stage: Stage | null;
  badges: number;
}

/** Members who may appear on public boards: not hidden, not staff, not bots. */
export const listed = (db: Tx) => db.raw('m.hidden = ? AND m.is_staff = ? AND m.is_bot = ?', [false, false, false]);

const scope = (q: Pick<BoardQuery, 'period' | 'periodStart' | 'space' | 'platform'>) => ({
  's.period': q.period,
  's.period_start': q.periodStart,
  's.space': q.space ?? ANY,
  's.platform': q.platform ?? ANY,
});

/** One page of a board, with what each row shows: an index range scan, and two lookups per row. */
export async function topScores(db: Tx, q: BoardQuery): Promise<BoardRow[]> {
  const rows = await db('scores as s')
    .join('members as m', 'm.id', 's.member_id')
    .select('s.member_id', 's.points', 'm.display_name', 'm.stage')
    .select(db.raw('(SELECT COUNT(*) FROM badge_awards b WHERE b.member_id = s.member_id AND b.revoked_at IS NULL) AS badges'))
    .where(scope(q))
    .andWhere('s.points', '>', 0)
    .andWhere(listed(db))
    .orderBy([
      { column: 's.points', order: 'desc' },
      { column: 's.member_id', order: 'desc' },
    ])
    .limit(q.limit)
    .offset(q.offset);
  return rows.map((r) => ({ memberId: r.member_id, displayName: r.display_name, points: Number(r.points), stage: r.stage ?? null, badges: Number(r.badges) }));
}

export async function countListed(db: Tx, q: Omit<BoardQuery, 'limit' | 'offset'>): Promise<number> {
  const row = await db('scores as s')
    .join('members as m', 'm.id', 's.member_id')
    .count({ n: '*' })
    .where(scope(q))
    .andWhere('s.points', '>', 0)
    .andWhere(listed(db))
    .first();
  return Number(row?.n ?? 0);
}

/** A member's points in the given period windows (everything, all spaces and platforms). */
export async function memberPoints(db: Tx, memberId: number, windows: ReadonlyArray<{ period: Period; start: string }>): Promise<Record<string, number>> {
  const rows = await db('scores')
    .select('period', 'period_start', 'points')
    .where({ member_id: memberId, space: ANY, platform: ANY })
    .whereIn(
      ['period', 'period_start'],
      windows.map((w) => [w.period, w.start]),
    );
  const out: Record<string, number> = {};
  for (const w of windows) out[w.period] = 0;
  for (const r of rows) out[r.period] = Number(r.points);
  return out;
}

/** Dense ranks (distinct totals above, plus one) of several points on several boards, in one statement. */
export async function ranksOn(db: Tx, boards: ReadonlyArray<Omit<BoardQuery, 'limit' | 'offset'> & { points: number }>): Promise<number[]> {
  if (boards.length === 0) return [];
  const above = boards.map((b, i) =>
    db('scores as s')
      .join('members as m', 'm.id', 's.member_id')
      .countDistinct('s.points')
      .where(scope(b))
      .andWhere('s.points', '>', b.points)
      .andWhere(listed(db))
      .as(`r${i}`),
  );
  const row = await db.select(above).first();
  return boards.map((_, i) => 1 + Number(row?.[`r${i}`] ?? 0));
}
