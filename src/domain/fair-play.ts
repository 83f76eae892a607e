/**
 * Fair play (DESIGN.md, "Nobody can buy a place"): what one member can pay another is limited per
 * pair and window, an answer earns once someone else has endorsed it, and managers are shown the
 * members the rules cannot decide. The numbers are configuration; README "Fair play" argues the
 * defaults.
 */
import type { Kind } from './kinds.js';

/** At most `count` per pair of members in each calendar `per` (community time zone). */
export interface PairLimit {
  count: number;
  per: 'day' | 'week' | 'month';
}

export interface FairPlayRules {
  /** Likes, reactions and thanks one member can pay one other member; null: no limit. */
  endorsementsPerPair: PairLimit | null;
  /** Accepted answers one asker can pay one answerer; null: no limit. */
  acceptedPerPair: PairLimit | null;
  /** Posting an answer earns only once someone else endorsed the answerer's help in that question. */
  answersNeedEndorsement: boolean;
  /** The managers' queue: members with at least this many points… */
  reviewFromPoints: number;
  /** …who got at least this share of what others paid them from their top two counterparts… */
  concentratedShare: number;
  /** …or at least this share from accounts first seen less than `newAccountDays` before paying and of the member. */
  newAccountShare: number;
  newAccountDays: number;
  /**
   * …and only when what those counterparts (or new accounts) paid reaches this many points: one
   * like from the only person who ever liked a member is 100% concentrated and means nothing.
   */
  reviewFromPaid: number;
}

export const DEFAULT_FAIR_PLAY: FairPlayRules = {
  endorsementsPerPair: { count: 5, per: 'week' },
  acceptedPerPair: { count: 3, per: 'month' },
  answersNeedEndorsement: true,
  reviewFromPoints: 20,
  concentratedShare: 0.6,
  newAccountShare: 0.5,
  newAccountDays: 7,
  reviewFromPaid: 20,
};

/** Kinds that pay their actor for what someone else (the counterpart) did: liked, thanked, accepted. */
export const ENDORSING_KINDS: ReadonlySet<Kind> = new Set<Kind>(['reaction_received', 'thanks_received', 'answer_accepted']);

export type PairLimitGroup = 'endorsements' | 'accepted';

/** The kinds each pair limit counts. */
export const PAIR_LIMITED_KINDS: Readonly<Record<PairLimitGroup, readonly Kind[]>> = {
  endorsements: ['reaction_received', 'thanks_received'],
  accepted: ['answer_accepted'],
};

/** Which pair limit an activity of `kind` counts against, if any. */
export function pairLimitGroup(kind: Kind): PairLimitGroup | null {
  if (kind === 'reaction_received' || kind === 'thanks_received') return 'endorsements';
  if (kind === 'answer_accepted') return 'accepted';
  return null;
}

export const limitOf = (rules: FairPlayRules, group: PairLimitGroup): PairLimit | null =>
  group === 'endorsements' ? rules.endorsementsPerPair : rules.acceptedPerPair;

/**
 * Sources an endorsement's own source may be recorded under: every prefix ending before a ':'
 * (`discourse:post:7:liked_by:3` → `discourse:post:7`, …). A like or an acceptance is recorded
 * under the post it is about, so one of these is the answer it endorses.
 */
export function parentSources(source: string): string[] {
  const out: string[] = [];
  for (let i = source.indexOf(':'); i > 0; i = source.indexOf(':', i + 1)) out.push(source.slice(0, i));
  return out;
}
