/** Leaderboards: read from the maintained score table, never from the ledger. */
import type { Platform, Space } from '../domain/kinds.js';
import { localDay, periodWindow, type Period, type PeriodWindow } from '../domain/periods.js';
import { denseRanks } from '../domain/scoring.js';
import type { Stage } from '../domain/stages.js';
import type { Tx } from '../db/knex.js';
import { countListed, distinctScoresAbove, topScores, type BoardQuery } from '../db/scores-repo.js';

export interface LeaderboardQuery {
  period: Period;
  /** Any day inside the wanted period (community time zone); defaults to today. */
  at?: string | undefined;
  space?: Space | null | undefined;
  platform?: Platform | null | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface LeaderboardEntry {
  rank: number;
  points: number;
  member: { id: number; displayName: string; stage: Stage | null; badges: number };
}

export interface Leaderboard extends PeriodWindow {
  space: Space | null;
  platform: Platform | null;
  total: number;
  entries: LeaderboardEntry[];
}

/**
 * How many listed members a board has, counted once per write: counting is a scan of the board,
 * and every page view asks. In-process writes go through the write lock, which moves the
 * generation; writes by another process (an import beside `serve`) show within a few seconds.
 */
export class BoardTotals {
  private readonly counts = new Map<string, { generation: number; at: number; total: number }>();

  constructor(
    private readonly generation: () => number,
    private readonly maxAgeMs = 5_000,
  ) {}

  async of(db: Tx, scope: Omit<BoardQuery, 'limit' | 'offset'>): Promise<number> {
    const key = `${scope.period}|${scope.periodStart}|${scope.space}|${scope.platform}`;
    const cached = this.counts.get(key);
    if (cached && cached.generation === this.generation() && performance.now() - cached.at < this.maxAgeMs) return cached.total;
    const generation = this.generation();
    const total = await countListed(db, scope);
    if (this.counts.size > 1000) this.counts.clear();
    this.counts.set(key, { generation, at: performance.now(), total });
    return total;
  }
}

export async function getLeaderboard(db: Tx, q: LeaderboardQuery, timeZone: string, now: number, totals: BoardTotals): Promise<Leaderboard> {
  const window = periodWindow(q.period, q.at ?? localDay(now, timeZone));
  const scope = { period: q.period, periodStart: window.start, space: q.space ?? null, platform: q.platform ?? null };
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const rows = await topScores(db, { ...scope, limit, offset });
  const firstRank = offset > 0 && rows.length > 0 ? 1 + (await distinctScoresAbove(db, scope, rows[0]!.points)) : 1;
  const ranks = denseRanks(
    rows.map((r) => r.points),
    firstRank,
  );
  const total = offset === 0 && rows.length < limit ? rows.length : await totals.of(db, scope);
  return {
    ...window,
    space: scope.space,
    platform: scope.platform,
    total,
    entries: rows.map((r, i) => ({
      rank: ranks[i]!,
      points: r.points,
      member: { id: r.memberId, displayName: r.displayName, stage: r.stage, badges: r.badges },
    })),
  };
}
