/** Member profiles for the API and pages. A hidden member is not found, even by id. */
import { DomainError } from '../domain/errors.js';
import type { Platform } from '../domain/kinds.js';
import { localDay, PERIODS, periodStart } from '../domain/periods.js';
import type { Stage } from '../domain/stages.js';
import type { Badge, Tier } from '../domain/badges.js';
import { badgesOfMember, type MemberBadge } from '../db/badges-repo.js';
import { recentContributions } from '../db/evidence-repo.js';
import type { Tx } from '../db/knex.js';
import { accountsOf, memberIdOfIdentity } from '../db/identities-repo.js';
import { firstOccurrences } from '../db/ledger-repo.js';
import { memberProfileRow } from '../db/members-repo.js';
import { memberPoints, placeOfIdentity, ranksOn } from '../db/scores-repo.js';
import { transitionsOf } from '../db/stages-repo.js';

export interface EarnedBadge {
  /** The award's id: its public page is /badges/awards/<awardId>. */
  awardId: number;
  id: string;
  name: string;
  tier: Tier;
  awardedAt: string;
  /** The activity that earned it (kind, and a link when it has one). */
  earnedBy: { kind: string; url: string | null } | null;
}

export interface MemberProfile {
  id: number;
  displayName: string;
  stage: Stage | null;
  /** Standing badge awards, newest first. */
  badges: EarnedBadge[];
  stages: Array<{ stage: Stage; at: string }>;
  points: Record<(typeof PERIODS)[number], number>;
  /** Dense rank on this month's and the all-time board; null when not on it (staff, bots, no points). */
  rank: { month: number | null; all: number | null };
  /** The first steps of the journey: first seen, first question, first answer. */
  firsts: { seen: string | null; question: string | null; answer: string | null };
  /** Latest contributions for others, with links back to where they happened. */
  recent: Array<{ kind: string; at: string; url: string | null; points: number }>;
  identities: Array<{ platform: Platform; externalId: string; username: string | null }>;
}

const notFound = () => new DomainError('not_found', 'member not found');

/** Awards of badges still in the catalog (a removed badge's awards stay stored, unshown). */
export function earned(awards: readonly MemberBadge[], catalog: readonly Badge[]): EarnedBadge[] {
  const byId = new Map(catalog.map((b) => [b.id, b]));
  return awards.flatMap((a) => {
    const badge = byId.get(a.badgeId);
    return badge ? [{ awardId: a.awardId, id: badge.id, name: badge.name, tier: badge.tier, awardedAt: new Date(a.awardedAt).toISOString(), earnedBy: a.activity }] : [];
  });
}

export async function getMember(db: Tx, id: number, timeZone: string, now: number, catalog: readonly Badge[]): Promise<MemberProfile> {
  const member = await memberProfileRow(db, id);
  if (!member || member.hidden) throw notFound();
  const today = localDay(now, timeZone);
  const [identities, journeys, points, badges, firsts, recent] = await Promise.all([
    accountsOf(db, id),
    transitionsOf(db, [id]),
    memberPoints(
      db,
      id,
      PERIODS.map((period) => ({ period, start: periodStart(period, today) })),
    ),
    badgesOfMember(db, id),
    firstOccurrences(db, id, ['question_asked', 'answer_posted']),
    recentContributions(db, id, RECENT),
  ]);
  const rank = await monthAndAllTimeRanks(db, !member.isStaff && !member.isBot, points, today);
  const firstOf = (kind: string) => {
    const at = firsts.get(kind);
    return at === undefined ? null : iso(at);
  };
  return {
    id: member.id,
    displayName: member.displayName,
    stage: member.stage,
    badges: earned(badges, catalog),
    stages: (journeys.get(id) ?? []).map((t) => ({ stage: t.stage, at: new Date(t.at).toISOString() })),
    points: points as MemberProfile['points'],
    rank,
    firsts: { seen: member.firstSeenAt === null ? null : iso(member.firstSeenAt), question: firstOf('question_asked'), answer: firstOf('answer_posted') },
    recent: recent.map((c) => ({ kind: c.kind, at: iso(c.at), url: c.url, points: c.points })),
    identities: identities.map((i) => ({ platform: i.platform as Platform, externalId: i.externalId, username: i.username })),
  };
}

export async function lookupMember(db: Tx, platform: Platform, externalId: string, timeZone: string, now: number, catalog: readonly Badge[]): Promise<MemberProfile> {
  const memberId = await memberIdOfIdentity(db, platform, externalId);
  if (memberId === null) throw notFound();
  return getMember(db, memberId, timeZone, now, catalog);
}

const NEWEST_BADGES = 3;

/** Only a listed member (not hidden, staff or a bot) with points on a board has a rank there. */
const hasRank = (listed: boolean, points: number): boolean => listed && points > 0;

/** Dense ranks on this month's and the all-time board, in one statement; null off the boards. */
async function monthAndAllTimeRanks(db: Tx, listed: boolean, points: Record<string, number>, today: string): Promise<{ month: number | null; all: number | null }> {
  const ranked = (['month', 'all'] as const).filter((period) => hasRank(listed, points[period] ?? 0));
  const ranks = await ranksOn(db, ranked.map((period) => ({ period, periodStart: periodStart(period, today), space: null, platform: null, points: points[period]! })));
  const rankOf = (period: 'month' | 'all') => (ranked.includes(period) ? ranks[ranked.indexOf(period)]! : null);
  return { month: rankOf('month'), all: rankOf('all') };
}
const RECENT = 10;
const iso = (ms: number): string => new Date(ms).toISOString();

export interface Standing {
  memberId: number;
  displayName: string;
  hidden: boolean;
  stage: Stage | null;
  /** Points and rank this month and all time; rank is null off the boards (hidden, staff, bot, no points). */
  month: { points: number; rank: number | null };
  all: { points: number; rank: number | null };
  newestBadges: EarnedBadge[];
}

/**
 * Where a member stands, for the member themself (so it includes hidden members); null if unknown.
 * Two statements at once — the member with points and ranks, and the newest badges — because
 * `/rank` arrives in bursts and each round trip costs more than these index lookups.
 */
export async function standingOf(db: Tx, platform: Platform, externalId: string, timeZone: string, now: number, catalog: readonly Badge[]): Promise<Standing | null> {
  const today = localDay(now, timeZone);
  const periods = ['month', 'all'] as const;
  const [member, badges] = await Promise.all([
    placeOfIdentity(
      db,
      platform,
      externalId,
      periods.map((period) => ({ period, periodStart: periodStart(period, today), space: null, platform: null })),
    ),
    badgesOfMember(db, { platform, externalId }, NEWEST_BADGES),
  ]);
  if (!member) return null;
  const listed = !member.hidden && !member.isStaff && !member.isBot;
  const place = (i: number) => {
    const { points, above } = member.boards[i]!;
    return { points, rank: hasRank(listed, points) ? 1 + above : null };
  };
  return {
    memberId: member.id,
    displayName: member.displayName,
    hidden: member.hidden,
    stage: member.stage,
    month: place(0),
    all: place(1),
    newestBadges: earned(badges, catalog),
  };
}
