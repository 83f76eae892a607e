/** Privacy: a member chooses whether public boards and pages show them. */
import type { IdentityRef } from '../domain/activity.js';
import { identityKey, resolveMembers } from '../db/identities-repo.js';
import { setMemberHidden } from '../db/members-repo.js';
import type { WriteLock } from './write-lock.js';

/** Show or hide the member behind `identity` (creating the member if they have no activity yet). */
export async function setHidden(lock: WriteLock, identity: IdentityRef, hidden: boolean, options: { hiddenByDefault: boolean; now: number }): Promise<number> {
  return lock.run(async (trx) => {
    const members = await resolveMembers(trx, [identity], options);
    const memberId = members.get(identityKey(identity))!;
    await setMemberHidden(trx, memberId, hidden);
    return memberId;
  });
}
