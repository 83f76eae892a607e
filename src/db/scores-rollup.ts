/**
 * Scores are rolled up inside the database from the awards a batch just wrote: one statement
 * expands every award into its 6 periods × 4 filters (everything, space, platform, both),
 * groups, and upserts. Binding those rows from JS instead costs ~10× more per row.
 */
import { PERIODS, periodStartsOf, type Period } from '../domain/periods.js';
import { ANY } from '../domain/scoring.js';
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

/**
 * Add the points of awards whose activity id lies in [firstId, lastId] to every score they count in
 * (in the given periods: a rebuild rolls up the whole ledger one period at a time, to bound the sort).
 */
export async function rollUpScores(db: Tx, firstId: number, lastId: number, periods: readonly Period[] = PERIODS): Promise<void> {
  await db.raw(
    `INSERT INTO scores (period, period_start, space, platform, member_id, points)
     SELECT p.column1,
            CASE p.column1 WHEN 'all' THEN 'all' WHEN 'year' THEN c.year WHEN 'quarter' THEN c.quarter
                           WHEN 'month' THEN c.month WHEN 'week' THEN c.week ELSE c.day END,
            CASE WHEN f.column1 = 1 THEN w.space ELSE ? END,
            CASE WHEN f.column2 = 1 THEN w.platform ELSE ? END,
            w.member_id,
            SUM(w.points)
     FROM awards w
     JOIN calendar c ON c.day = w.day
     CROSS JOIN (VALUES ${periods.map(() => '(?)').join(', ')}) p
     CROSS JOIN (VALUES (0, 0), (1, 0), (0, 1), (1, 1)) f
     WHERE w.activity_id >= ? AND w.activity_id <= ? AND w.points <> 0
     GROUP BY 1, 2, 3, 4, 5
     HAVING SUM(w.points) <> 0
     ON CONFLICT (period, period_start, space, platform, member_id) DO UPDATE SET points = scores.points + excluded.points`,
    [ANY, ANY, ...periods, firstId, lastId],
  );
}
