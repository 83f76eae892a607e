/**
 * What a member's rank card shows: name, all-time rank and points, this month's, the stage and the
 * way to the next one. A public picture, so a hidden member has none (not found, as their page).
 */
import type { Badge } from '../domain/badges.js';
import type { StageProgress } from '../domain/stage-progress.js';
import type { Stage, StageRules } from '../domain/stages.js';
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

export async function rankCardOf(db: Tx, id: number, timeZone: string, now: number, catalog: readonly Badge[], rules: StageRules, forumUrl: string | null): Promise<RankCard> {
  // The profile already carries the picture and the way to the next stage: one reading for page and card.
  const member = await getMember(db, id, timeZone, now, catalog, { forumUrl, stages: rules });
  return {
    memberId: member.id,
    displayName: member.displayName,
    rank: member.rank.all,
    points: member.points.all,
    month: { rank: member.rank.month, points: member.points.month },
    stage: member.stage,
    progress: member.progress,
    avatarUrl: member.avatarUrl,
  };
}
