/**
 * One member across platforms. Members link themselves by proving both accounts — a short-lived
 * code handed out on Discord, entered on the site after signing in to the forum with
 * DiscourseConnect — and managers can merge or split members. A merge moves identities and
 * activities and rebuilds what is derived for the members it reaches, in one transaction, so
 * points, stages and badges read as if the person had always been one member. Nothing is ever
 * merged automatically: identities that only share a username are suggested.
 */
import { createHash, randomInt } from 'node:crypto';
import type { IdentityRef } from '../domain/activity.js';
import { DomainError } from '../domain/errors.js';
import type { Platform } from '../domain/kinds.js';
import { syncExcluded } from '../db/fair-play-repo.js';
import { identityKey, refreshMemberFlags, resolveMembers } from '../db/identities-repo.js';
import type { Tx } from '../db/knex.js';
import {
  accountsOfMember,
  countUnmerged,
  findLinkCode,
  insertLinkCode,
  insertSplitMember,
  markLinkCodeUsed,
  markMergedInto,
  memberNow,
  platformsOf,
  sharedUsernames,
} from '../db/links-repo.js';
import { moveMemberRows, splitMemberRows } from '../db/member-rows.js';
import { isMemberHidden, setMemberHidden } from '../db/members-repo.js';
import type { PipelineRules } from './award-pipeline.js';
import { rebuildMembers } from './member-rebuild.js';
import type { WriteLock } from './write-lock.js';

const CODE_MS = 15 * 60_000;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud, typed by hand
const hash = (code: string) => createHash('sha256').update(code.trim().toUpperCase()).digest('hex');

export interface LinkDeps {
  lock: WriteLock;
  rules: PipelineRules;
  memberOptions: () => { hiddenByDefault: boolean; now: number };
}

export interface MergeResult {
  memberId: number;
  merged: number;
}

async function merge(trx: Tx, keep: number, gone: number, deps: LinkDeps): Promise<MergeResult> {
  if (keep === gone) throw new DomainError('conflict', 'these accounts already belong to one member');
  const [a, b] = await Promise.all([platformsOf(trx, keep), platformsOf(trx, gone)]);
  const both = a.filter((p) => b.includes(p));
  // One account per platform per member: that is what lets a merge be undone by platform.
  if (both.length) throw new DomainError('conflict', `both members have a ${both[0]} account; a member holds one account per platform`);
  await moveMemberRows(trx, keep, gone);
  // Privacy follows the stricter choice.
  if (await isMemberHidden(trx, gone)) await setMemberHidden(trx, keep, true);
  await markMergedInto(trx, gone, keep);
  await refreshMemberFlags(trx, [keep]);
  // An exclusion moved with the rows: the stayer is excluded now (before the rebuild judges badges).
  await syncExcluded(trx, [keep, gone]);
  await rebuildMembers(trx, deps.rules, [keep, gone], deps.memberOptions().now);
  return { memberId: keep, merged: gone };
}

export function memberLinks(db: Tx, deps: LinkDeps) {
  const { lock } = deps;
  return {
    /** A code the member behind `discord` can enter on the site within 15 minutes. */
    async issueCode(discord: IdentityRef): Promise<{ code: string; expiresAt: number }> {
      return lock.run(async (trx) => {
        const memberId = (await resolveMembers(trx, [discord], deps.memberOptions())).get(identityKey(discord))!;
        const code = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
        const expiresAt = deps.memberOptions().now + CODE_MS;
        await insertLinkCode(trx, hash(code), memberId, expiresAt);
        return { code, expiresAt };
      });
    },

    /**
     * Link the forum account the visitor proved (DiscourseConnect) with the Discord account the
     * code proves. Both proofs are required; a code works once.
     */
    async linkWithCode(code: string, discourse: IdentityRef): Promise<MergeResult> {
      return lock.run(async (trx) => {
        const now = deps.memberOptions().now;
        const row = await findLinkCode(trx, hash(code));
        if (!row || row.usedAt !== null || row.expiresAt < now) throw new DomainError('invalid_parameter', 'code: unknown, used or expired — ask for a new one with /link in Discord');
        await markLinkCodeUsed(trx, row.codeHash, now);
        const forumMember = (await resolveMembers(trx, [discourse], deps.memberOptions())).get(identityKey(discourse))!;
        return merge(trx, await memberNow(trx, row.memberId), forumMember, deps);
      });
    },

    /** A manager joins two members (the first one stays). */
    merge: (keep: number, gone: number): Promise<MergeResult> =>
      lock.run(async (trx) => {
        if ((await countUnmerged(trx, [keep, gone])) !== 2) throw new DomainError('not_found', 'both members must exist and not be merged already');
        return merge(trx, keep, gone, deps);
      }),

    /** Undo a merge for one platform: that account and its activities become a member of their own again. */
    unmerge: (memberId: number, platform: Platform): Promise<MergeResult> =>
      lock.run(async (trx) => {
        const identities = await accountsOfMember(trx, memberId);
        const leaving = identities.find((i) => i.platform === platform);
        if (!leaving || identities.length < 2) throw new DomainError('invalid_parameter', `platform: member #${memberId} has no ${platform} account to split off`);
        const { hiddenByDefault, now } = deps.memberOptions();
        // The split-off account keeps the member's choice to be hidden, and a community that hides
        // new members hides this one too: a split never puts anyone on the boards.
        const split = await insertSplitMember(trx, {
          origin: `${platform}|${leaving.externalId}|split:${now}`,
          displayName: leaving.displayName || leaving.username || leaving.externalId,
          hidden: (await isMemberHidden(trx, memberId)) || hiddenByDefault,
          createdAt: now,
        });
        await splitMemberRows(trx, memberId, split, platform);
        await refreshMemberFlags(trx, [memberId, split]);
        await rebuildMembers(trx, deps.rules, [memberId, split], now);
        return { memberId, merged: split };
      }),

    /** Members on different platforms sharing a username: suggestions for a manager, never merged by themselves. */
    async suggestions(): Promise<Array<{ username: string; members: Array<{ id: number; platform: string; displayName: string }> }>> {
      const byName = new Map<string, Array<{ id: number; platform: string; displayName: string }>>();
      for (const r of await sharedUsernames(db)) {
        const key = String(r.username).toLowerCase();
        byName.set(key, [...(byName.get(key) ?? []), { id: r.memberId, platform: r.platform, displayName: r.displayName }]);
      }
      return [...byName.entries()].map(([username, members]) => ({ username, members }));
    },
  };
}

export type MemberLinks = ReturnType<typeof memberLinks>;
