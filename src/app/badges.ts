/** The badge catalog and its awards: what the site lists, what managers grant, what the forum is sent (Flywheel's `badges`). */
import type { IdentityRef } from '../domain/activity.js';
import type { Badge, Tier } from '../domain/badges.js';
import { badgeHolders } from '../db/badges-repo.js';
import { identityKey, resolveMembers } from '../db/identities-repo.js';
import { grantManualBadge, type BadgeGrant } from './badge-awarding.js';
import { badgeDetail, howToEarn, newestAwards, type BadgeDetail, type RecentAward } from './community.js';
import { findAward, type AwardRecord } from './credentials.js';
import { deliverOutbox, type OutboxPorts, type Sender } from './outbox.js';
import { outboxBacklog, type OutboxBacklog } from '../db/outbox-repo.js';
import type { WriteLock } from './write-lock.js';

export interface CatalogEntry {
  id: string;
  name: string;
  tier: Tier;
  description: string;
  howToEarn: string;
  holders: number;
}

export interface Badges {
  /** The configured catalog (names, tiers, rules), as it is. */
  catalog(): readonly Badge[];
  /** The catalog, with how many visible members hold each badge. */
  withHolders(): Promise<CatalogEntry[]>;
  detail(id: string): Promise<BadgeDetail>;
  newest(limit: number): Promise<RecentAward[]>;
  /** A manager grants a manual badge (e.g. champion) with a reason; null when that grant was already recorded. */
  grant(grant: { badgeId: string; member: IdentityRef; by: IdentityRef; reason: string; origin: string }): Promise<BadgeGrant | null>;
  /** A badge award as shared publicly (hidden members' awards are not found). */
  award(id: number): Promise<AwardRecord>;
  /** Send the forum the badge grants that are due (never blocks ingestion; retries later on failure). */
  /** Send what is due; `stopping` (a shutdown) ends the round after the grant in hand is finished. */
  deliverOutbox(send: Sender, stopping?: () => boolean): Promise<number>;
  /** What the outbox owes and how much of it is failing (every instance's). */
  outboxBacklog(): Promise<OutboxBacklog>;
}

export interface BadgesDeps {
  lock: WriteLock;
  badges: readonly Badge[];
  memberOptions: () => { hiddenByDefault: boolean; now: number };
  now: () => number;
}

/** `outbox`: the writer claims grants to send as `claimant` (this instance), so any number of instances may deliver at once. */
export function badgesUseCases(outbox: Omit<OutboxPorts, 'leaseMs'>, { lock, badges, memberOptions, now }: BadgesDeps): Badges {
  const reads = outbox.reads;
  return {
    catalog: () => badges,
    withHolders: async () => {
      const holders = await badgeHolders(reads);
      return badges.map((b) => ({ id: b.id, name: b.name, tier: b.tier, description: b.description, howToEarn: howToEarn(b), holders: holders.get(b.id) ?? 0 }));
    },
    detail: async (id) => badgeDetail(reads, badges, id, await badgeHolders(reads)),
    newest: (limit) => newestAwards(reads, badges, limit),
    grant: ({ member, by, ...grant }) =>
      lock.run(async (trx) => {
        const ids = await resolveMembers(trx, [member, by], memberOptions());
        return grantManualBadge(trx, badges, { ...grant, memberId: ids.get(identityKey(member))!, grantedBy: ids.get(identityKey(by))!, at: now() });
      }),
    award: (id) => findAward(reads, badges, id),
    deliverOutbox: (send, stopping) => deliverOutbox(outbox, badges, send, now, stopping),
    outboxBacklog: () => outboxBacklog(reads, now()),
  };
}
