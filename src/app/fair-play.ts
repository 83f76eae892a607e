/**
 * What the fair-play rules cannot decide, for managers: a queue of members whose points come
 * mostly from one or two counterparts, or from accounts first seen just before they paid, with the
 * evidence; and exclusion from boards and badges — recorded, reversible, in the audit log.
 */
import { DomainError } from '../domain/errors.js';
import type { FairPlayRules } from '../domain/fair-play.js';
import type { Badge } from '../domain/badges.js';
import { audit } from '../db/champions-repo.js';
import { exclusionsOpen, openExclusion, paymentsOf, recordExclusion, recordReinstatement, type Exclusion } from '../db/fair-play-repo.js';
import type { Tx } from '../db/knex.js';
import { memberExists } from '../db/members-repo.js';
import { awardBadges } from './badge-awarding.js';
import type { Actor } from './champions.js';
import type { WriteLock } from './write-lock.js';

const DAY = 86_400_000;

export interface ReviewEntry {
  memberId: number;
  displayName: string;
  excluded: boolean;
  points: number;
  /** Points other members paid (likes, thanks, accepted and endorsed answers). */
  paid: number;
  /** Points behind the reasons (the top two counterparts', or the new accounts'): the queue's order. */
  weight: number;
  /** The two counterparts who paid the most, and their share of `paid`. */
  counterparts: Array<{ memberId: number; displayName: string; points: number; share: number }>;
  /** Share of `paid` from accounts first seen less than `newAccountDays` before paying, and as near the member's own first day. */
  newAccountShare: number;
  reasons: string[];
}

export interface FairPlay {
  queue(): Promise<ReviewEntry[]>;
  exclusions(): Promise<Array<Exclusion & { displayName: string }>>;
  exclude(memberId: number, by: Actor, reason: string): Promise<void>;
  reinstate(memberId: number, by: Actor, note: string | null): Promise<void>;
}

const pct = (share: number) => `${Math.round(share * 100)}%`;

export function fairPlayUseCases(db: Tx, deps: { lock: WriteLock; rules: FairPlayRules; badges: readonly Badge[]; now: () => number }): FairPlay {
  const { rules } = deps;
  return {
    async queue() {
      const out: ReviewEntry[] = [];
      for (const m of await paymentsOf(db, rules.reviewFromPoints, rules.newAccountDays * DAY)) {
        const paid = m.byCounterpart.reduce((n, c) => n + c.points, 0);
        if (paid <= 0) continue;
        const top = m.byCounterpart.slice(0, 2).map((c) => ({ ...c, share: c.points / paid }));
        const concentrated = top.reduce((n, c) => n + c.share, 0);
        const fresh = Math.min(1, m.fromNewAccounts / paid);
        const concentratedPoints = top.reduce((n, c) => n + c.points, 0);
        const freshPoints = Math.min(paid, m.fromNewAccounts);
        const reasons: string[] = [];
        let weight = 0;
        // Each reason only when it is material: enough points behind it to matter (rules.reviewFromPaid).
        if (concentrated >= rules.concentratedShare && concentratedPoints >= rules.reviewFromPaid) {
          weight = concentratedPoints;
          reasons.push(`${pct(concentrated)} of what others paid came from ${top.map((c) => `${c.displayName} (${c.points} ${c.points === 1 ? 'point' : 'points'}, ${pct(c.share)})`).join(' and ')}`);
        }
        if (fresh >= rules.newAccountShare && freshPoints >= rules.reviewFromPaid) {
          weight = Math.max(weight, freshPoints);
          reasons.push(`${pct(fresh)} came from accounts first seen less than ${rules.newAccountDays} days before paying, in the same days as this member`);
        }
        if (reasons.length === 0) continue;
        out.push({ memberId: m.memberId, displayName: m.displayName, excluded: m.excluded, points: m.points, paid, weight, counterparts: top, newAccountShare: fresh, reasons });
      }
      // The most points behind a reason first: what a manager should read before anything else.
      return out.sort((a, b) => b.weight - a.weight || b.points - a.points || a.memberId - b.memberId);
    },
    exclusions: () => exclusionsOpen(db),
    exclude: (memberId, by, reason) =>
      deps.lock.run(async (trx) => {
        if (!(await memberExists(trx, memberId))) throw new DomainError('not_found', 'member not found');
        if (await openExclusion(trx, memberId)) throw new DomainError('conflict', 'member is already excluded');
        const at = deps.now();
        await recordExclusion(trx, memberId, by.memberId, reason, at);
        await audit(trx, { at, actorMemberId: by.memberId, actor: by.label, action: 'excluded', subjectType: 'member', subjectId: memberId, note: reason });
      }),
    reinstate: (memberId, by, note) =>
      deps.lock.run(async (trx) => {
        const open = await openExclusion(trx, memberId);
        if (!open) throw new DomainError('conflict', 'member is not excluded');
        const at = deps.now();
        await recordReinstatement(trx, memberId, by.memberId, note, at);
        await audit(trx, { at, actorMemberId: by.memberId, actor: by.label, action: 'reinstated', subjectType: 'member', subjectId: memberId, note });
        // Badges the member qualified for meanwhile, dated when they qualified (as recompute would).
        await awardBadges(trx, deps.badges, [memberId], at, null);
      }),
  };
}
