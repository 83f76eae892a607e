/**
 * Badges: what kind of help a member gives, where points say how much. A badge is declared in the
 * catalog (configuration) with one criterion; this module decides, from a member's facts, every
 * instance of a badge they qualify for and *when* they first qualified — the same answer whether
 * the facts arrive one batch at a time or all at once in `recompute`.
 */
import type { Kind, Platform, Space } from './kinds.js';
import { nextDay } from './periods.js';
import type { Stage, StageTransition } from './stages.js';

export const TIERS = ['bronze', 'silver', 'gold'] as const;
export type Tier = (typeof TIERS)[number];

export const TOP_PERIODS = ['week', 'month', 'quarter', 'year'] as const;
export type TopPeriod = (typeof TOP_PERIODS)[number];

export type Criterion =
  /** At least `atLeast` counted activities of a kind (in a space / on a platform / within a sliding window). */
  | { type: 'count'; kind: Kind; atLeast: number; space?: Space | undefined; platform?: Platform | undefined; withinDays?: number | undefined }
  /** A points total, all time (optionally in one space). */
  | { type: 'points'; atLeast: number; space?: Space | undefined }
  /** Active on `days` consecutive local days. */
  | { type: 'streak'; days: number }
  /** Helped `members` distinct members (answered, had an answer accepted by, or was thanked by). */
  | { type: 'helped'; members: number }
  /** Reached a stage; with `from`, only straight from one of those stages (e.g. from asking to answering). */
  | { type: 'stage'; reach: Stage; from?: Stage[] | undefined }
  /** Finished a period in the top `rank` of its leaderboard; granted when the period closes, once per period. */
  | { type: 'top'; period: TopPeriod; rank: number; space?: Space | undefined }
  /** Granted by a manager. */
  | { type: 'manual' };

export interface Badge {
  id: string;
  name: string;
  description: string;
  tier: Tier;
  icon: string;
  /** Earned again each time the criterion is met again (every `atLeast` more, every period). */
  repeatable: boolean;
  /** Taken back when the reason disappears (e.g. an accepted answer is unaccepted). */
  revocable: boolean;
  criterion: Criterion;
  /** The Discourse badge it is granted as on the forum: its id there, or 'sync' to have `flywheel discourse sync-badges` create it. */
  discourse: number | 'sync' | null;
}

/** One earned instance of a badge: `instance` tells repeated awards apart ('' for a single award). */
export interface Qualification {
  instance: string;
  at: number;
  activityId: number | null;
}

/** A counted activity: a live award that earned (not a repeat, self-award, or cancelled one). */
export interface CountedAward {
  kind: Kind;
  space: Space;
  platform: Platform;
  at: number;
  activityId: number;
}

export interface BadgeFacts {
  /** Counted awards of the catalog's kinds, oldest first. */
  counted: readonly CountedAward[];
  /** Every live award's points, oldest first (for points totals). */
  points: ReadonlyArray<{ space: Space; at: number; points: number; activityId: number }>;
  /** Local days with activity, ascending, with the first activity's instant. */
  activeDays: ReadonlyArray<{ day: string; at: number }>;
  /** When each distinct helped member was first helped, ascending. */
  helpedAt: readonly number[];
  journey: readonly StageTransition[];
  /** Periods the member finished in, for top badges: rank among listed members, and when the period closed. */
  finishes: ReadonlyArray<{ period: TopPeriod; start: string; space: Space | null; rank: number; closedAt: number }>;
}

const nth = <T>(list: readonly T[], n: number): T | undefined => (n >= 1 ? list[n - 1] : undefined);

/** Every instance of `badge` a member with `facts` qualifies for (manual badges: none; they are granted). */
export function qualifications(badge: Badge, facts: BadgeFacts): Qualification[] {
  const c = badge.criterion;
  switch (c.type) {
    case 'count': {
      const list = facts.counted.filter((a) => a.kind === c.kind && (!c.space || a.space === c.space) && (!c.platform || a.platform === c.platform));
      if (c.withinDays) return windowed(list, c.atLeast, c.withinDays * 86_400_000, badge.repeatable);
      return thresholds(list.length, c.atLeast, badge.repeatable).map((k) => {
        const hit = list[k * c.atLeast - 1]!;
        return { instance: badge.repeatable ? String(k) : '', at: hit.at, activityId: hit.activityId };
      });
    }
    case 'points': {
      let total = 0;
      const out: Qualification[] = [];
      let next = 1;
      for (const p of facts.points) {
        if (c.space && p.space !== c.space) continue;
        total += p.points;
        while (total >= next * c.atLeast && (badge.repeatable || next === 1)) {
          out.push({ instance: badge.repeatable ? String(next) : '', at: p.at, activityId: p.activityId });
          next++;
        }
        if (!badge.repeatable && out.length > 0) break;
      }
      return out;
    }
    case 'streak': {
      const out: Qualification[] = [];
      let run = 0;
      let previous = '';
      for (const d of facts.activeDays) {
        run = previous && nextDay(previous) === d.day ? run + 1 : 1;
        previous = d.day;
        // A repeatable streak badge is earned again by each new run that reaches the length.
        if (run === c.days) {
          out.push({ instance: badge.repeatable ? d.day : '', at: d.at, activityId: null });
          if (!badge.repeatable) break;
        }
      }
      return out;
    }
    case 'helped': {
      const at = nth(facts.helpedAt, c.members);
      return at === undefined ? [] : [{ instance: '', at, activityId: null }];
    }
    case 'stage': {
      const journey = facts.journey;
      for (let i = 0; i < journey.length; i++) {
        const t = journey[i]!;
        if (t.stage !== c.reach) continue;
        const before = journey[i - 1]?.stage;
        if (c.from && (!before || !c.from.includes(before))) continue;
        return [{ instance: '', at: t.at, activityId: null }];
      }
      return [];
    }
    case 'top':
      return facts.finishes
        .filter((f) => f.period === c.period && (f.space ?? undefined) === c.space && f.rank <= c.rank)
        .map((f) => ({ instance: f.start, at: f.closedAt, activityId: null }))
        .slice(0, badge.repeatable ? undefined : 1);
    case 'manual':
      return [];
  }
}

function thresholds(count: number, atLeast: number, repeatable: boolean): number[] {
  const times = Math.floor(count / atLeast);
  if (times === 0) return [];
  return repeatable ? Array.from({ length: times }, (_, i) => i + 1) : [1];
}

/** The first moments `atLeast` counted awards fall inside a sliding window (each award used once when repeatable). */
function windowed(list: readonly CountedAward[], atLeast: number, windowMs: number, repeatable: boolean): Qualification[] {
  const out: Qualification[] = [];
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    while (list[i]!.at - list[start]!.at >= windowMs) start++;
    if (i - start + 1 >= atLeast) {
      out.push({ instance: repeatable ? String(out.length + 1) : '', at: list[i]!.at, activityId: list[i]!.activityId });
      if (!repeatable) break;
      start = i + 1;
    }
  }
  return out;
}

export interface HeldAward {
  id: number;
  badgeId: string;
  instance: string;
  revoked: boolean;
}

export interface BadgeChanges {
  grant: Array<{ badgeId: string } & Qualification>;
  /** Held awards to revoke (revocable badges whose reason disappeared). */
  revoke: number[];
  /** Revoked awards whose reason is back. */
  restore: number[];
}

/** Compare what a member qualifies for with what they hold. Awards are never re-dated. */
export function badgeChanges(badge: Badge, qualified: readonly Qualification[], held: readonly HeldAward[]): BadgeChanges {
  const changes: BadgeChanges = { grant: [], revoke: [], restore: [] };
  const mine = new Map(held.filter((h) => h.badgeId === badge.id).map((h) => [h.instance, h]));
  const wanted = new Set(qualified.map((q) => q.instance));
  for (const q of qualified) {
    const h = mine.get(q.instance);
    if (!h) changes.grant.push({ badgeId: badge.id, ...q });
    else if (h.revoked) changes.restore.push(h.id);
  }
  if (badge.revocable && badge.criterion.type !== 'manual')
    for (const h of mine.values()) if (!h.revoked && !wanted.has(h.instance)) changes.revoke.push(h.id);
  return changes;
}
