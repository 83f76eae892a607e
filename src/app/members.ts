/** Member profiles for the API and pages. A hidden member is not found, even by id. */
import type { Stage } from '../domain/stages.js';
import { DomainError } from '../domain/errors.js';
import type { Platform } from '../domain/kinds.js';
import { localDay, PERIODS, periodStart } from '../domain/periods.js';
import type { Badge, Tier } from '../domain/badges.js';
import { badgesOfMember, type MemberBadge } from '../db/badges-repo.js';
import { candidateFacts, recentContributions } from '../db/evidence-repo.js';
import type { Tx } from '../db/knex.js';
import { identitiesOf, identityKey, memberIdOfIdentity, membersOnPlatform, resolveMembers, type MemberOnPlatform } from '../db/identities-repo.js';
import type { IdentityRef } from '../domain/activity.js';
import { deleteMember, exportMember } from './personal-data.js';
import { setHidden } from './privacy.js';
import type { WriteLock } from './write-lock.js';
import { rankCardOf, type RankCard } from './rank-card.js';
import { avatarUrl, firstAvatar, profileUrl } from '../domain/avatars.js';
import { addMonths } from '../domain/periods.js';
import { stageProgress, type StageProgress } from '../domain/stage-progress.js';
import { DEFAULT_STAGE_RULES, type StageRules } from '../domain/stages.js';
import { firstOccurrences } from '../db/ledger-repo.js';
import { memberProfileRow, setShareConsent, shareConsentOf } from '../db/members-repo.js';
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

/** One badge however many times it was earned ("Podium ×5"), newest first. */
export interface BadgeGroup {
  id: string;
  name: string;
  tier: Tier;
  count: number;
  /** The newest award: its day and its public page /badges/awards/<awardId>. */
  newestAt: string;
  awardId: number;
  /** The badge's image. */
  image: string;
  /** What earned the newest award (kind, and a link when it has one). */
  earnedBy: EarnedBadge['earnedBy'];
}

export interface MemberProfile {
  id: number;
  displayName: string;
  /** The member's face from their oldest identity that has one; null: none (pages draw initials). */
  avatarUrl: string | null;
  stage: Stage | null;
  /** What the next stage still needs, from the ladder's rules. */
  progress: StageProgress;
  /** The numbers managers see for nominations: accepted answers (all time), distinct members helped, active months in the ladder's window. */
  numbers: { acceptedAnswers: number; membersHelped: number; activeMonths: number };
  /** Standing badge awards, newest first. */
  badges: EarnedBadge[];
  /** The same, one entry per badge. */
  badgeGroups: BadgeGroup[];
  stages: Array<{ stage: Stage; at: string }>;
  points: Record<(typeof PERIODS)[number], number>;
  /** Dense rank on this month's and the all-time board; null when not on it (staff, bots, no points). */
  rank: { month: number | null; all: number | null };
  /** The first steps of the journey: first seen, first question, first answer. */
  firsts: { seen: string | null; question: string | null; answer: string | null };
  /** Latest contributions for others, with links back to where they happened. */
  recent: Array<{ kind: string; at: string; url: string | null; points: number; title: string | null }>;
  identities: Array<{ platform: Platform; externalId: string; username: string | null; profileUrl: string | null; avatarUrl: string | null }>;
}

/** What profiles need from the configuration: the forum's address (avatars, profile links) and the ladder's rules. */
export interface ProfileLook {
  forumUrl: string | null;
  stages: StageRules;
}

const AVATAR_SIZE = 160;

/** Awards grouped by badge, the most recently earned badge first. */
export function groupBadges(badges: readonly EarnedBadge[]): BadgeGroup[] {
  const groups = new Map<string, BadgeGroup>();
  for (const b of badges) {
    const g = groups.get(b.id);
    if (!g) groups.set(b.id, { id: b.id, name: b.name, tier: b.tier, count: 1, newestAt: b.awardedAt, awardId: b.awardId, image: `/badges/${b.id}.svg`, earnedBy: b.earnedBy });
    else {
      g.count++;
      if (b.awardedAt > g.newestAt) Object.assign(g, { newestAt: b.awardedAt, awardId: b.awardId, earnedBy: b.earnedBy });
    }
  }
  return [...groups.values()].sort((a, b) => b.newestAt.localeCompare(a.newestAt) || b.awardId - a.awardId);
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

export async function getMember(db: Tx, id: number, timeZone: string, now: number, catalog: readonly Badge[], look: ProfileLook = { forumUrl: null, stages: DEFAULT_STAGE_RULES }): Promise<MemberProfile> {
  const member = await memberProfileRow(db, id);
  if (!member || member.hidden) throw notFound();
  const today = localDay(now, timeZone);
  const since = addMonths(periodStart('month', today), -(look.stages.advocateMonthWindow - 1));
  const [identities, journeys, points, badges, firsts, recent, [facts]] = await Promise.all([
    identitiesOf(db, [id]).then((m) => m.get(id) ?? []),
    transitionsOf(db, [id]),
    memberPoints(
      db,
      id,
      PERIODS.map((period) => ({ period, start: periodStart(period, today) })),
    ),
    badgesOfMember(db, id),
    firstOccurrences(db, id, ['question_asked', 'answer_posted']),
    recentContributions(db, id, RECENT),
    candidateFacts(db, [id], since),
  ]);
  const rank = await monthAndAllTimeRanks(db, !member.isStaff && !member.isBot, points, today);
  const firstOf = (kind: string) => {
    const at = firsts.get(kind);
    return at === undefined ? null : iso(at);
  };
  const shown = earned(badges, catalog);
  const numbers = { acceptedAnswers: facts?.acceptedAnswers ?? 0, membersHelped: facts?.reach ?? 0, activeMonths: facts?.activeMonths ?? 0 };
  return {
    id: member.id,
    displayName: member.displayName,
    avatarUrl: firstAvatar(identities, AVATAR_SIZE, look.forumUrl),
    stage: member.stage,
    progress: stageProgress(member.stage, { activeMonths: numbers.activeMonths, reach: numbers.membersHelped }, look.stages),
    numbers,
    badges: shown,
    badgeGroups: groupBadges(shown),
    stages: (journeys.get(id) ?? []).map((t) => ({ stage: t.stage, at: new Date(t.at).toISOString() })),
    points: points as MemberProfile['points'],
    rank,
    firsts: { seen: member.firstSeenAt === null ? null : iso(member.firstSeenAt), question: firstOf('question_asked'), answer: firstOf('answer_posted') },
    recent: recent.map((c) => ({ kind: c.kind, at: iso(c.at), url: c.url, points: c.points, title: c.title })),
    identities: identities.map((i) => ({
      platform: i.platform,
      externalId: i.externalId,
      username: i.username,
      profileUrl: profileUrl(i, look.forumUrl),
      avatarUrl: avatarUrl(i, AVATAR_SIZE, look.forumUrl),
    })),
  };
}

export async function lookupMember(db: Tx, platform: Platform, externalId: string, timeZone: string, now: number, catalog: readonly Badge[], look?: ProfileLook): Promise<MemberProfile> {
  const memberId = await memberIdOfIdentity(db, platform, externalId);
  if (memberId === null) throw notFound();
  return getMember(db, memberId, timeZone, now, catalog, look);
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

/** What a member does about themself and what the site shows of one member (Flywheel's `members`). */
export interface Members {
  profile(id: number): Promise<MemberProfile>;
  /** What a member's rank card shows (hidden members are not found). */
  rankCard(id: number): Promise<RankCard>;
  lookup(platform: Platform, externalId: string): Promise<MemberProfile>;
  standing(platform: Platform, externalId: string): Promise<Standing | null>;
  /** The member behind an identity, created if new (sign-in). */
  resolve(identity: IdentityRef): Promise<number>;
  setHidden(identity: IdentityRef, hidden: boolean): Promise<number>;
  /** A member's agreement to be shared with the business (CRM exports). */
  setShareConsent(memberId: number, consent: boolean): Promise<void>;
  shareConsent(memberId: number): Promise<boolean>;
  /** Everything held about a member, for them to download. */
  export(memberId: number): Promise<Record<string, unknown>>;
  /** Delete a member's identities and personal fields; anonymous counts stay. */
  delete(memberId: number): Promise<void>;
  /** Each member's account on a platform (the oldest, if several). */
  onPlatform(memberIds: readonly number[], platform: Platform): Promise<MemberOnPlatform[]>;
}

export interface MembersDeps {
  lock: WriteLock;
  badges: readonly Badge[];
  /** The ladder's rules (what the next stage still needs) and the forum's address (avatars, profile links). */
  stages: StageRules;
  forumUrl: string | null;
  timeZone: string;
  memberOptions: () => { hiddenByDefault: boolean; now: number };
  now: () => number;
}

export function membersUseCases(reads: Tx, { lock, badges, stages, forumUrl, timeZone, memberOptions, now }: MembersDeps): Members {
  const look: ProfileLook = { forumUrl, stages };
  return {
    profile: (id) => getMember(reads, id, timeZone, now(), badges, look),
    rankCard: (id) => rankCardOf(reads, id, timeZone, now(), badges, stages, forumUrl),
    lookup: (platform, externalId) => lookupMember(reads, platform, externalId, timeZone, now(), badges, look),
    standing: (platform, externalId) => standingOf(reads, platform, externalId, timeZone, now(), badges),
    resolve: (identity) => lock.run(async (trx) => (await resolveMembers(trx, [identity], memberOptions())).get(identityKey(identity))!),
    setHidden: (identity, hidden) => setHidden(lock, identity, hidden, memberOptions()),
    setShareConsent: (memberId, consent) => lock.run((trx) => setShareConsent(trx, memberId, consent)),
    shareConsent: (memberId) => shareConsentOf(reads, memberId),
    export: (memberId) => exportMember(reads, memberId),
    delete: (memberId) => deleteMember(lock, memberId, now()),
    onPlatform: (memberIds, platform) => membersOnPlatform(reads, memberIds, platform),
  };
}
