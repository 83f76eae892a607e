/**
 * The numbers community ops reports on (DESIGN.md, the ladder): pure functions over plain
 * histories, so each is tested on hand-built data with known answers. Months are 'YYYY-MM'.
 */
import { monthIndex } from './periods.js';
import { STAGES, type Stage } from './stages.js';

const DAY = 86_400_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const share = (part: number, whole: number): number | null => (whole ? part / whole : null);

// ---- the funnel --------------------------------------------------------------------------------

export interface FunnelStep {
  stage: Stage;
  members: number;
  share: number | null;
}

export function funnel(counts: Partial<Record<Stage, number>>): FunnelStep[] {
  const total = STAGES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  return STAGES.map((stage) => ({ stage, members: counts[stage] ?? 0, share: share(counts[stage] ?? 0, total) }));
}

/** Of the stage changes in a period, how many went up the ladder and how many down. */
export function movement(changes: ReadonlyArray<{ from: Stage | null; to: Stage }>): { up: number; down: number } {
  let up = 0;
  let down = 0;
  for (const c of changes) {
    const from = c.from ? STAGES.indexOf(c.from) : -1;
    if (STAGES.indexOf(c.to) > from) up++;
    else if (STAGES.indexOf(c.to) < from) down++;
  }
  return { up, down };
}

// ---- conversion by join cohort -----------------------------------------------------------------

export interface CohortMember {
  /** When the member was first seen, and the month that is (their cohort). */
  firstSeen: number;
  cohort: string;
  /** Their first production for someone else, if any. */
  firstProduction: number | null;
}

export interface Cohort {
  month: string;
  members: number;
  /** Share that produced for someone else within 30 / 90 days of first being seen; null while the cohort is younger than that. */
  within30: number | null;
  within90: number | null;
}

export function cohorts(members: readonly CohortMember[], now: number): Cohort[] {
  const byMonth = new Map<string, CohortMember[]>();
  for (const m of members) byMonth.set(m.cohort, [...(byMonth.get(m.cohort) ?? []), m]);
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, list]) => {
      const within = (days: number) => {
        // Only members who have had the whole window count: a young cohort is not judged early.
        const judged = list.filter((m) => m.firstSeen + days * DAY <= now);
        if (judged.length < list.length) return null;
        return share(judged.filter((m) => m.firstProduction !== null && m.firstProduction - m.firstSeen <= days * DAY).length, judged.length);
      };
      return { month, members: list.length, within30: within(30), within90: within(90) };
    });
}

/** Median days from first seen to first contribution, among members who contributed. */
export function medianDaysToContribution(members: readonly CohortMember[]): number | null {
  const days = members.filter((m) => m.firstProduction !== null).map((m) => (m.firstProduction! - m.firstSeen) / DAY);
  const value = median(days);
  return value === null ? null : Math.round(value * 10) / 10;
}

// ---- who produces: members or staff ------------------------------------------------------------

export interface ProducerMonth {
  month: string;
  answers: number;
  answersByMembers: number;
  accepted: number;
  acceptedByMembers: number;
  /** Shares of answers and accepted answers that came from members rather than staff. */
  answerShare: number | null;
  acceptedShare: number | null;
}

export function producerShare(rows: ReadonlyArray<{ month: string; kind: 'answer_posted' | 'answer_accepted'; staff: boolean; count: number }>): ProducerMonth[] {
  const months = new Map<string, ProducerMonth>();
  for (const r of rows) {
    const m = months.get(r.month) ?? { month: r.month, answers: 0, answersByMembers: 0, accepted: 0, acceptedByMembers: 0, answerShare: null, acceptedShare: null };
    if (r.kind === 'answer_posted') {
      m.answers += r.count;
      if (!r.staff) m.answersByMembers += r.count;
    } else {
      m.accepted += r.count;
      if (!r.staff) m.acceptedByMembers += r.count;
    }
    months.set(r.month, m);
  }
  return [...months.values()]
    .map((m) => ({ ...m, answerShare: share(m.answersByMembers, m.answers), acceptedShare: share(m.acceptedByMembers, m.accepted) }))
    .sort((a, b) => a.month.localeCompare(b.month));
}

// ---- concentration ----------------------------------------------------------------------------

export interface Concentration {
  answerers: number;
  answers: number;
  /** Shares of all answers given by the top 1% of answerers, the next 9%, and the rest (90-9-1). */
  top1: number | null;
  next9: number | null;
  rest: number | null;
  /** The fewest members who together gave half of all answers. */
  halfBy: number;
}

export function concentration(answersPerMember: readonly number[]): Concentration {
  const sorted = answersPerMember.filter((n) => n > 0).sort((a, b) => b - a);
  const total = sorted.reduce((a, b) => a + b, 0);
  const n = sorted.length;
  const top1Count = Math.max(1, Math.ceil(n * 0.01));
  const top10Count = Math.max(top1Count, Math.ceil(n * 0.1));
  const sum = (from: number, to: number) => sorted.slice(from, to).reduce((a, b) => a + b, 0);
  let halfBy = 0;
  for (let acc = 0; halfBy < n && acc * 2 < total; halfBy++) acc += sorted[halfBy]!;
  return {
    answerers: n,
    answers: total,
    top1: n ? share(sum(0, top1Count), total) : null,
    next9: n ? share(sum(top1Count, top10Count), total) : null,
    rest: n ? share(sum(top10Count, n), total) : null,
    halfBy,
  };
}

// ---- support responsiveness ---------------------------------------------------------------------

export interface Question {
  ref: string;
  askedAt: number;
  askerId: number;
  url: string | null;
  title: string | null;
  solved: boolean;
}

export interface Reply {
  questionRef: string;
  at: number;
  authorId: number;
  isBot: boolean;
}

export interface Responsiveness {
  questions: number;
  /** Median minutes to the first reply by someone other than the asker (bots excluded). */
  medianFirstResponseMinutes: number | null;
  answeredWithin24h: number | null;
  solved: number | null;
  /** Questions nobody else has replied to, oldest first. */
  unanswered: Question[];
}

export function responsiveness(questions: readonly Question[], replies: readonly Reply[]): Responsiveness {
  const first = new Map<string, number>();
  const askers = new Map(questions.map((q) => [q.ref, q.askerId]));
  for (const r of replies) {
    if (r.isBot || askers.get(r.questionRef) === undefined || askers.get(r.questionRef) === r.authorId) continue;
    const seen = first.get(r.questionRef);
    if (seen === undefined || r.at < seen) first.set(r.questionRef, r.at);
  }
  const waits = questions.flatMap((q) => (first.has(q.ref) ? [Math.max(0, first.get(q.ref)! - q.askedAt)] : []));
  const minutes = median(waits);
  return {
    questions: questions.length,
    medianFirstResponseMinutes: minutes === null ? null : Math.round(minutes / 60_000),
    answeredWithin24h: share(waits.filter((w) => w <= DAY).length, questions.length),
    solved: share(questions.filter((q) => q.solved).length, questions.length),
    unanswered: questions.filter((q) => !first.has(q.ref)).sort((a, b) => a.askedAt - b.askedAt),
  };
}

// ---- new and lapsed contributors ---------------------------------------------------------------

export interface ContributorMonth {
  month: string;
  newContributors: number;
  lapsed: number;
}

export const LAPSE_DAYS = 90;

/**
 * Per month: members whose first production fell in it, and members who lapsed in it (their last
 * production was 90 days before a day of that month, and none followed).
 */
export function contributorFlow(producers: ReadonlyArray<{ first: number; last: number }>, monthOf: (ms: number) => string, now: number): ContributorMonth[] {
  const months = new Map<string, ContributorMonth>();
  const at = (month: string) => months.get(month) ?? (months.set(month, { month, newContributors: 0, lapsed: 0 }), months.get(month)!);
  for (const p of producers) {
    at(monthOf(p.first)).newContributors++;
    const lapse = p.last + LAPSE_DAYS * DAY;
    if (lapse <= now) at(monthOf(lapse)).lapsed++;
  }
  return [...months.values()].sort((a, b) => a.month.localeCompare(b.month));
}

// ---- affinity ----------------------------------------------------------------------------------

/** Orbit-style "love": each month's points, decayed by 0.9 for every month since. */
export function affinity(monthlyPoints: ReadonlyArray<{ monthsAgo: number; points: number }>, decay = 0.9): number {
  const value = monthlyPoints.reduce((sum, m) => sum + Math.max(0, m.points) * decay ** Math.max(0, m.monthsAgo), 0);
  return Math.round(value * 10) / 10;
}

/** Affinity of every member from monthly points ('YYYY-MM'), as of `asOfMonth`. */
export function affinities(monthly: ReadonlyArray<{ memberId: number; month: string; points: number }>, asOfMonth: string): Map<number, number> {
  const current = monthIndex(`${asOfMonth}-01`);
  const byMember = new Map<number, Array<{ monthsAgo: number; points: number }>>();
  for (const p of monthly) {
    const list = byMember.get(p.memberId) ?? [];
    list.push({ monthsAgo: current - monthIndex(`${p.month}-01`), points: p.points });
    byMember.set(p.memberId, list);
  }
  return new Map([...byMember].map(([id, months]) => [id, affinity(months)]));
}
