/** Leaderboards: read from the maintained score table, never from the ledger. */
import type { Platform, Space } from '../domain/kinds.js';
import { localDay, periodWindow, type Period, type PeriodWindow } from '../domain/periods.js';
import { acceptedDay } from '../domain/time-range.js';
import { denseRanks } from '../domain/scoring.js';
import type { Stage } from '../domain/stages.js';
import type { Tx } from '../db/knex.js';
import { countListed, ranksOn, topScores } from '../db/scores-repo.js';
import { ReadCache } from './read-cache.js';
import { answerShare, type AnswerShare } from './community.js';
import { funnel, type FunnelStep } from '../domain/insights.js';
import { stageCounts } from '../db/insights-repo.js';

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

/** Boards and their totals, kept until the next write: the same board is asked for by every visitor and every /leaderboard. */
export interface BoardCaches {
  boards: ReadCache<Leaderboard>;
  /** Counting is a scan of the whole board; pages of one board share the count. */
  totals: ReadCache<number>;
}

export function boardCaches(generation: () => number): BoardCaches {
  return { boards: new ReadCache(generation), totals: new ReadCache(generation) };
}

export async function getLeaderboard(db: Tx, q: LeaderboardQuery, timeZone: string, now: number, caches: BoardCaches): Promise<Leaderboard> {
  const day = q.at === undefined ? localDay(now, timeZone) : acceptedDay('at', q.at, now);
  const key = `${q.period}|${day}|${q.space ?? ''}|${q.platform ?? ''}|${q.limit ?? ''}|${q.offset ?? ''}`;
  return caches.boards.get(key, () => readLeaderboard(db, { ...q, at: day }, caches.totals));
}

/** A board straight from the score table (getLeaderboard keeps what this reads until the next write). */
export async function readLeaderboard(db: Tx, q: LeaderboardQuery & { at: string }, totals: ReadCache<number>): Promise<Leaderboard> {
  const window = periodWindow(q.period, q.at);
  const scope = { period: q.period, periodStart: window.start, space: q.space ?? null, platform: q.platform ?? null };
  const limit = q.limit ?? 50;
  const offset = q.offset ?? 0;
  const rows = await topScores(db, { ...scope, limit, offset });
  const firstRank = offset > 0 && rows.length > 0 ? (await ranksOn(db, [{ ...scope, points: rows[0]!.points }]))[0]! : 1;
  const ranks = denseRanks(
    rows.map((r) => r.points),
    firstRank,
  );
  const total = offset === 0 && rows.length < limit ? rows.length : await totals.get(`${scope.period}|${scope.periodStart}|${scope.space}|${scope.platform}`, () => countListed(db, scope));
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

/** The community's boards: points per period, the ladder of stages, who answers (Flywheel's `boards`). */
export interface Boards {
  leaderboard(q: LeaderboardQuery): Promise<Leaderboard>;
  /** How many community members stand on each step of the ladder (the public summary). */
  ladder(): Promise<FunnelStep[]>;
  answerShare(): Promise<AnswerShare>;
}

/** `generation` is the write lock's: a cached board is served until the next write. */
export function boardsUseCases(reads: Tx, deps: { timeZone: string; now: () => number; generation: () => number }): Boards {
  const caches = boardCaches(deps.generation);
  return {
    leaderboard: (q) => getLeaderboard(reads, q, deps.timeZone, deps.now(), caches),
    ladder: async () => funnel(await stageCounts(reads)),
    answerShare: () => answerShare(reads, deps.timeZone, deps.now()),
  };
}
