/**
 * What a member's rank card shows: name, all-time rank and points, this month's, the stage and the
 * way to the next one. A public picture, so a hidden member has none (not found, as their page).
 */
import type { Badge } from '../domain/badges.js';
import { addMonths, localDay, periodStart } from '../domain/periods.js';
import { stageProgress, type StageProgress } from '../domain/stage-progress.js';
import type { Stage, StageRules } from '../domain/stages.js';
import { candidateFacts } from '../db/evidence-repo.js';
import type { Tx } from '../db/knex.js';
import { getMember } from './members.js';

export interface RankCard {
  memberId: number;
  displayName: string;
  /** All-time place and points (null rank: not on the public board — staff, bots, no points). */
  rank: number | null;
  points: number;
  month: { rank: number | null; points: number };
  stage: Stage | null;
  progress: StageProgress;
  /** Where the member's picture is, as a platform gave it (null: initials are drawn). */
  avatarUrl: string | null;
}

export async function rankCardOf(db: Tx, id: number, timeZone: string, now: number, catalog: readonly Badge[], rules: StageRules): Promise<RankCard> {
  const member = await getMember(db, id, timeZone, now, catalog);
  // Active months are counted over the advocate window, ending with this month.
  const since = addMonths(periodStart('month', localDay(now, timeZone)), 1 - rules.advocateMonthWindow);
  const [facts] = await candidateFacts(db, [id], since);
  return {
    memberId: member.id,
    displayName: member.displayName,
    rank: member.rank.all,
    points: member.points.all,
    month: { rank: member.rank.month, points: member.points.month },
    stage: member.stage,
    progress: stageProgress(member.stage, { reach: facts?.reach ?? 0, activeMonths: facts?.activeMonths ?? 0 }, rules),
    avatarUrl: null,
  };
}
