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
