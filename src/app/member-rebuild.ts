/**
 * Rebuild what is derived for some members only — after a merge or a split changed whose
 * activities are whose. A full `rebuild` replays the whole ledger (about two minutes at a million
 * activities, with every write waiting behind it); a merge changes the members it joins or
 * splits, the members who acted toward them (their pairs, their reach), and — through the thanks
 * pair cooldown, the one rule that reads another member's history — anyone whose pair history
 * with those changed. Gives exactly what `rebuild` gives (tests/property).
 */
import type { AwardRow } from '../domain/activity.js';
import { THANKS_KINDS } from '../domain/kinds.js';
import { helpedDeltas, memberDayDeltas } from '../domain/member-facts.js';
import { decideAwards, type RuleFacts } from '../domain/rules.js';
import { earnedThanksToward, earningThanksOf, insertAwards } from '../db/awards-repo.js';
import { inChunks } from '../db/bulk.js';
import { botMembers } from '../db/identities-repo.js';
import type { Tx } from '../db/knex.js';
import { actorsToward, ledgerOf } from '../db/ledger-repo.js';
import { clearDerivedOf } from '../db/derived-repo.js';
import { advanceFirsts, applyHelped, applyMemberDays } from '../db/member-facts-repo.js';
import { ensureCalendarDays, rollUpMemberScores } from '../db/scores-rollup.js';
import type { PipelineRules } from './award-pipeline.js';
import { judgeAgain } from './recompute.js';

/** Rebuild `seed` and every member their change reaches, inside the caller's transaction; returns who was rebuilt. */
export async function rebuildMembers(trx: Tx, config: PipelineRules, seed: readonly number[], asOf: number): Promise<number[]> {
  const members = new Set([...seed, ...(await actorsToward(trx, seed))]);
  for (;;) {
    const ids = [...members].sort((a, b) => a - b);
    const awards = await decideAgain(trx, ids, config);
    // A thanks of ours that now earns where it did not (or the reverse) changes the partner's
    // cooldowns: their history is decided again too, until nothing more changes.
    const partners = await partnersChanged(trx, ids, awards, members);
    if (partners.length === 0) {
      await rewrite(trx, config, ids, awards, asOf);
      return ids;
    }
    for (const id of partners) members.add(id);
  }
}

/** The members' whole histories decided again, in ledger order, beside others' thanks toward them. */
async function decideAgain(trx: Tx, ids: readonly number[], config: PipelineRules): Promise<AwardRow[]> {
  const ledger = await ledgerOf(trx, ids);
  const facts: RuleFacts = { messages: [], thanks: [], dayUsage: [], liveAnswers: [], targets: [], reversedSources: [], bots: await botMembers(trx, ids) };
  return decideAwards(ledger, facts, config.rules, await earnedThanksToward(trx, ids));
}

async function partnersChanged(trx: Tx, ids: readonly number[], awards: readonly AwardRow[], members: ReadonlySet<number>): Promise<number[]> {
  const earned = await earningThanksOf(trx, ids);
  const partners = new Set<number>();
  for (const a of awards)
    if (a.cancelsActivityId === null && THANKS_KINDS.includes(a.kind) && a.counterpartId !== null && !members.has(a.counterpartId) && a.points > 0 !== earned.has(a.activityId))
      partners.add(a.counterpartId);
  return [...partners];
}

/** Replace the members' derived rows with ones built from `awards`, then judge their journeys and badges again. */
async function rewrite(trx: Tx, config: PipelineRules, ids: readonly number[], awards: readonly AwardRow[], asOf: number): Promise<void> {
  await inChunks(ids, 1000, async (chunk) => {
    await clearDerivedOf(trx, chunk);
    return [];
  });
  await insertAwards(trx, awards);
  await ensureCalendarDays(trx, awards.map((a) => a.day));
  const days = memberDayDeltas(awards);
  await applyMemberDays(trx, days);
  await advanceFirsts(trx, days);
  await applyHelped(trx, helpedDeltas(awards));
  await rollUpMemberScores(trx, ids);
  await judgeAgain(trx, config, ids, asOf);
}
