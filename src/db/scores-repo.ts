/** The maintained leaderboard scores: upserted per batch, read by index range scans. */
import type { Platform, Space } from '../domain/kinds.js';
import type { Period } from '../domain/periods.js';
import type { Stage } from '../domain/stages.js';
import { ANY } from '../domain/scoring.js';
import { BOARD_ID_SQL } from './boards.js';
import { rowsOf } from './bulk.js';
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

/** Members who may appear on public boards: not hidden, not staff, not bots, not excluded (fair play). */
export const listedAs = (alias: string): string => `${alias}.hidden = ? AND ${alias}.is_staff = ? AND ${alias}.is_bot = ? AND ${alias}.excluded = ?`;
const LISTED = listedAs('m');
export const LISTED_BINDINGS = [false, false, false, false];
export const listed = (db: Tx) => db.raw(LISTED, LISTED_BINDINGS);

type Board = Omit<BoardQuery, 'limit' | 'offset'>;
const boardBindings = (b: Board) => [b.period, b.periodStart, b.space ?? ANY, b.platform ?? ANY];

// The scores of listed members on the board `b` names (binds `listedOn(b)`). Every page, total and
// rank reads it, written out as SQL: composed with the query builder it cost ~10% more per board
// read and about twice as much at p99 (its allocations bring the garbage collector into the reads),
// and as much as running it for `/rank`, which comes in bursts.
const LISTED_ON_BOARD = `FROM scores s JOIN members m ON m.id = s.member_id
  WHERE s.board_id = ${BOARD_ID_SQL} AND ${LISTED}`;
const listedOn = (b: Board) => [...boardBindings(b), ...LISTED_BINDINGS];

// One page of a board, with what each row shows: an index range scan, and two lookups per row
// (binds `listedOn`, then limit and offset).
const TOP_SCORES = `SELECT s.member_id, s.points, m.display_name, m.stage,
    (SELECT COUNT(*) FROM badge_awards b WHERE b.member_id = s.member_id AND b.revoked_at IS NULL) AS badges
  ${LISTED_ON_BOARD} AND s.points > 0
  ORDER BY s.points DESC, s.member_id DESC
  LIMIT ? OFFSET ?`;

export async function topScores(db: Tx, q: BoardQuery): Promise<BoardRow[]> {
  type Row = { member_id: number; points: number | string; display_name: string; stage: Stage | null; badges: number | string };
  const rows = rowsOf<Row>(await db.raw(TOP_SCORES, [...listedOn(q), q.limit, q.offset]));
  return rows.map((r) => ({ memberId: r.member_id, displayName: r.display_name, points: Number(r.points), stage: r.stage ?? null, badges: Number(r.badges) }));
}

export async function countListed(db: Tx, q: Omit<BoardQuery, 'limit' | 'offset'>): Promise<number> {
  const [row] = rowsOf<{ n: number | string }>(await db.raw(`SELECT COUNT(*) AS n ${LISTED_ON_BOARD} AND s.points > 0`, listedOn(q)));
  return Number(row?.n ?? 0);
}

/** Members' points on the everything boards (all spaces and platforms) of the given period windows. */
export async function pointsInWindows(
  db: Tx,
  memberIds: readonly number[],
  windows: ReadonlyArray<{ period: Period; start: string }>,
): Promise<Array<{ memberId: number; period: Period; points: number }>> {
  const rows = await db('scores as s')
    .join('boards as b', 'b.id', 's.board_id')
    .select('s.member_id', 'b.period', 's.points')
    .whereIn('s.member_id', memberIds)
    .where({ 'b.space': ANY, 'b.platform': ANY })
    .whereIn(
      ['b.period', 'b.period_start'],
      windows.map((w) => [w.period, w.start]),
    );
  return rows.map((r: { member_id: number; period: Period; points: number | string }) => ({ memberId: r.member_id, period: r.period, points: Number(r.points) }));
}

/** A member's points in the given period windows (everything, all spaces and platforms). */
export async function memberPoints(db: Tx, memberId: number, windows: ReadonlyArray<{ period: Period; start: string }>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const w of windows) out[w.period] = 0;
  for (const r of await pointsInWindows(db, [memberId], windows)) out[r.period] = r.points;
  return out;
}

// The one definition of a rank: distinct totals of listed members above `points` on a board, plus
// one (binds `listedOn`, then `points`' bindings).
const distinctAbove = (points: string) => `SELECT COUNT(DISTINCT s.points) ${LISTED_ON_BOARD} AND s.points > ${points}`;

/** Dense ranks (distinct totals above, plus one) of several points on several boards, in one statement. */
export async function ranksOn(db: Tx, boards: ReadonlyArray<Board & { points: number }>): Promise<number[]> {
  if (boards.length === 0) return [];
  const result = await db.raw(
    `SELECT ${boards.map((_, i) => `(${distinctAbove('?')}) AS r${i}`).join(', ')}`,
    boards.flatMap((b) => [...listedOn(b), b.points]),
  );
  const [row] = rowsOf<Record<string, unknown>>(result);
  return boards.map((_, i) => 1 + Number(row?.[`r${i}`] ?? 0));
}

export interface PlacedMember {
  id: number;
  displayName: string;
  hidden: boolean;
  isStaff: boolean;
  isBot: boolean;
  stage: Stage | null;
  /** Per board asked for: the member's points, and how many distinct listed totals lie above them. */
  boards: Array<{ points: number; above: number }>;
}

// A member's points on one board (the member is `me` of the outer statement).
const POINTS_ON = `SELECT p.points FROM scores p WHERE p.board_id = ${BOARD_ID_SQL} AND p.member_id = me.id`;

/** A member found by platform identity, with points and rank counts on the given boards, in one statement (every `/rank`). */
export async function placeOfIdentity(db: Tx, platform: string, externalId: string, boards: readonly Board[]): Promise<PlacedMember | null> {
  const columns = boards.map((_, i) => `(${POINTS_ON}) AS points${i}, (${distinctAbove(`(${POINTS_ON})`)}) AS above${i}`);
  const bindings = boards.flatMap((b) => [...boardBindings(b), ...listedOn(b), ...boardBindings(b)]);
  type Row = { id: number; display_name: string; hidden: unknown; is_staff: unknown; is_bot: unknown; stage: Stage | null } & Record<string, unknown>;
  const result = await db.raw(
    `SELECT me.id, me.display_name, me.hidden, me.is_staff, me.is_bot, me.stage${columns.map((c) => `, ${c}`).join('')}
     FROM identities i JOIN members me ON me.id = i.member_id
     WHERE i.platform = ? AND i.external_id = ?`,
    [...bindings, platform, externalId],
  );
  const [row] = rowsOf<Row>(result);
  if (!row) return null;
  return {
    id: row.id,
    displayName: row.display_name,
    hidden: Boolean(row.hidden),
    isStaff: Boolean(row.is_staff),
    isBot: Boolean(row.is_bot),
    stage: row.stage ?? null,
    boards: boards.map((_, i) => ({ points: Number(row[`points${i}`] ?? 0), above: Number(row[`above${i}`]) })),
  };
}
