/**
 * The award rules of DESIGN.md ("Rules that keep points fair"), as one pure function over a batch.
 *
 * Activities are decided in ledger order (arrival order), each against the state left by the
 * ones before it. Incremental ingestion and `recompute` both replay the ledger in that order
 * through this function, so they agree exactly — even when timestamps arrive out of order.
 */
import type { AwardReason, AwardRow, LedgerActivity } from './activity.js';
import {
  HELPING_KINDS,
  PARTICIPATING_CONSUMER_KINDS,
  REVERSAL,
  SELF_SENSITIVE,
  type Kind,
  type KindRule,
} from './kinds.js';
import { ENDORSING_KINDS, limitOf, pairLimitGroup, parentSources, type FairPlayRules } from './fair-play.js';
import { localDay, periodStart } from './periods.js';

export interface Rules {
  kinds: Record<Kind, KindRule>;
  dailyCap: number;
  messageCooldownMs: number;
  pairCooldownMs: number;
  timeZone: string;
  fairPlay: FairPlayRules;
}

/** A live (not yet cancelled) award that a reversal in the batch may cancel. */
export type LiveAward = Omit<AwardRow, 'cancelsActivityId'>;

/** What the rules need to know about history outside the batch. Loaded by the app layer. */
export interface RuleFacts {
  /** Earning `message_posted` awards near the batch's times. */
  messages: ReadonlyArray<{ memberId: number; at: number }>;
  /** Earning thanks awards near the batch's times. */
  thanks: ReadonlyArray<{ kind: Kind; memberId: number; counterpartId: number; at: number }>;
  /** Capped points already earned per member and local day. */
  dayUsage: ReadonlyArray<{ memberId: number; day: string; points: number }>;
  /** Members whose first answer to a question still counts. */
  liveAnswers: ReadonlyArray<{ memberId: number; subjectRef: string }>;
  /** Live awards of the sources the batch reverses. */
  targets: ReadonlyArray<LiveAward>;
  /** Sources an earlier reversal already cancelled (an original arriving after its deletion). */
  reversedSources: ReadonlyArray<string>;
  /** Members flagged as bots. */
  bots: ReadonlySet<number>;
  /** Endorsements already counted per pair (receiver, giver), limit group and window start. */
  pairUsage?: ReadonlyArray<{ group: string; memberId: number; counterpartId: number; window: string; count: number }>;
  /** Counted answers still waiting for an endorsement (their standing `unendorsed` award). */
  pendingAnswers?: readonly LiveAward[];
  /** Members whose help in a question someone else already endorsed. */
  endorsed?: ReadonlyArray<{ memberId: number; subjectRef: string }>;
  /** Answers recorded earlier, by source: what a like or an acceptance under them endorses. */
  answerSources?: ReadonlyArray<{ sourceRef: string; memberId: number; subjectRef: string }>;
}

/** Reasons under which an answer is a member's counted answer to its question. */
const COUNTED_ANSWER: ReadonlySet<AwardReason> = new Set<AwardReason>(['awarded', 'daily_cap', 'unendorsed']);
/** Reasons under which an activity earned (or would have, but for the daily cap). */
const EARNED: ReadonlySet<AwardReason> = new Set<AwardReason>(['awarded', 'daily_cap']);

const pairKey = (kind: string, a: number, b: number): string => (a < b ? `${kind}:${a}:${b}` : `${kind}:${b}:${a}`);

function within(times: number[] | undefined, at: number, window: number): boolean {
  if (!times) return false;
  for (const t of times) if (Math.abs(t - at) < window) return true;
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Mutable view of history while a batch is decided; every decision updates it. */
class RuleState {
  readonly messages = new Map<number, number[]>();
  readonly thanks = new Map<string, number[]>();
  readonly usage = new Map<string, number>();
  readonly answers = new Set<string>();
  readonly targets = new Map<string, LiveAward[]>();
  readonly reversed: Set<string>;
  readonly pairs = new Map<string, number>();
  readonly pending = new Map<string, LiveAward>();
  readonly endorsed = new Set<string>();
  readonly answerSources = new Map<string, { memberId: number; subjectRef: string }>();

  constructor(facts: RuleFacts) {
    for (const u of facts.pairUsage ?? []) this.pairs.set(`${u.group}|${u.memberId}|${u.counterpartId}|${u.window}`, u.count);
    for (const a of facts.pendingAnswers ?? []) this.pending.set(`${a.memberId}|${a.subjectRef}`, a);
    for (const e of facts.endorsed ?? []) this.endorsed.add(`${e.memberId}|${e.subjectRef}`);
    for (const a of facts.answerSources ?? []) this.answerSources.set(a.sourceRef, { memberId: a.memberId, subjectRef: a.subjectRef });
    for (const m of facts.messages) push(this.messages, m.memberId, m.at);
    for (const t of facts.thanks) push(this.thanks, pairKey(t.kind, t.memberId, t.counterpartId), t.at);
    for (const u of facts.dayUsage) this.usage.set(`${u.memberId}|${u.day}`, u.points);
    for (const a of facts.liveAnswers) this.answers.add(`${a.memberId}|${a.subjectRef}`);
    for (const t of facts.targets) push(this.targets, t.sourceRef, t);
    this.reversed = new Set(facts.reversedSources);
  }

  addUsage(memberId: number, day: string, points: number): void {
    const key = `${memberId}|${day}`;
    this.usage.set(key, (this.usage.get(key) ?? 0) + points);
  }
}

/** An earning thanks award decided elsewhere, with the ledger id of its activity. */
export interface EarnedThanks {
  activityId: number;
  kind: Kind;
  memberId: number;
  counterpartId: number;
  at: number;
}

/**
 * Decide the awards of a batch of new ledger rows, in order. `alongside` (ascending ledger ids):
 * other members' earning thanks that share pairs with the batch's members, each counted from its
 * place in the ledger on — when some members' histories are decided again without the rest.
 */
export function decideAwards(batch: readonly LedgerActivity[], facts: RuleFacts, rules: Rules, alongside: readonly EarnedThanks[] = []): AwardRow[] {
  const state = new RuleState(facts);
  const rows: AwardRow[] = [];
  let next = 0;
  for (const activity of batch) {
    for (; next < alongside.length && alongside[next]!.activityId < activity.id; next++) {
      const t = alongside[next]!;
      push(state.thanks, pairKey(t.kind, t.memberId, t.counterpartId), t.at);
    }
    if (activity.kind === REVERSAL) rows.push(...reverse(activity, state));
    else rows.push(...decide(activity, activity.kind, state, facts.bots, rules));
  }
  return rows;
}

function reverse(activity: LedgerActivity, state: RuleState): AwardRow[] {
  const source = activity.reverses ?? '';
  state.reversed.add(source);
  const targets = state.targets.get(source) ?? [];
  state.targets.delete(source);
  return targets.map((target) => {
    if (target.capped) state.addUsage(target.memberId, target.day, -target.points);
    // Only the answer that counted reopens the question; reversing a repeat changes nothing.
    if (target.kind === 'answer_posted' && target.subjectRef && COUNTED_ANSWER.has(target.reason))
      state.answers.delete(`${target.memberId}|${target.subjectRef}`);
    if (target.reason === 'unendorsed' && state.pending.get(`${target.memberId}|${target.subjectRef}`)?.activityId === target.activityId)
      state.pending.delete(`${target.memberId}|${target.subjectRef}`);
    // Dated like the original, so the periods it counted in are the ones corrected.
    return { ...target, activityId: activity.id, points: 0 - target.points || 0, reason: 'reversal', cancelsActivityId: target.activityId };
  });
}

/** The capped points `points` can still earn on `memberId`'s `day`. */
function underCap(state: RuleState, rules: Rules, memberId: number, day: string, points: number): number {
  return Math.min(points, Math.max(0, rules.dailyCap - (state.usage.get(`${memberId}|${day}`) ?? 0)));
}

function decide(activity: LedgerActivity, kind: Kind, state: RuleState, bots: ReadonlySet<number>, rules: Rules): AwardRow[] {
  const rule = rules.kinds[kind];
  const memberId = activity.memberId;
  const counterpartId = activity.counterpartId;
  const at = activity.occurredAt;
  const day = localDay(at, rules.timeZone);
  const isSelf = counterpartId !== null && counterpartId === memberId && SELF_SENSITIVE.has(kind);
  const base = kind === 'manual_award' ? (activity.points ?? 0) : rule.points;

  let reason: AwardReason = 'awarded';
  let points = base;
  if (state.reversed.has(activity.sourceRef)) reason = 'reversed';
  else if (bots.has(memberId)) reason = 'bot';
  else if (isSelf) reason = 'self_award';
  else if (base === 0) reason = 'no_points';
  else if (kind === 'answer_posted' && activity.subjectRef && state.answers.has(`${memberId}|${activity.subjectRef}`))
    reason = 'repeat_answer';
  else if (kind === 'message_posted' && within(state.messages.get(memberId), at, rules.messageCooldownMs))
    reason = 'message_cooldown';
  else if (
    (kind === 'thanks_given' || kind === 'thanks_received') &&
    counterpartId !== null &&
    within(state.thanks.get(pairKey(kind, memberId, counterpartId)), at, rules.pairCooldownMs)
  )
    reason = 'pair_cooldown';
  // What one member can pay another is limited per pair and window (serial liking, an alt account).
  const group = pairLimitGroup(kind);
  const limit = group ? limitOf(rules.fairPlay, group) : null;
  const pairWindow = group && limit && counterpartId !== null ? `${group}|${memberId}|${counterpartId}|${periodStart(limit.per, day)}` : null;
  if (reason === 'awarded' && pairWindow && limit && (state.pairs.get(pairWindow) ?? 0) >= limit.count) reason = 'pair_limit';
  // An answer earns once someone else endorsed the answerer's help in that question.
  const waits =
    reason === 'awarded' && kind === 'answer_posted' && rules.fairPlay.answersNeedEndorsement && activity.subjectRef !== null && !state.endorsed.has(`${memberId}|${activity.subjectRef}`);
  if (waits) reason = 'unendorsed';
  if (reason !== 'awarded') points = 0;

  const capped = rule.capped && kind !== 'manual_award';
  if (reason === 'awarded' && capped && points > 0) {
    const remaining = Math.max(0, rules.dailyCap - (state.usage.get(`${memberId}|${day}`) ?? 0));
    if (remaining < points) {
      points = remaining;
      reason = 'daily_cap';
    }
  }

  const counts = reason !== 'reversed' && reason !== 'bot';
  // A like endorses help but is none itself; limited and unendorsed activity is nobody's help yet.
  const production =
    counts &&
    rule.role === 'producer' &&
    reason !== 'self_award' &&
    reason !== 'pair_limit' &&
    reason !== 'unendorsed' &&
    !(reason === 'repeat_answer' && rules.fairPlay.answersNeedEndorsement) &&
    kind !== 'reaction_received' &&
    counterpartId !== memberId;
  const participation = counts && (rule.role !== 'consumer' || PARTICIPATING_CONSUMER_KINDS.has(kind));

  if (points > 0 && kind === 'message_posted') push(state.messages, memberId, at);
  if (points > 0 && counterpartId !== null && (kind === 'thanks_given' || kind === 'thanks_received'))
    push(state.thanks, pairKey(kind, memberId, counterpartId), at);
  if (kind === 'answer_posted' && activity.subjectRef && COUNTED_ANSWER.has(reason))
    state.answers.add(`${memberId}|${activity.subjectRef}`);
  if (capped && points !== 0) state.addUsage(memberId, day, points);
  if (pairWindow && EARNED.has(reason)) state.pairs.set(pairWindow, (state.pairs.get(pairWindow) ?? 0) + 1);
  if (kind === 'answer_posted' && activity.subjectRef) {
    state.answerSources.set(activity.sourceRef, { memberId, subjectRef: activity.subjectRef });
    if (EARNED.has(reason)) state.endorsed.add(`${memberId}|${activity.subjectRef}`);
  }

  const row: AwardRow = {
    activityId: activity.id,
    memberId,
    counterpartId,
    kind,
    platform: activity.platform,
    space: kind === 'manual_award' && activity.space ? activity.space : rule.space,
    role: rule.role,
    points,
    reason,
    capped,
    occurredAt: at,
    day,
    cancelsActivityId: null,
    sourceRef: activity.sourceRef,
    subjectRef: activity.subjectRef,
    production,
    participation,
  };
  if (reason !== 'reversed') push(state.targets, activity.sourceRef, row);
  if (waits) state.pending.set(`${memberId}|${activity.subjectRef}`, row);
  const release = EARNED.has(reason) && ENDORSING_KINDS.has(kind) && counterpartId !== null && counterpartId !== memberId ? endorse(activity, day, state, rules) : null;
  return release ? [row, release] : [row];
}

/**
 * `activity` (a like, thanks or acceptance its actor received from someone else) endorses its
 * actor's help in a question: the question it names, or the one of the answer it is recorded
 * under. The answer waiting there is paid now, dated at the endorsement, as a second award row of
 * the answer's activity — so deleting the answer takes it back with everything else it earned.
 */
function endorse(activity: LedgerActivity, day: string, state: RuleState, rules: Rules): AwardRow | null {
  const memberId = activity.memberId;
  let subject = activity.subjectRef;
  if (subject !== null) state.endorsed.add(`${memberId}|${subject}`);
  else
    for (const parent of parentSources(activity.sourceRef)) {
      const answer = state.answerSources.get(parent);
      if (answer?.memberId === memberId) subject = answer.subjectRef;
    }
  if (subject === null) return null;
  const key = `${memberId}|${subject}`;
  const waiting = state.pending.get(key);
  if (!waiting) return null;
  state.pending.delete(key);
  state.endorsed.add(key);
  const base = rules.kinds.answer_posted.points;
  const points = waiting.capped ? underCap(state, rules, memberId, day, base) : base;
  if (waiting.capped && points !== 0) state.addUsage(memberId, day, points);
  const row: AwardRow = {
    ...waiting,
    points,
    reason: points < base ? 'daily_cap' : 'awarded',
    occurredAt: activity.occurredAt,
    day,
    cancelsActivityId: null,
    production: true,
    release: true,
  };
  push(state.targets, waiting.sourceRef, row);
  return row;
}

/** Whether an award helped a specific other member (counts toward reach). */
export const helpedMember = (row: AwardRow): number | null =>
  row.production && row.counterpartId !== null && HELPING_KINDS.has(row.kind) ? row.counterpartId : null;
