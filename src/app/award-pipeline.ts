/**
 * The second half of the one pipeline: new ledger rows → awards, scores, member facts, stages.
 * `ingest` runs it on the rows it just appended; `recompute` on the whole ledger, in chunks, in
 * the same order — so the two give exactly the same result.
 */
import type { AwardRow, LedgerActivity } from '../domain/activity.js';
import { REVERSAL, THANKS_KINDS, type Kind } from '../domain/kinds.js';
import { helpedDeltas, memberDayDeltas } from '../domain/member-facts.js';
import { localDay, startOfDayInstant } from '../domain/periods.js';
import { decideAwards, helpedMember, type RuleFacts, type Rules } from '../domain/rules.js';
import { ENDORSING_KINDS, limitOf, PAIR_LIMITED_KINDS, pairLimitGroup, parentSources, type PairLimitGroup } from '../domain/fair-play.js';
import { addDays, periodStart, shiftPeriod } from '../domain/periods.js';
import { answersBySource, endorsedHelp, pairPayments, pendingAnswers } from '../db/fair-play-repo.js';
import { mayChangeJourney, productionWindowStart, stageTimeline, type Stage, type StageRules, type StageTouch, type StageTransition } from '../domain/stages.js';
import type { Badge } from '../domain/badges.js';
import { awardBadges, type BadgeGrant } from './badge-awarding.js';
import { earningTimes, insertAwards, liveAnswers, liveAwardsOfSources } from '../db/awards-repo.js';
import { botMembers } from '../db/identities-repo.js';
import type { Tx } from '../db/knex.js';
import { reversedSources } from '../db/ledger-repo.js';
import { advanceFirsts, applyHelped, applyMemberDays, dayUsage, stageFacts, type StageFactsRequest } from '../db/member-facts-repo.js';
import { ensureCalendarDays, lastAwardId, rollUpScores } from '../db/scores-rollup.js';
import { evaluatedAt, saveJourneys, transitionsOf } from '../db/stages-repo.js';

export interface PipelineRules {
  rules: Rules;
  stages: StageRules;
  badges: readonly Badge[];
}

export interface StageChange extends StageTransition {
  memberId: number;
}

/** A member whose current stage is now different (promotion or demotion). */
export interface StageMove {
  memberId: number;
  from: Stage | null;
  to: Stage | null;
}

export interface StageRefresh {
  /** Stage transitions that did not exist before (a rewritten journey can add past ones). */
  changes: StageChange[];
  /** Members whose current stage changed: what announcements and Discord roles follow. */
  moves: StageMove[];
}

export interface BatchResult extends StageRefresh {
  awards: AwardRow[];
  badgeGrants: BadgeGrant[];
}

const uniq = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/** Load the slice of history the rules need to decide `batch`. */
async function loadRuleFacts(db: Tx, batch: readonly LedgerActivity[], rules: Rules): Promise<RuleFacts> {
  const originals = batch.filter((a) => a.kind !== REVERSAL);
  const times = batch.map((a) => a.occurredAt);
  const minAt = Math.min(...times);
  const maxAt = Math.max(...times);

  const messageMembers = uniq(originals.filter((a) => a.kind === 'message_posted').map((a) => a.memberId));
  const thanksActs = originals.filter((a) => a.kind === 'thanks_given' || a.kind === 'thanks_received');
  const thanksMembers = uniq(thanksActs.flatMap((a) => (a.counterpartId === null ? [a.memberId] : [a.memberId, a.counterpartId])));
  const subjects = uniq(originals.flatMap((a) => (a.kind === 'answer_posted' && a.subjectRef ? [a.subjectRef] : [])));
  const reversing = uniq(batch.flatMap((a) => (a.kind === REVERSAL && a.reverses ? [a.reverses] : [])));

  // Sequential on purpose: one transaction is one connection, and pg wants one query at a time.
  const messages = messageMembers.length
    ? await earningTimes(db, ['message_posted'], messageMembers, minAt - rules.messageCooldownMs, maxAt + rules.messageCooldownMs)
    : [];
  const thanks = thanksMembers.length
    ? await earningTimes(db, THANKS_KINDS, thanksMembers, minAt - rules.pairCooldownMs, maxAt + rules.pairCooldownMs)
    : [];
  const answers = subjects.length ? await liveAnswers(db, subjects) : [];
  const targets = reversing.length ? await liveAwardsOfSources(db, reversing) : [];
  const reversed = await reversedSources(db, uniq(originals.map((a) => a.sourceRef)), batch[0]!.id);
  const bots = await botMembers(db, uniq(batch.map((a) => a.memberId)));

  // The daily cap needs today's usage for every member and day the batch may touch,
  // including the days of awards a reversal gives back.
  const days = [...batch.map((a) => localDay(a.occurredAt, rules.timeZone)), ...targets.map((t) => t.day)].sort();
  const usage = await dayUsage(db, uniq([...batch.map((a) => a.memberId), ...targets.map((t) => t.memberId)]), days[0]!, days.at(-1)!);

  const fairPlay = await loadFairPlayFacts(db, batch, rules);
  return {
    ...fairPlay,
    messages: messages.map((m) => ({ memberId: m.memberId, at: m.at })),
    thanks: thanks.flatMap((t) => (t.counterpartId === null ? [] : [{ kind: t.kind, memberId: t.memberId, counterpartId: t.counterpartId, at: t.at }])),
    dayUsage: usage,
    liveAnswers: answers,
    targets,
    reversedSources: reversed,
    bots,
  };
}

/** The fair-play slice of history a batch needs: pair usage, endorsed help, waiting answers. */
async function loadFairPlayFacts(db: Tx, batch: readonly LedgerActivity[], rules: Rules): Promise<Pick<RuleFacts, 'pairUsage' | 'pendingAnswers' | 'endorsed' | 'answerSources'>> {
  const originals = batch.filter((a) => a.kind !== REVERSAL) as Array<LedgerActivity & { kind: Exclude<LedgerActivity['kind'], typeof REVERSAL> }>;
  const pairUsage: NonNullable<RuleFacts['pairUsage']>[number][] = [];
  for (const [group, kinds] of Object.entries(PAIR_LIMITED_KINDS) as Array<[PairLimitGroup, readonly Kind[]]>) {
    const limit = limitOf(rules.fairPlay, group);
    const acts = originals.filter((a) => pairLimitGroup(a.kind) === group && a.counterpartId !== null);
    if (!limit || acts.length === 0) continue;
    const days = acts.map((a) => localDay(a.occurredAt, rules.timeZone)).sort();
    const from = periodStart(limit.per, days[0]!);
    const to = addDays(shiftPeriod(limit.per, periodStart(limit.per, days.at(-1)!), 1), -1);
    const pairs = new Set(acts.map((a) => `${a.memberId}|${a.counterpartId}`));
    const counts = new Map<string, number>();
    for (const p of await pairPayments(db, kinds, uniq(acts.map((a) => a.memberId)), from, to)) {
      if (!pairs.has(`${p.memberId}|${p.counterpartId}`)) continue;
      const key = `${p.memberId}|${p.counterpartId}|${periodStart(limit.per, p.day)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, count] of counts) {
      const [memberId, counterpartId, window] = key.split('|');
      pairUsage.push({ group, memberId: Number(memberId), counterpartId: Number(counterpartId), window: window!, count });
    }
  }
  const endorsing = originals.filter((a) => ENDORSING_KINDS.has(a.kind) && a.counterpartId !== null && a.counterpartId !== a.memberId);
  const answers = originals.filter((a) => a.kind === 'answer_posted' && a.subjectRef !== null);
  const parents = uniq(endorsing.flatMap((a) => (a.subjectRef === null ? parentSources(a.sourceRef) : [])));
  const answerSources = parents.length ? await answersBySource(db, parents, batch[0]!.id) : [];
  // The questions the batch's endorsements can be about: the ones they name, or their answers'.
  const about = uniq([...endorsing.flatMap((a) => (a.subjectRef === null ? [] : [a.subjectRef])), ...answerSources.map((a) => a.subjectRef)]);
  const waiting = about.length ? await pendingAnswers(db, uniq(endorsing.map((a) => a.memberId)), about) : [];
  const endorsed = answers.length ? await endorsedHelp(db, uniq(answers.map((a) => a.memberId)), uniq(answers.map((a) => a.subjectRef!))) : [];
  return { pairUsage, pendingAnswers: waiting, endorsed, answerSources };
}

const sameJourney = (a: readonly StageTransition[], b: readonly StageTransition[]): boolean =>
  a.length === b.length && a.every((t, i) => t.stage === b[i]!.stage && t.at === b[i]!.at);

/**
 * Rebuild the stage journeys of members as of `asOf`; returns the transitions that are new.
 * A journey resumes from the earliest point that can have changed — the batch's earliest touch,
 * or the last evaluation (so no monthly review is skipped) — and reads facts from a bounded
 * window before it. With `touches`, members whose journey the batch cannot change are skipped;
 * without, every listed member is reviewed (monthly demotions).
 */
export async function refreshStages(
  db: Tx,
  memberIds: readonly number[],
  stageRules: StageRules,
  timeZone: string,
  asOf: number,
  touches?: ReadonlyMap<number, StageTouch[]>,
): Promise<StageRefresh> {
  if (memberIds.length === 0) return { changes: [], moves: [] };
  const current = await transitionsOf(db, memberIds);
  const due = touches ? memberIds.filter((id) => mayChangeJourney(touches.get(id) ?? [], current.get(id) ?? [])) : memberIds;
  if (due.length === 0) return { changes: [], moves: [] };
  const evaluated = await evaluatedAt(db, due);
  const requests: StageFactsRequest[] = due.map((memberId) => {
    const journey = current.get(memberId) ?? [];
    const earliestTouch = Math.min(...(touches?.get(memberId) ?? []).map((t) => t.at));
    const last = evaluated.get(memberId) ?? null;
    const from = journey.length === 0 || last === null ? -Infinity : Math.min(earliestTouch, last);
    return { memberId, from, windowStart: from === -Infinity ? null : productionWindowStart(from, timeZone, stageRules) };
  });
  const facts = await stageFacts(db, requests, stageRules.advocateReach);
  const changed: Array<{ memberId: number; timeline: StageTransition[] }> = [];
  const news: StageChange[] = [];
  const moves: StageMove[] = [];
  for (const { memberId, from } of requests) {
    const memberFacts = facts.get(memberId);
    const before = current.get(memberId) ?? [];
    const timeline = memberFacts
      ? stageTimeline(memberFacts, asOf, timeZone, stageRules, { from, before: before.filter((t) => t.at < from) })
      : [];
    if (sameJourney(before, timeline)) continue;
    changed.push({ memberId, timeline });
    const seen = new Set(before.map((t) => `${t.stage}@${t.at}`));
    for (const t of timeline) if (!seen.has(`${t.stage}@${t.at}`)) news.push({ memberId, ...t });
    const was = before.at(-1)?.stage ?? null;
    const now = timeline.at(-1)?.stage ?? null;
    if (was !== now) moves.push({ memberId, from: was, to: now });
  }
  await saveJourneys(db, changed, due, asOf);
  return { changes: news, moves };
}

/**
 * What the batch did to each member's ladder inputs, dated at the earliest fact it can have
 * changed: a production changes its whole local day (the day keeps the time of its first
 * production, even one reversed since), a help changes the pair's stored first-help time.
 */
function touchesOf(awards: readonly AwardRow[], helpedFirsts: ReadonlyArray<{ memberId: number; firstAt: number }>, timeZone: string): Map<number, StageTouch[]> {
  const touches = new Map<number, StageTouch[]>();
  const add = (memberId: number, touch: StageTouch) => {
    const list = touches.get(memberId) ?? [];
    list.push(touch);
    touches.set(memberId, list);
  };
  for (const a of awards) {
    const production = a.production || helpedMember(a) !== null;
    add(a.memberId, { at: production ? Math.min(a.occurredAt, startOfDayInstant(a.day, timeZone)) : a.occurredAt, participation: a.participation, production });
  }
  for (const h of helpedFirsts) add(h.memberId, { at: h.firstAt, participation: false, production: true });
  return touches;
}

/**
 * Decide and record everything that follows from `batch` (ledger rows in arrival order, contiguous
 * ids). A `replay` (recompute) records awards and member facts only, and leaves scores, stage
 * journeys and badges to its end, where each is built once from the whole rebuilt history:
 * nothing in the pipeline reads them back, and badges are judged on whole histories anyway.
 */
export async function applyLedgerBatch(
  db: Tx,
  batch: readonly LedgerActivity[],
  config: PipelineRules,
  asOf: number,
  { replay }: { replay: boolean } = { replay: false },
): Promise<BatchResult> {
  if (batch.length === 0) return { awards: [], changes: [], moves: [], badgeGrants: [] };
  const facts = await loadRuleFacts(db, batch, config.rules);
  const awards = decideAwards(batch, facts, config.rules);
  const before = replay ? 0 : await lastAwardId(db);
  await insertAwards(db, awards);
  await ensureCalendarDays(db, awards.map((a) => a.day));
  if (!replay) await rollUpScores(db, before);
  const days = memberDayDeltas(awards);
  await applyMemberDays(db, days);
  await advanceFirsts(db, days);
  const helpedFirsts = await applyHelped(db, helpedDeltas(awards));
  if (replay) return { awards, changes: [], moves: [], badgeGrants: [] };
  const touches = touchesOf(awards, helpedFirsts, config.rules.timeZone);
  const stages = await refreshStages(db, [...touches.keys()], config.stages, config.rules.timeZone, asOf, touches);
  const touched = uniq([...awards.map((a) => a.memberId), ...stages.moves.map((m) => m.memberId)]);
  const since = awards.reduce((min, a) => (a.day < min ? a.day : min), awards[0]?.day ?? localDay(asOf, config.rules.timeZone));
  // Only members the batch can have taken something from can lose a badge they hold.
  const mayLose = new Set([...awards.filter((a) => a.points < 0 || a.cancelsActivityId !== null).map((a) => a.memberId), ...stages.moves.map((m) => m.memberId)]);
  const badgeGrants = await awardBadges(db, config.badges, touched, asOf, since, mayLose);
  return { awards, ...stages, badgeGrants };
}
