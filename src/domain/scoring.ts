/**
 * Leaderboard scores are maintained, never summed from the ledger at read time. Each award adds
 * its points to every period that contains its day, once for every filter a reader may ask for:
 * everything, one space, one platform, and one space on one platform. Reading a top-50 is then an
 * index range scan.
 */

/** Stands for "every space" / "every platform" in a score key. */
export const ANY = '*';

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
