/** Nominations: a manager names a champion candidate with a reason. Review comes with the champions workflow. */
import type { IdentityRef } from '../domain/activity.js';
import { DomainError } from '../domain/errors.js';
import type { Space } from '../domain/kinds.js';
import { identityKey, resolveMembers } from '../db/identities-repo.js';
import type { WriteLock } from './write-lock.js';

export interface NominationInput {
  member: IdentityRef;
  by: IdentityRef;
  reason: string;
  space: Space;
  evidence: string[];
  /** Natural key of where the nomination was made; a redelivery records nothing new. */
  origin: string;
}

export interface NominationResult {
  id: number;
  memberId: number;
  /** Earlier nominations of the same member still waiting for review. */
  pendingBefore: number;
  duplicate: boolean;
}

export async function nominate(lock: WriteLock, input: NominationInput, options: { hiddenByDefault: boolean; now: number }): Promise<NominationResult> {
  const reason = input.reason.trim();
  if (reason.length < 3) throw new DomainError('invalid_parameter', 'reason: expected a few words on why');
  if (input.member.platform === input.by.platform && input.member.externalId === input.by.externalId)
    throw new DomainError('invalid_parameter', 'member: you cannot nominate yourself');
  return lock.run(async (trx) => {
    const members = await resolveMembers(trx, [input.member, input.by], options);
    const memberId = members.get(identityKey(input.member))!;
    const existing = await trx('nominations').select('id').where({ origin: input.origin }).first();
    const pending = await trx('nominations').count({ n: '*' }).where({ member_id: memberId, status: 'pending' }).first();
    const pendingBefore = Number(pending?.n ?? 0);
    if (existing) return { id: existing.id, memberId, pendingBefore: pendingBefore - 1, duplicate: true };
    const [row] = await trx('nominations')
      .insert({
        member_id: memberId,
        nominated_by: members.get(identityKey(input.by))!,
        reason: reason.slice(0, 1000),
        space: input.space,
        evidence: JSON.stringify(input.evidence),
        origin: input.origin,
        created_at: options.now,
      })
      .returning('id');
    return { id: typeof row === 'object' ? row.id : row, memberId, pendingBefore, duplicate: false };
  });
}
