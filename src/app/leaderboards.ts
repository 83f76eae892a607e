/** Leaderboards: read from the maintained score table, never from the ledger. */
import type { Platform, Space } from '../domain/kinds.js';
import { localDay, periodWindow, type Period, type PeriodWindow } from '../domain/periods.js';
import { denseRanks } from '../domain/scoring.js';
import type { Stage } from '../domain/stages.js';
import type { Tx } from '../db/knex.js';
import { countListed, distinctScoresAbove, topScores } from '../db/scores-repo.js';

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

export async function getLeaderboard(db: Tx, q: LeaderboardQuery, timeZone: string, now: number): Promise<Leaderboard> {
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
  const total = offset === 0 && rows.length < limit ? rows.length : await countListed(db, scope);
  const ids = rows.map((r) => r.memberId);
  // Two small lookups for the page's rows: stage, and how many badges each holds.
  const [stages, badges] = ids.length
    ? await Promise.all([
        db('members').select('id', 'stage').whereIn('id', ids),
        db('badge_awards').select('member_id').count({ n: '*' }).whereIn('member_id', ids).whereNull('revoked_at').groupBy('member_id'),
      ])
    : [[], []];
  const stageOf = new Map(stages.map((m: { id: number; stage: Stage | null }) => [m.id, m.stage]));
  const badgesOf = new Map((badges as Array<{ member_id: number; n: number | string }>).map((b) => [b.member_id, Number(b.n)]));
  return {
    ...window,
    space: scope.space,
    platform: scope.platform,
    total,
    entries: rows.map((r, i) => ({
      rank: ranks[i]!,
      points: r.points,
      member: { id: r.memberId, displayName: r.displayName, stage: stageOf.get(r.memberId) ?? null, badges: badgesOf.get(r.memberId) ?? 0 },
    })),
  };
}
