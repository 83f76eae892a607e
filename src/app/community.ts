/** The community at a glance: newest badges, who answers (members or staff), a badge's holders. */
import type { Badge, Tier } from '../domain/badges.js';
import { DomainError } from '../domain/errors.js';
import { localDay, periodStart } from '../domain/periods.js';
import { earningAnswersSince } from '../db/awards-repo.js';
import { newestVisibleAwards } from '../db/badges-repo.js';
import type { Tx } from '../db/knex.js';

export interface RecentAward {
  awardId: number;
  badge: { id: string; name: string; tier: Tier };
  member: { id: number; displayName: string };
  awardedAt: string;
}

/** Newest standing awards of visible members (of badges still in the catalog). */
export async function newestAwards(db: Tx, catalog: readonly Badge[], limit: number, badgeId?: string): Promise<RecentAward[]> {
  const rows = await newestVisibleAwards(db, limit * 2, badgeId);
  const byId = new Map(catalog.map((b) => [b.id, b]));
  return rows
    .filter((r) => byId.has(r.badgeId))
    .slice(0, limit)
    .map((r) => {
      const badge = byId.get(r.badgeId)!;
      return { awardId: r.id, badge: { id: badge.id, name: badge.name, tier: badge.tier }, member: { id: r.memberId, displayName: r.displayName }, awardedAt: new Date(r.awardedAt).toISOString() };
    });
}

export interface AnswerShare {
  /** Counted answers this month (bots left out), and how many came from members rather than staff. */
  answers: number;
  byMembers: number;
  /** byMembers / answers, or null when there were no answers. */
  share: number | null;
}

/**
 * The share of this month's answers that came from members (DESIGN.md: a young community starts
 * with staff as the only producers; a healthy one moves past that). Hidden members still count.
 */
export async function answerShare(db: Tx, timeZone: string, now: number): Promise<AnswerShare> {
  const from = periodStart('month', localDay(now, timeZone));
  const { staff, members: byMembers } = await earningAnswersSince(db, from);
  const answers = staff + byMembers;
  return { answers, byMembers, share: answers ? byMembers / answers : null };
}

export interface BadgeDetail {
  id: string;
  name: string;
  tier: Tier;
  description: string;
  howToEarn: string;
  repeatable: boolean;
  revocable: boolean;
  holders: number;
  recent: RecentAward[];
}

const COUNTED: Partial<Record<string, [string, string]>> = {
  answer_posted: ['answer to someone else’s question', 'answers to other people’s questions'],
  answer_accepted: ['accepted answer', 'accepted answers'],
  thanks_received: ['thank-you from another member', 'thank-yous from other members'],
  thanks_given: ['thank-you given', 'thank-yous given'],
  question_asked: ['question asked', 'questions asked'],
  message_posted: ['message', 'messages'],
  topic_created: ['topic started', 'topics started'],
  content_published: ['publication', 'publications'],
  event_spoke: ['talk at an event', 'talks at events'],
  event_attended: ['event attended', 'events attended'],
  feedback_submitted: ['piece of feedback', 'pieces of feedback'],
  member_referred: ['member brought in', 'members brought in'],
  reaction_received: ['reaction received', 'reactions received'],
};

/** How to earn a badge, in words. */
export function howToEarn(badge: Badge): string {
  const c = badge.criterion;
  switch (c.type) {
    case 'count': {
      const [one, many] = COUNTED[c.kind] ?? [c.kind.replace(/_/g, ' '), c.kind.replace(/_/g, ' ')];
      return `${c.atLeast} ${c.atLeast === 1 ? one : many}${c.space ? ` in ${c.space}` : ''}${c.platform ? ` on ${c.platform}` : ''}${c.withinDays ? ` within ${c.withinDays} days` : ''}`;
    }
    case 'points':
      return `${c.atLeast.toLocaleString('en-US')} points${c.space ? ` in ${c.space}` : ''}`;
    case 'streak':
      return `active ${c.days} days in a row`;
    case 'helped':
      return `help ${c.members} different members`;
    case 'stage':
      return `reach the ${c.reach} stage${c.from ? ` from ${c.from.join(' or ')}` : ''}`;
    case 'top':
      return `finish a ${c.period} in the top ${c.rank}${c.space ? ` of ${c.space}` : ''}`;
    case 'manual':
      return 'granted by the community team';
  }
}

export async function badgeDetail(db: Tx, catalog: readonly Badge[], id: string, holders: ReadonlyMap<string, number>): Promise<BadgeDetail> {
  const badge = catalog.find((b) => b.id === id);
  if (!badge) throw new DomainError('not_found', 'badge not found');
  return {
    id: badge.id,
    name: badge.name,
    tier: badge.tier,
    description: badge.description,
    howToEarn: howToEarn(badge),
    repeatable: badge.repeatable,
    revocable: badge.revocable,
    holders: holders.get(badge.id) ?? 0,
    recent: await newestAwards(db, catalog, 12, badge.id),
  };
}
