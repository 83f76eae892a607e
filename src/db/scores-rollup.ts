/**
 * Scores are rolled up inside the database, from the awards a batch just wrote (ingest) or from
 * members' whole histories (a rebuild, a merge): every award counts on 6 periods × 4 filters
 * (everything, space, platform, both), 24 boards; a statement joins each award to its boards,
 * groups, and upserts one row per member and board. Binding those rows from JS instead costs ~10×
 * more per row.
 */
import { PERIODS, periodStartsOf } from '../domain/periods.js';
import { ANY } from '../domain/scoring.js';
import { boardIdOf } from './boards.js';
import { insertRows } from './bulk.js';
import type { Tx } from './knex.js';

/** Make sure the calendar knows every local day in `days`. */
export async function ensureCalendarDays(db: Tx, days: Iterable<string>): Promise<void> {
  const rows = [...new Set(days)].map((day) => {
    const s = periodStartsOf(day);
    return [day, s.week, s.month, s.quarter, s.year];
  });
  await insertRows(db, 'calendar', ['day', 'week', 'month', 'quarter', 'year'], rows, { onConflict: 'ON CONFLICT ("day") DO NOTHING' });
}

/** The newest award's id (0 for none): what a batch writes comes after it. */
export async function lastAwardId(db: Tx): Promise<number> {
  const row = await db('awards').max({ id: 'id' }).first();
  return Number(row?.id ?? 0);
}

/**
 * Add the points of the awards a batch just wrote (award ids after `afterId`) to every score they
 * count in. By award id, not activity id: an answer paid when it is endorsed is a new row of an
 * older activity.
 */
export async function rollUpScores(db: Tx, afterId: number): Promise<void> {
  const awards: Selection = { where: 'w.id > ?', bindings: [afterId], grouping: BY_BOARD };
  await nameBoards(db, awards);
  await addScores(db, awards);
}

/**
 * A rebuild's scores, into an empty table, from the members' whole histories: the boards are named
 * once for every award, then each range of `chunk` members is rolled up in ascending order, so
 * rows append to the table's key in order and each sort stays small.
 */
export async function rollUpAllScores(db: Tx, memberIds: readonly number[], chunk: number): Promise<void> {
  if (memberIds.length === 0) return;
  await nameBoards(db, between('w.member_id', memberIds[0]!, memberIds.at(-1)!));
  for (let i = 0; i < memberIds.length; i += chunk) {
    const range = memberIds.slice(i, i + chunk);
    await addScores(db, between('w.member_id', range[0]!, range.at(-1)!));
  }
}

/** Some members' scores, into rows deleted for them, from their whole histories. */
export async function rollUpMemberScores(db: Tx, memberIds: readonly number[]): Promise<void> {
  for (let i = 0; i < memberIds.length; i += MEMBER_LIST) {
    const awards = among(memberIds.slice(i, i + MEMBER_LIST));
    await nameBoards(db, awards);
    await addScores(db, awards);
  }
}

/** Which awards a statement rolls up: a condition on `w` and its bindings, and how they are grouped. */
interface Selection {
  where: string;
  bindings: number[];
  grouping: string;
}

// How awards are grouped. A batch's few awards are found by award id and grouped board
// first: grouped member first, SQLite 3.52 walks the whole member index in order instead of
// sorting them. Members' histories are read through the member index and written member first,
// the table's key order.
const BY_BOARD = 'o.board_id, w.member_id';
const BY_MEMBER = 'w.member_id, o.board_id';
const MEMBER_LIST = 500;

const between = (column: 'w.member_id', first: number, last: number): Selection => ({
  where: `${column} >= ? AND ${column} <= ?`,
  bindings: [first, last],
  grouping: BY_MEMBER,
});

const among = (memberIds: readonly number[]): Selection => ({
  where: `w.member_id IN (${memberIds.map(() => '?').join(', ')})`,
  bindings: [...memberIds],
  grouping: BY_MEMBER,
});

// The boards an award on day `w.day` in `w.space` on `w.platform` counts on (6 periods × 4
// filters), by name: binds ANY twice (the columns), then the periods (the joins).
const BOARD_COLUMNS = `
  p.column1 AS period,
  CASE p.column1 WHEN 'all' THEN 'all' WHEN 'year' THEN c.year WHEN 'quarter' THEN c.quarter
                 WHEN 'month' THEN c.month WHEN 'week' THEN c.week ELSE c.day END AS period_start,
  CASE WHEN f.column1 = 1 THEN w.space ELSE ? END AS space,
  CASE WHEN f.column2 = 1 THEN w.platform ELSE ? END AS platform`;
const ON_BOARDS = `
  JOIN calendar c ON c.day = w.day
  CROSS JOIN (VALUES ${PERIODS.map(() => '(?)').join(', ')}) p
  CROSS JOIN (VALUES (0, 0), (1, 0), (0, 1), (1, 1)) f`;

// The id of the board a named row `x` counts on: a lookup in the boards' unique index.
const X_BOARD_ID = boardIdOf('x.period', 'x.period_start', 'x.space', 'x.platform');

const counted = (awards: Selection) => `${awards.where} AND w.points <> 0`;

// Each board the selected awards count on, by name, for their few distinct days, spaces and
// platforms — never per award: joined per award on the names' expressions, PostgreSQL without
// fresh statistics (as in a rebuild) once chose a plan that made 54 million rows of 124,000.
const namedFor = (awards: Selection) => `
  SELECT w.day, w.space AS award_space, w.platform AS award_platform, ${BOARD_COLUMNS}
  FROM (SELECT DISTINCT w.day, w.space, w.platform FROM awards w WHERE ${counted(awards)}) w ${ON_BOARDS}`;
const namedBindings = (awards: Selection) => [ANY, ANY, ...awards.bindings, ...PERIODS];

/** Give a new day, week, … its board ids, for the selected awards. */
async function nameBoards(db: Tx, awards: Selection): Promise<void> {
  await db.raw(
    `INSERT INTO boards (period, period_start, space, platform)
     SELECT DISTINCT x.period, x.period_start, x.space, x.platform FROM (${namedFor(awards)}) x
     WHERE ${X_BOARD_ID} IS NULL
     ON CONFLICT (period, period_start, space, platform) DO NOTHING`,
    namedBindings(awards),
  );
}

/** Add the points of the selected awards to their (named) boards' scores. */
async function addScores(db: Tx, awards: Selection): Promise<void> {
  await db.raw(
    `WITH board_of AS MATERIALIZED (
       SELECT x.day, x.award_space, x.award_platform,
              ${X_BOARD_ID} AS board_id
       FROM (${namedFor(awards)}) x)
     INSERT INTO scores (member_id, board_id, points)
     SELECT w.member_id, o.board_id, SUM(w.points)
     FROM awards w
     JOIN board_of o ON o.day = w.day AND o.award_space = w.space AND o.award_platform = w.platform
     WHERE ${counted(awards)}
     GROUP BY ${awards.grouping}
     HAVING SUM(w.points) <> 0
     ON CONFLICT (member_id, board_id) DO UPDATE SET points = scores.points + excluded.points`,
    [...namedBindings(awards), ...awards.bindings],
  );
}

/** The community's first recorded day, or null before any award. */
export async function firstCalendarDay(db: Tx): Promise<string | null> {
  const first = await db('calendar').min({ day: 'day' }).first();
  return (first?.day as string | undefined) ?? null;
}
