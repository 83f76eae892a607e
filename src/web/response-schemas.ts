/**
 * What the JSON routes answer, as zod schemas: the serialiser sends exactly these keys, and the
 * OpenAPI document shows them. Each schema is checked at compile time against the use case's own
 * type (`Same`), so a field added to a use case's answer is a type error here until it is named —
 * never silently left out of the answer.
 */
import { z } from 'zod';
import type { Leaderboard } from '../app/leaderboards.js';
import type { EarnedBadge, MemberProfile } from '../app/members.js';
import type { AnswerShare, BadgeDetail, RecentAward } from '../app/community.js';
import type { AttendeePreview, Recorded } from '../app/contributions.js';
import type { ExportRow } from '../app/insights.js';
import type { MemberMatch, Submission } from '../app/contributions.js';
import { TIERS } from '../domain/badges.js';
import { PLATFORMS, SPACES } from '../domain/kinds.js';
import { PERIODS } from '../domain/periods.js';
import { STAGES } from '../domain/stages.js';

/** True only when A and B are the same type: a schema that names fewer (or other) fields than its type fails to compile. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const day = z.string().describe('A calendar day, YYYY-MM-DD');
const instant = z.string().describe('An instant, ISO 8601 in UTC');
const stage = z.enum(STAGES).nullable();
const tier = z.enum(TIERS);

export const earnedBadge = z.object({
  awardId: z.number().int().describe('The award: its public page is /badges/awards/<awardId>'),
  id: z.string(),
  name: z.string(),
  tier,
  awardedAt: instant,
  earnedBy: z.object({ kind: z.string(), url: z.string().nullable() }).nullable().describe('The activity that earned it'),
});

const movement = z.union([
  z.object({ direction: z.enum(['up', 'down']), by: z.number().int() }),
  z.object({ direction: z.literal('new') }),
  z.object({ direction: z.literal('same') }),
]);

export const leaderboardBody = z.object({
  period: z.enum(PERIODS),
  from: day.nullable().describe('First day of the period, inclusive; null for all time'),
  to: day.nullable().describe('Last day of the period, inclusive; null for all time'),
  start: z.string().describe('Key of the period'),
  previous: day.nullable().describe('A day in the previous period, for `at`'),
  next: day.nullable().describe('A day in the next period, for `at`'),
  space: z.enum(SPACES).nullable(),
  platform: z.enum(PLATFORMS).nullable(),
  total: z.number().int().describe('Members on the whole board'),
  entries: z.array(
    z.object({
      rank: z.number().int(),
      points: z.number(),
      member: z.object({ id: z.number().int(), displayName: z.string(), stage, badges: z.number().int(), avatarUrl: z.string().nullable().describe('The member’s picture as a platform gives it; null: none') }),
      movement: movement.nullable().describe('Rank change since the previous period’s board; null on the all-time board'),
    }),
  ),
  timeZone: z.string().describe('The community time zone periods are counted in'),
});

export const memberBody = z.object({
  id: z.number().int(),
  displayName: z.string(),
  avatarUrl: z.string().nullable().describe('The member’s picture from their oldest identity that has one; null: none'),
  stage,
  progress: z.object({ next: z.enum(STAGES).nullable(), share: z.number().describe('0–1'), needs: z.array(z.string()), summary: z.string() }).describe('What the next stage still needs'),
  numbers: z.object({ acceptedAnswers: z.number().int(), membersHelped: z.number().int(), activeMonths: z.number().int() }),
  badges: z.array(earnedBadge).describe('Standing awards, newest first'),
  badgeGroups: z.array(
    z.object({ id: z.string(), name: z.string(), tier, count: z.number().int(), newestAt: z.string(), awardId: z.number().int(), image: z.string(), earnedBy: earnedBadge.shape.earnedBy }),
  ).describe('The same awards, one entry per badge'),
  stages: z.array(z.object({ stage: z.enum(STAGES), at: instant })),
  points: z.object(Object.fromEntries(PERIODS.map((p) => [p, z.number()])) as Record<(typeof PERIODS)[number], z.ZodNumber>),
  rank: z.object({ month: z.number().int().nullable(), all: z.number().int().nullable() }).describe('Dense rank on this month’s and the all-time board; null when not on it'),
  firsts: z.object({ seen: instant.nullable(), question: instant.nullable(), answer: instant.nullable() }),
  recent: z.array(z.object({ kind: z.string(), at: instant, url: z.string().nullable(), points: z.number(), title: z.string().nullable() })),
  identities: z.array(z.object({ platform: z.enum(PLATFORMS), externalId: z.string(), username: z.string().nullable(), profileUrl: z.string().nullable(), avatarUrl: z.string().nullable() })),
});

export const badgeSummary = z.object({ id: z.string(), name: z.string(), tier, description: z.string(), howToEarn: z.string(), holders: z.number().int() });

export const recentAward = z.object({
  awardId: z.number().int(),
  badge: z.object({ id: z.string(), name: z.string(), tier }),
  member: z.object({ id: z.number().int(), displayName: z.string() }),
  awardedAt: instant,
});

export const badgeBody = badgeSummary.extend({ repeatable: z.boolean(), revocable: z.boolean(), recent: z.array(recentAward) });

export const answerShare = z.object({
  answers: z.number().int().describe('Counted answers this month'),
  byMembers: z.number().int().describe('Of them, answers from members rather than staff'),
  share: z.number().nullable().describe('byMembers / answers; null without answers'),
});

export const publicChampion = z.object({
  member: z.object({ id: z.number().int(), displayName: z.string() }),
  space: z.enum(SPACES),
  termStart: instant,
  termEnd: instant,
  citation: z.string(),
});

export const recorded = z.object({
  key: z.string().describe('The natural key: the same evidence always gives the same key'),
  status: z.enum(['recorded', 'already_recorded']),
  points: z.number(),
  member: z.object({ id: z.number().int(), name: z.string() }),
});

// The community team's JSON (forms asked for JSON, exports): not in the public document, serialised the same way.
export const memberMatch = z.object({ id: z.number().int(), displayName: z.string(), hidden: z.boolean(), accounts: z.string() });

export const attendeePreview = z.object({
  evidence: z.object({ day: z.string(), title: z.string().optional(), url: z.string().optional(), event: z.string().optional() }),
  rows: z.array(
    z.object({
      row: z.object({ line: z.number().int(), name: z.string().nullable(), email: z.string().nullable(), discordId: z.string().nullable(), discordUsername: z.string().nullable(), forumUsername: z.string().nullable() }),
      member: memberMatch.nullable(),
      how: z.string(),
    }),
  ),
  matched: z.number().int(),
  unmatched: z.number().int(),
});

export const submission = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  memberName: z.string(),
  kind: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  event: z.string().nullable(),
  day: z.string(),
  note: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'declined']),
  submittedAt: z.number(),
  decidedAt: z.number().nullable(),
  decisionNote: z.string().nullable(),
  activityKey: z.string().nullable(),
});

export const exportRow = z.object({
  member_id: z.number().int(),
  display_name: z.string(),
  discord_id: z.string(),
  discord_username: z.string(),
  discourse_id: z.string(),
  discourse_username: z.string(),
  stage: z.string(),
  points_all_time: z.number(),
  points_this_month: z.number(),
  affinity: z.number(),
  reach: z.number(),
  badges: z.string(),
  champion: z.boolean(),
  first_seen: z.string(),
  first_contribution: z.string(),
});

/** A standard's own document (Open Badges, JWKS, a member's full export): passed through whole, never trimmed. */
export const wholeDocument = z.record(z.string(), z.unknown());

// Compile-time: each schema is exactly the type the use case returns.
type Out<S extends z.ZodType> = z.output<S>;
export const SCHEMAS_MATCH_TYPES: [
  Same<Out<typeof leaderboardBody>, Leaderboard & { timeZone: string }>,
  Same<Out<typeof memberBody>, MemberProfile>,
  Same<Out<typeof earnedBadge>, EarnedBadge>,
  Same<Out<typeof badgeBody>, BadgeDetail>,
  Same<Out<typeof recentAward>, RecentAward>,
  Same<Out<typeof answerShare>, AnswerShare>,
  Same<Out<typeof recorded>, Recorded>,
  Same<Out<typeof memberMatch>, MemberMatch>,
  Same<Out<typeof attendeePreview>, AttendeePreview>,
  Same<Out<typeof submission>, Submission>,
  Same<Out<typeof exportRow>, ExportRow>,
] = [true, true, true, true, true, true, true, true, true, true, true];
