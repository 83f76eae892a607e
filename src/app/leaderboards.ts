/** Leaderboards: read from the maintained score table, never from the ledger. */
import type { Platform, Space } from '../domain/kinds.js';
import { localDay, periodWindow, type Period, type PeriodWindow } from '../domain/periods.js';
import { acceptedDay, browsableNeighbours } from '../domain/time-range.js';
import { denseRanks } from '../domain/scoring.js';
import type { Stage } from '../domain/stages.js';
import { firstAvatar } from '../domain/avatars.js';
import { movement, type Movement } from '../domain/rank-movement.js';
import { placesByName, placesOf, ranksOf, type BoardPlace } from '../db/board-places.js';
import { identitiesOf } from '../db/identities-repo.js';
import type { Tx } from '../db/knex.js';
import { countListed, ranksOn, topScores } from '../db/scores-repo.js';
import { ReadCache } from './read-cache.js';
import { answerShare, type AnswerShare } from './community.js';
import { funnel, type FunnelStep } from '../domain/insights.js';
import { stageCounts } from '../db/insights-repo.js';
import type { PipelineRules } from './award-pipeline.js';
import { howItWorks, type HowItWorks } from './how-it-works.js';

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
  member: { id: number; displayName: string; stage: Stage | null; badges: number; avatarUrl: string | null };
  /** Since the previous period's board (null on the all-time board, which has none). */
  movement: Movement | null;
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

/** Where boards' faces come from: the forum's address completes its relative avatar templates. */
export interface BoardLook {
  forumUrl: string | null;
}

export const AVATAR_SIZE = 96;

export async function getLeaderboard(db: Tx, q: LeaderboardQuery, timeZone: string, now: number, caches: BoardCaches, look: BoardLook = { forumUrl: null }): Promise<Leaderboard> {
  const today = localDay(now, timeZone);
  const day = q.at === undefined ? today : acceptedDay('at', q.at, now);
  const key = `${q.period}|${day}|${q.space ?? ''}|${q.platform ?? ''}|${q.limit ?? ''}|${q.offset ?? ''}`;
  const board = await caches.boards.get(key, () => readLeaderboard(db, { ...q, at: day }, caches.totals, look));
  // Outside the cache: a board kept over midnight gains its `next` when the next period begins.
  return { ...board, ...browsableNeighbours(board, today) };
}

export interface FoundPlace extends BoardPlace {
  /** The board page (1-based) that shows this member, at `pageSize` rows a page. */
  page: number;
}

/** Members on a board by id (you) or by name (find someone), with the page that shows each. */
export async function findOnBoard(
  db: Tx,
  q: Omit<LeaderboardQuery, 'limit' | 'offset'>,
  what: { memberId: number } | { name: string },
  pageSize: number,
  timeZone: string,
  now: number,
): Promise<FoundPlace[]> {
  const day = q.at === undefined ? localDay(now, timeZone) : acceptedDay('at', q.at, now);
  const board = { period: q.period, periodStart: periodWindow(q.period, day).start, space: q.space ?? null, platform: q.platform ?? null };
  const places = 'memberId' in what ? await placesOf(db, board, [what.memberId]) : await placesByName(db, board, what.name, 10);
  return places.map((p) => ({ ...p, page: Math.floor(p.position / pageSize) + 1 }));
}

/** A board straight from the score table (getLeaderboard keeps what this reads until the next write). */
export async function readLeaderboard(db: Tx, q: LeaderboardQuery & { at: string }, totals: ReadCache<number>, look: BoardLook = { forumUrl: null }): Promise<Leaderboard> {
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
  const ids = rows.map((r) => r.memberId);
  // Last period's ranks of this page's members, from last period's scores (the all-time board has no previous one).
  const [faces, before] = await Promise.all([
    identitiesOf(db, ids),
    window.previous === null ? Promise.resolve(null) : ranksOf(db, { ...scope, periodStart: periodWindow(q.period, window.previous).start }, ids),
  ]);
  return {
    ...window,
    space: scope.space,
    platform: scope.platform,
    total,
    entries: rows.map((r, i) => ({
      rank: ranks[i]!,
      points: r.points,
      member: { id: r.memberId, displayName: r.displayName, stage: r.stage, badges: r.badges, avatarUrl: firstAvatar(faces.get(r.memberId) ?? [], AVATAR_SIZE, look.forumUrl) },
      movement: before === null ? null : movement(ranks[i]!, before.get(r.memberId) ?? null),
    })),
  };
}

/** The community's boards: points per period, the ladder of stages, who answers (Flywheel's `boards`). */
export interface Boards {
  leaderboard(q: LeaderboardQuery): Promise<Leaderboard>;
  /** Where a member (by id) or members (by name) stand on a board, and the page of `pageSize` rows that shows each. */
  find(q: Omit<LeaderboardQuery, 'limit' | 'offset'>, what: { memberId: number } | { name: string }, pageSize: number): Promise<FoundPlace[]>;
  /** How many community members stand on each step of the ladder (the public summary). */
  ladder(): Promise<FunnelStep[]>;
  answerShare(): Promise<AnswerShare>;
  /** What earns points, the caps, the ladder and every badge, from the rules the site runs with ("How it works"). */
  howItWorks(): HowItWorks;
}

/** `generation` is the write lock's: a cached board is served until the next write. */
export function boardsUseCases(reads: Tx, deps: { rules: PipelineRules; forumUrl: string | null; timeZone: string; now: () => number; generation: () => number }): Boards {
  const caches = boardCaches(deps.generation);
  // The rules only change with the configuration, i.e. at a restart: worked out once.
  let rulesPage: HowItWorks | null = null;
  return {
    leaderboard: (q) => getLeaderboard(reads, q, deps.timeZone, deps.now(), caches, { forumUrl: deps.forumUrl }),
    find: (q, what, pageSize) => findOnBoard(reads, q, what, pageSize, deps.timeZone, deps.now()),
    ladder: async () => funnel(await stageCounts(reads)),
    answerShare: () => answerShare(reads, deps.timeZone, deps.now()),
    howItWorks: () => (rulesPage ??= howItWorks(deps.rules)),
  };
}
