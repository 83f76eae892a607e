/** The community at a glance: newest badges, who answers (members or staff), a badge's holders. */
import type { Badge, Tier } from '../domain/badges.js';
import { DomainError } from '../domain/errors.js';
import { KIND_COUNTED } from '../domain/kind-texts.js';
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


/** How to earn a badge, in words. */
export function howToEarn(badge: Badge): string {
  const c = badge.criterion;
  switch (c.type) {
    case 'count': {
      const [one, many] = KIND_COUNTED[c.kind];
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
