/**
 * The consumer → producer ladder (DESIGN.md). A member's stage history is a pure function of
 * when they first showed up, took part, produced for others and helped distinct members:
 * promotion happens at the activity that earns it, demotion only at a monthly review (the first
 * day of each calendar month), so one quiet week never costs a member their stage.
 */
import { addMonths, localDay, monthIndex, startOfDayInstant } from './periods.js';

export const STAGES = ['observer', 'participant', 'contributor', 'advocate'] as const;
export type Stage = (typeof STAGES)[number];
export const isStage = (value: string): value is Stage => (STAGES as readonly string[]).includes(value);

export interface StageRules {
  /** Production for someone else within this many days keeps a member a contributor. */
  contributorWindowDays: number;
  /** Advocates produced in at least this many of the last `advocateMonthWindow` calendar months… */
  advocateActiveMonths: number;
  advocateMonthWindow: number;
  /** …and have helped at least this many distinct members. */
  advocateReach: number;
}

export const DEFAULT_STAGE_RULES: StageRules = {
  contributorWindowDays: 90,
  advocateActiveMonths: 3,
  advocateMonthWindow: 6,
  advocateReach: 5,
};

export interface StageFacts {
  firstSeenAt: number;
  /** First activity that took part beyond consuming, if any. */
  firstParticipationAt: number | null;
  /**
   * First production for someone else on each day that still has one standing — at least every
   * such day from seven calendar months before the point the timeline resumes from.
   */
  productions: ReadonlyArray<{ day: string; at: number }>;
  /**
   * Distinct members helped before the resume point… (only compared with `advocateReach`, so a
   * count at or over it may stand for any larger one, with no `helpedAt` after it)
   */
  reachBefore: number;
  /** …and when each one helped since was first helped. */
  helpedAt: readonly number[];
  /** Champion terms (an active champion is an advocate). */
  championTerms: ReadonlyArray<{ from: number; to: number }>;
}

/** Where a timeline picks up: the journey before `from` is kept as it is. */
export interface Resume {
  from: number;
  before: readonly StageTransition[];
}

/** The first day of the oldest month a timeline resumed at `from` needs productions for. */
export function productionWindowStart(from: number, timeZone: string, rules: StageRules): string {
  return addMonths(localDay(from, timeZone), -(rules.advocateMonthWindow + Math.ceil(rules.contributorWindowDays / 28)));
}

export interface StageTransition {
  stage: Stage;
  at: number;
}

const rank = (stage: Stage): number => STAGES.indexOf(stage);

export function stageTimeline(
  facts: StageFacts,
  asOf: number,
  timeZone: string,
  rules: StageRules,
  resume: Resume = { from: -Infinity, before: [] },
): StageTransition[] {
  const firstSeen = facts.firstSeenAt;
  const firstParticipation = facts.firstParticipationAt ?? Infinity;
  const productions = facts.productions.map((p) => ({ at: p.at, month: monthIndex(p.day) })).sort((a, b) => a.at - b.at);
  const helped = [...facts.helpedAt].sort((a, b) => a - b);
  const windowMs = rules.contributorWindowDays * 86_400_000;

  // Evaluation points: every event may promote; every month start may also demote.
  const from = resume.from;
  const points: Array<{ at: number; review: boolean }> = [];
  const event = (at: number) => at >= from && points.push({ at, review: false });
  event(firstSeen);
  if (firstParticipation !== Infinity) event(firstParticipation);
  for (const p of productions) event(p.at);
  for (const h of helped) event(h);
  for (const term of facts.championTerms) event(term.from);
  for (let month = addMonths(localDay(firstSeen, timeZone), 1); ; month = addMonths(month, 1)) {
    const at = startOfDayInstant(month, timeZone);
    if (at > asOf) break;
    if (at >= from) points.push({ at, review: true });
  }
  points.sort((a, b) => a.at - b.at || Number(a.review) - Number(b.review));

  const producedMonths = new Map<number, number>();
  let produced = 0; // productions at or before the current point
  let reached = 0; // helped since the resume point, at or before the current point
  const timeline: StageTransition[] = [...resume.before];
  let current: Stage | null = timeline.at(-1)?.stage ?? null;

  for (const point of points) {
    const t = point.at;
    while (produced < productions.length && productions[produced]!.at <= t) {
      const month = productions[produced]!.month;
      producedMonths.set(month, (producedMonths.get(month) ?? 0) + 1);
      produced++;
    }
    while (reached < helped.length && helped[reached]! <= t) reached++;
    const reach = facts.reachBefore + reached;

    let stage: Stage = 'observer';
    const lastProduction = produced > 0 ? productions[produced - 1]!.at : -Infinity;
    const thisMonth = monthIndex(localDay(t, timeZone));
    let activeMonths = 0;
    for (let m = thisMonth - rules.advocateMonthWindow + 1; m <= thisMonth; m++) if (producedMonths.has(m)) activeMonths++;
    if (facts.championTerms.some((term) => term.from <= t && t < term.to)) stage = 'advocate';
    else if (activeMonths >= rules.advocateActiveMonths && reach >= rules.advocateReach) stage = 'advocate';
    else if (lastProduction > t - windowMs) stage = 'contributor';
    else if (firstParticipation <= t) stage = 'participant';

    const changes = current === null || (point.review ? stage !== current : rank(stage) > rank(current));
    if (changes) {
      timeline.push({ stage, at: t });
      current = stage;
    }
  }
  return timeline;
}

/** What a batch did for one member, as far as the ladder cares. */
export interface StageTouch {
  at: number;
  participation: boolean;
  /** Production, help given, or a reversal of either: the ladder's inputs changed. */
  production: boolean;
}

/**
 * Whether a batch can change a member's journey. Most activity by established members cannot
 * (another chat message from a participant), and skipping them keeps the pipeline off their
 * history. Monthly reviews are applied by the periodic stage review instead.
 */
export function mayChangeJourney(touches: readonly StageTouch[], journey: readonly StageTransition[]): boolean {
  if (journey.length === 0) return true;
  const firstSeen = journey[0]!.at;
  const tookPart = journey.find((t) => t.stage !== 'observer')?.at ?? Infinity;
  return touches.some((t) => t.production || t.at < firstSeen || (t.participation && t.at < tookPart));
}
