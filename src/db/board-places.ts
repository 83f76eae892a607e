/**
 * Where particular members stand on a board — by id (your own row, last period's ranks for the
 * movement arrows) or by name (find someone) — read from the score tables, never the ledger.
 */
import type { Platform, Space } from '../domain/kinds.js';
import type { Period } from '../domain/periods.js';
import { ANY } from '../domain/scoring.js';
import { BOARD_ID_SQL } from './boards.js';
import { rowsOf } from './bulk.js';
import type { Tx } from './knex.js';
import { LISTED_BINDINGS, listedAs } from './scores-repo.js';

export interface Board {
  period: Period;
  periodStart: string;
  space: Space | null;
  platform: Platform | null;
}

export interface BoardPlace {
  memberId: number;
  displayName: string;
  points: number;
  /** Dense rank, as the board shows it. */
  rank: number;
  /** Rows before this one in the board's order (points, then newest member first): its page. */
  position: number;
}

// Listed rows of the same board as `s` (an outer row), above it in rank or in order.
const OTHERS = `FROM scores o JOIN members om ON om.id = o.member_id WHERE o.board_id = s.board_id AND ${listedAs('om')}`;
const PLACES = `SELECT s.member_id, s.points, m.display_name,
    (SELECT COUNT(DISTINCT o.points) ${OTHERS} AND o.points > s.points) AS above,
    (SELECT COUNT(*) ${OTHERS} AND (o.points > s.points OR (o.points = s.points AND o.member_id > s.member_id))) AS ahead
  FROM scores s JOIN members m ON m.id = s.member_id
  WHERE s.board_id = ${BOARD_ID_SQL} AND ${listedAs('m')} AND s.points > 0`;

type Row = { member_id: number; points: number | string; display_name: string; above: number | string; ahead: number | string };
const placeOf = (r: Row): BoardPlace => ({ memberId: r.member_id, displayName: r.display_name, points: Number(r.points), rank: 1 + Number(r.above), position: Number(r.ahead) });
const bindings = (b: Board) => [...LISTED_BINDINGS, ...LISTED_BINDINGS, b.period, b.periodStart, b.space ?? ANY, b.platform ?? ANY, ...LISTED_BINDINGS];

/** The places of the given members on a board (members not on it are left out). */
export async function placesOf(db: Tx, board: Board, memberIds: readonly number[]): Promise<BoardPlace[]> {
  if (memberIds.length === 0) return [];
  const ids = memberIds.slice(0, 500);
  const rows = rowsOf<Row>(await db.raw(`${PLACES} AND s.member_id IN (${ids.map(() => '?').join(', ')})`, [...bindings(board), ...ids]));
  return rows.map(placeOf);
}

/** Members on a board whose name contains `text` (any case), best placed first. */
export async function placesByName(db: Tx, board: Board, text: string, limit: number): Promise<BoardPlace[]> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = rowsOf<Row>(
    await db.raw(`${PLACES} AND LOWER(m.display_name) LIKE ? ESCAPE '\\' ORDER BY s.points DESC, s.member_id DESC LIMIT ?`, [...bindings(board), pattern, limit]),
  );
  return rows.map(placeOf);
}

const ON_BOARD = `FROM scores s JOIN members m ON m.id = s.member_id WHERE s.board_id = ${BOARD_ID_SQL} AND ${listedAs('m')} AND s.points > 0`;
const onBoard = (b: Board) => [b.period, b.periodStart, b.space ?? ANY, b.platform ?? ANY, ...LISTED_BINDINGS];

/**
 * Dense ranks of the given members on a board (members not on it are left out). One walk down the
 * board for all of them: the distinct totals above the best, then between each total and the next,
 * rather than a count from the top per member (a deep page would walk the board 25 times).
 */
export async function ranksOf(db: Tx, board: Board, memberIds: readonly number[]): Promise<Map<number, number>> {
  if (memberIds.length === 0) return new Map();
  const ids = memberIds.slice(0, 500);
  const rows = rowsOf<{ member_id: number; points: number | string }>(
    await db.raw(`SELECT s.member_id, s.points ${ON_BOARD} AND s.member_id IN (${ids.map(() => '?').join(', ')})`, [...onBoard(board), ...ids]),
  );
  const totals = [...new Set(rows.map((r) => Number(r.points)))].sort((a, b) => b - a);
  if (totals.length === 0) return new Map();
  const between = totals.map((t, i) => (i === 0 ? `(SELECT COUNT(DISTINCT s.points) ${ON_BOARD} AND s.points > ?) AS c0` : `(SELECT COUNT(DISTINCT s.points) ${ON_BOARD} AND s.points > ? AND s.points <= ?) AS c${i}`));
  const bindings = totals.flatMap((t, i) => (i === 0 ? [...onBoard(board), t] : [...onBoard(board), t, totals[i - 1]!]));
  const [counts] = rowsOf<Record<string, number | string>>(await db.raw(`SELECT ${between.join(', ')}`, bindings));
  const rankOf = new Map<number, number>();
  let rank = 1;
  totals.forEach((t, i) => {
    rank += Number(counts?.[`c${i}`] ?? 0);
    rankOf.set(t, rank);
  });
  return new Map(rows.map((r) => [r.member_id, rankOf.get(Number(r.points))!]));
}
