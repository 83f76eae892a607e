/**
 * A board is one period × filter (everything, a space, a platform, or both), named by a small
 * integer in `scores` (migration 20261123010000). Readers name a board; this finds its id.
 */
import type { Knex } from 'knex';
import type { Tx } from './knex.js';

export interface BoardName {
  period: string;
  periodStart: string;
  space: string;
  platform: string;
}

/** The board's id as a subquery (a board nothing has counted on yet has no row, and no scores). */
export function boardId(db: Tx, board: BoardName): Knex.QueryBuilder {
  return db('boards').select('id').where({ period: board.period, period_start: board.periodStart, space: board.space, platform: board.platform });
}

/** The id of the board named by four SQL expressions (columns of an outer query, or `?`); NULL when it has none yet. */
export const boardIdOf = (period: string, periodStart: string, space: string, platform: string): string =>
  `(SELECT bd.id FROM boards bd WHERE bd.period = ${period} AND bd.period_start = ${periodStart} AND bd.space = ${space} AND bd.platform = ${platform})`;

/** The same, binding the board's period, period start, space and platform. */
export const BOARD_ID_SQL = boardIdOf('?', '?', '?', '?');
