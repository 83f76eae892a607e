/**
 * `recompute` — rebuild awards, scores, member facts and stages from the ledger after a rule
 * change. It replays the ledger in arrival order through the same award pipeline as `ingest`,
 * so it gives exactly what incremental processing gives. One transaction: readers see the old
 * numbers until the new ones are complete.
 */
import { localDay, periodStart, startOfDayInstant } from '../domain/periods.js';
import { rollUpAllScores } from '../db/scores-rollup.js';
import { withIndexesBuiltAfter } from '../db/rebuild-indexes.js';
import type { Tx } from '../db/knex.js';
import { readLedger } from '../db/ledger-repo.js';
import { clearAllDerived } from '../db/derived-repo.js';
import { clearClosures } from '../db/badges-repo.js';
import { allMemberIds } from '../db/members-repo.js';
import { membersDueForReview } from '../db/stages-repo.js';
import { applyLedgerBatch, refreshStages, type PipelineRules, type StageMove } from './award-pipeline.js';
import { awardBadges, closePeriods } from './badge-awarding.js';
import type { WriteLock } from './write-lock.js';

const CHUNK = 5000;

export interface RecomputeResult {
  activities: number;
  members: number;
  /** Badges granted by this recompute (already held ones are kept, never re-dated). */
  badgesGranted: number;
}

const BADGE_CHUNK = 1000;
// Members per statement of a rebuild's passes over whole histories (scores, journeys).
const MEMBER_CHUNK = 2000;

export async function recompute(
  lock: WriteLock,
  config: PipelineRules,
  asOf: number,
  onProgress: (done: number) => void = () => {},
): Promise<RecomputeResult> {
  return lock.run((trx) => rebuild(trx, config, asOf, onProgress));
}

/** Rebuild everything derived, inside the caller's transaction. */
export async function rebuild(trx: Tx, config: PipelineRules, asOf: number, onProgress: (done: number) => void = () => {}): Promise<RecomputeResult> {
  // Indexes that only boards and badges read are built once after the writes, not kept row by row.
  const { done, members } = await withIndexesBuiltAfter(trx, ['awards_counted', 'scores_top'], async () => {
    await clearAllDerived(trx);
    let after = 0;
    let done = 0;
    for (;;) {
      const batch = await readLedger(trx, after, CHUNK);
      if (batch.length === 0) break;
      await applyLedgerBatch(trx, batch, config, asOf, { replay: true });
      after = batch.at(-1)!.id;
      done += batch.length;
      onProgress(done);
    }
    const members = await allMemberIds(trx);
    // Scores from whole histories, a range of members per statement: each score is written once.
    await rollUpAllScores(trx, members, MEMBER_CHUNK);
    return { done, members };
  });
  const badgesGranted = await judgeAgain(trx, config, members, asOf);
  return { activities: done, members: members.length, badgesGranted };
}

/**
 * The end of a rebuild, once its members' awards, facts and scores are rebuilt: their journeys
 * and badges from whole histories, and every closed period judged again on the new scores.
 * Returns how many badges it granted.
 */
export async function judgeAgain(trx: Tx, config: PipelineRules, members: readonly number[], asOf: number): Promise<number> {
  // Journeys once per member: replaying them chunk by chunk re-read every active member's recent
  // history for each chunk.
  for (let i = 0; i < members.length; i += MEMBER_CHUNK)
    await refreshStages(trx, members.slice(i, i + MEMBER_CHUNK), config.stages, config.rules.timeZone, asOf);
  // Badges last: new and changed badges are granted retroactively.
  let granted = 0;
  for (let i = 0; i < members.length; i += BADGE_CHUNK) granted += (await awardBadges(trx, config.badges, members.slice(i, i + BADGE_CHUNK), asOf, null)).length;
  // Badge awards stay (their ids are public); closed periods are judged again on the new scores.
  await clearClosures(trx);
  return granted + (await closePeriods(trx, config.badges, config.rules.timeZone, asOf)).length;
}

const REVIEW_CHUNK = 250;

/**
 * Apply monthly stage reviews (demotions) up to `asOf`; run by `serve` every hour. Reviews fall on
 * the first day of each month, so only members last evaluated before this month's review can be
 * due: the hourly run is nearly free for the rest of the month. A transaction per chunk of
 * members: webhooks wait behind one chunk, not behind the whole community, and only one chunk's
 * histories are in memory at a time. A review is idempotent, so a chunk done twice changes nothing.
 */
export async function reviewStages(lock: WriteLock, config: PipelineRules, asOf: number): Promise<StageMove[]> {
  const timeZone = config.rules.timeZone;
  const lastReview = startOfDayInstant(periodStart('month', localDay(asOf, timeZone)), timeZone);
  const moves: StageMove[] = [];
  for (let after = 0; ; ) {
    const chunk = await lock.run(async (trx) => {
      const members = await membersDueForReview(trx, lastReview, after, REVIEW_CHUNK);
      return { members, moves: (await refreshStages(trx, members, config.stages, timeZone, asOf)).moves };
    });
    moves.push(...chunk.moves);
    if (chunk.members.length < REVIEW_CHUNK) return moves;
    after = chunk.members.at(-1)!;
  }
}
