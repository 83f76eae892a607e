/**
 * Insights for the community team: the funnel, join cohorts, who produces (members or staff),
 * concentration, responsiveness, new and lapsed contributors, activity by space, affinity and
 * reach — and the member exports a CRM expects. The math lives in domain/insights.ts.
 */
import { DomainError } from '../domain/errors.js';
import {
  affinities,
  cohorts,
  concentration,
  contributorFlow,
  funnel,
  medianDaysToContribution,
  movement,
  producerShare,
  responsiveness,
  type Cohort,
  type Concentration,
  type ContributorMonth,
  type FunnelStep,
  type ProducerMonth,
  type Responsiveness,
} from '../domain/insights.js';
import type { Platform, Space } from '../domain/kinds.js';
import { addDays, addMonths, localDay, periodStart, startOfDayInstant } from '../domain/periods.js';
import { acceptedDay, EARLIEST_DAY } from '../domain/time-range.js';
import type { Stage } from '../domain/stages.js';
import {
  answersByMonth,
  answersPerMember,
  joinsAndFirstProductions,
  monthlyPoints,
  pointsBySpace,
  productionSpans,
  questionsAndReplies,
  stageChangesSince,
  stageCounts,
  type Filter,
  accountsOfMembers,
  activeChampionsAmong,
  everChampions,
  exportableMembers,
  firstProductionOf,
  heldBadgeIds,
  reachOf,
  visibleNames,
} from '../db/insights-repo.js';
import { inChunks } from '../db/bulk.js';
import type { Tx } from '../db/knex.js';
import { pointsInWindows } from '../db/scores-repo.js';

export interface InsightsQuery {
  platform?: Platform | null;
  /** Months 'YYYY-MM', inclusive; default the last 12 months. */
  from?: string;
  to?: string;
}

export interface Insights {
  range: { from: string; to: string; platform: Platform | null };
  funnel: FunnelStep[];
  thisMonth: { up: number; down: number };
  cohorts: Cohort[];
  medianDaysToFirstContribution: number | null;
  producers: ProducerMonth[];
  concentration: Concentration;
  responsiveness: Responsiveness;
  contributors: ContributorMonth[];
  lapsedNotable: Array<{ memberId: number; displayName: string; stage: Stage | null; champion: boolean; lastContribution: string }>;
  spaces: Array<{ month: string; space: Space; points: number }>;
  topMembers: Array<{ memberId: number; displayName: string; affinity: number; reach: number }>;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function rangeOf(q: InsightsQuery, timeZone: string, now: number): Filter & { fromMs: number; toMs: number } {
  const today = localDay(now, timeZone);
  const to = q.to ?? today.slice(0, 7);
  if (!MONTH.test(to)) throw new DomainError('invalid_parameter', 'to: expected a month YYYY-MM');
  acceptedDay('to', to, now);
  const from = q.from ?? [addMonths(`${to}-01`, -11).slice(0, 7), EARLIEST_DAY.slice(0, 7)].sort().at(-1)!;
  if (!MONTH.test(from)) throw new DomainError('invalid_parameter', 'from: expected a month YYYY-MM');
  acceptedDay('from', from, now);
  if (from > to) throw new DomainError('invalid_parameter', 'from: expected a month before to');
  const lastDay = addDays(addMonths(`${to}-01`, 1), -1);
  return {
    platform: q.platform ?? null,
    from: `${from}-01`,
    to: lastDay,
    fromMs: startOfDayInstant(`${from}-01`, timeZone),
    toMs: startOfDayInstant(addMonths(`${to}-01`, 1), timeZone),
  };
}

export async function insights(db: Tx, q: InsightsQuery, timeZone: string, now: number): Promise<Insights> {
  const f = rangeOf(q, timeZone, now);
  const monthOf = (ms: number) => localDay(ms, timeZone).slice(0, 7);
  const inRange = (month: string) => month >= f.from.slice(0, 7) && month <= f.to.slice(0, 7);
  const thisMonthStart = startOfDayInstant(periodStart('month', localDay(now, timeZone)), timeZone);

  const [counts, changes, joins, spans, answers, perMember, asked, spaces, points, champions, reach] = await Promise.all([
    stageCounts(db, f.platform),
    stageChangesSince(db, thisMonthStart),
    joinsAndFirstProductions(db, f.platform),
    productionSpans(db, f.platform),
    answersByMonth(db, f),
    answersPerMember(db, f),
    questionsAndReplies(db, f, f.fromMs, f.toMs),
    pointsBySpace(db, f),
    monthlyPoints(db, f.from, f.to, f.platform),
    everChampions(db),
    reachOf(db),
  ]);

  const cohortMembers = joins.map((j) => ({ firstSeen: j.firstSeen, cohort: monthOf(j.firstSeen), firstProduction: j.firstProduction })).filter((m) => inRange(m.cohort));
  const championIds = champions;
  const lapseLine = now - 90 * 86_400_000;
  // Affinity as of the end of the range: the range's last month counts in full, earlier ones decay.
  const love = affinities(points, f.to.slice(0, 7));
  // Named lists leave hidden members out (they still count in every total above).
  const visible = await visibleNames(db, [...love.keys()]);

  return {
    range: { from: f.from.slice(0, 7), to: f.to.slice(0, 7), platform: f.platform },
    funnel: funnel(counts),
    thisMonth: movement(changes),
    cohorts: cohorts(cohortMembers, now),
    medianDaysToFirstContribution: medianDaysToContribution(cohortMembers),
    producers: producerShare(answers),
    concentration: concentration(perMember),
    responsiveness: responsiveness(asked.questions, asked.replies),
    contributors: contributorFlow(spans, monthOf, now).filter((m) => inRange(m.month)),
    // Advocates and champions who stopped contributing are worth a personal message.
    lapsedNotable: spans
      .filter((s) => !s.hidden && s.last <= lapseLine && (s.stage === 'advocate' || championIds.has(s.memberId)))
      .map((s) => ({ memberId: s.memberId, displayName: s.name, stage: s.stage, champion: championIds.has(s.memberId), lastContribution: new Date(s.last).toISOString() })),
    spaces: spaces.sort((a, b) => a.month.localeCompare(b.month) || a.space.localeCompare(b.space)),
    topMembers: [...love.entries()]
      .filter(([id]) => visible.has(id))
      .map(([id, value]) => ({ memberId: id, displayName: visible.get(id)!, affinity: value, reach: reach.get(id) ?? 0 }))
      .sort((a, b) => b.affinity - a.affinity || a.memberId - b.memberId)
      .slice(0, 20),
  };
}

export interface ExportRow {
  member_id: number;
  display_name: string;
  discord_id: string;
  discord_username: string;
  discourse_id: string;
  discourse_username: string;
  stage: string;
  points_all_time: number;
  points_this_month: number;
  affinity: number;
  reach: number;
  badges: string;
  champion: boolean;
  first_seen: string;
  first_contribution: string;
}

/**
 * Members for a CRM: by default only those who agreed to be shared and are not hidden; staff and
 * bots never. `leadsAbove` keeps members whose affinity reaches it.
 */
export async function exportMembers(db: Tx, timeZone: string, now: number, options: { everyone: boolean; leadsAbove?: number }): Promise<ExportRow[]> {
  const members = await exportableMembers(db, options.everyone);
  if (members.length === 0) return [];
  const ids = members.map((m) => m.id);
  const month = periodStart('month', localDay(now, timeZone));
  // In chunks: an export can name every member, more than a statement can bind.
  const each = <R>(read: (chunk: number[]) => Promise<R[]>) => inChunks(ids, 2000, read);
  const [identities, scores, monthly, badges, champions, reach, firsts] = await Promise.all([
    accountsOfMembers(db, ids),
    each((c) =>
      pointsInWindows(db, c, [
        { period: 'all', start: 'all' },
        { period: 'month', start: month },
      ]),
    ),
    monthlyPoints(db, addMonths(month, -11)),
    heldBadgeIds(db, ids),
    activeChampionsAmong(db, ids),
    reachOf(db, ids),
    firstProductionOf(db, ids),
  ]);
  const love = affinities(monthly, month.slice(0, 7));
  const iso = (ms: unknown) => (ms === null || ms === undefined ? '' : new Date(Number(ms)).toISOString());
  // Lookups by member, so an export of many members stays linear.
  const accounts = new Map<string, { externalId: string; username: string | null }>();
  for (const i of identities) if (!accounts.has(`${i.memberId}|${i.platform}`)) accounts.set(`${i.memberId}|${i.platform}`, i);
  const pointsOf = new Map(scores.map((s) => [`${s.memberId}|${s.period}`, s.points]));
  const badgesOf = new Map<number, string[]>();
  for (const b of badges) badgesOf.set(b.memberId, [...(badgesOf.get(b.memberId) ?? []), b.badgeId]);
  const rows = members.map((m): ExportRow => {
    const account = (platform: string) => accounts.get(`${m.id}|${platform}`);
    const points = (period: string) => pointsOf.get(`${m.id}|${period}`) ?? 0;
    return {
      member_id: m.id,
      display_name: m.displayName,
      discord_id: account('discord')?.externalId ?? '',
      discord_username: account('discord')?.username ?? '',
      discourse_id: account('discourse')?.externalId ?? '',
      discourse_username: account('discourse')?.username ?? '',
      stage: m.stage ?? '',
      points_all_time: points('all'),
      points_this_month: points('month'),
      affinity: love.get(m.id) ?? 0,
      reach: reach.get(m.id) ?? 0,
      badges: (badgesOf.get(m.id) ?? []).join(' '),
      champion: champions.has(m.id),
      first_seen: iso(m.firstSeenAt),
      first_contribution: iso(firsts.get(m.id)),
    };
  });
  return options.leadsAbove === undefined ? rows : rows.filter((r) => r.affinity >= options.leadsAbove!);
}

/** The community team's numbers and the CRM export (Flywheel's `insights`). */
export interface InsightsUseCases {
  /** Funnel, cohorts, producers, concentration, responsiveness, flow. */
  report(q: InsightsQuery): Promise<Insights>;
  /** Members for a CRM (by default only those who agreed and are not hidden); `leads` keeps those whose affinity reaches the configured bar. */
  exportMembers(options: { everyone: boolean; leads?: boolean }): Promise<ExportRow[]>;
}

export function insightsUseCases(reads: Tx, deps: { timeZone: string; leadAffinity: number; now: () => number }): InsightsUseCases {
  return {
    report: (q) => insights(reads, q, deps.timeZone, deps.now()),
    exportMembers: ({ everyone, leads }) => exportMembers(reads, deps.timeZone, deps.now(), { everyone, ...(leads ? { leadsAbove: deps.leadAffinity } : {}) }),
  };
}
