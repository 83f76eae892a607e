/**
 * Leaderboard scores are maintained, never summed from the ledger at read time. Each award adds
 * its points to every period that contains its day, once for every filter a reader may ask for:
 * everything, one space, one platform, and one space on one platform. Reading a top-50 is then an
 * index range scan.
 */
import type { AwardRow } from './activity.js';
import type { Platform, Space } from './kinds.js';
import { PERIODS, periodStartsOf, type Period } from './periods.js';

/** Stands for "every space" / "every platform" in a score key. */
export const ANY = '*';

export interface ScoreDelta {
  period: Period;
  periodStart: string;
  space: Space | typeof ANY;
  platform: Platform | typeof ANY;
  memberId: number;
  points: number;
}

/** Sum a batch's awards into score deltas, one per score row touched. */
export function scoreDeltas(rows: readonly AwardRow[]): ScoreDelta[] {
  const deltas = new Map<string, ScoreDelta>();
  const add = (period: Period, periodStart: string, space: ScoreDelta['space'], platform: ScoreDelta['platform'], row: AwardRow) => {
    const key = `${period}|${periodStart}|${space}|${platform}|${row.memberId}`;
    const delta = deltas.get(key);
    if (delta) delta.points += row.points;
    else deltas.set(key, { period, periodStart, space, platform, memberId: row.memberId, points: row.points });
  };
  for (const row of rows) {
    if (row.points === 0) continue;
    const starts = periodStartsOf(row.day);
    for (const period of PERIODS) {
      const start = starts[period];
      add(period, start, ANY, ANY, row);
      add(period, start, row.space, ANY, row);
      add(period, start, ANY, row.platform, row);
      add(period, start, row.space, row.platform, row);
    }
  }
  return [...deltas.values()].filter((d) => d.points !== 0);
}

/** Dense ranks for rows already sorted by points, descending: equal points share a rank. */
export function denseRanks(points: readonly number[], firstRank = 1): number[] {
  const ranks: number[] = [];
  let rank = firstRank;
  points.forEach((p, i) => {
    if (i > 0 && p !== points[i - 1]) rank++;
    ranks.push(rank);
  });
  return ranks;
}
