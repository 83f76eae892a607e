/**
 * A member's own data: everything Flywheel holds about them, to download, and deletion on request —
 * identities and personal fields go; anonymous counts (scores, badge totals) stay. What each table
 * gives and loses is said once, in src/db/member-tables.ts.
 */
import type { Tx } from '../db/knex.js';
import { audit } from '../db/champions-repo.js';
import { eraseMemberRows, memberRows } from '../db/member-rows.js';
import { markMemberDeleted, memberRecord } from '../db/members-repo.js';
import type { WriteLock } from './write-lock.js';

export async function exportMember(db: Tx, memberId: number): Promise<Record<string, unknown>> {
  const [member, rows] = await Promise.all([
    memberRecord(db, memberId),
    memberRows(db, memberId),
  ]);
  return { exportedAt: new Date().toISOString(), member, ...rows };
}

export async function deleteMember(lock: WriteLock, memberId: number, now: number): Promise<void> {
  await lock.run(async (trx) => {
    await eraseMemberRows(trx, memberId);
    await markMemberDeleted(trx, memberId);
    await audit(trx, { at: now, actorMemberId: memberId, actor: 'member', action: 'deleted', subjectType: 'member', subjectId: memberId, note: 'personal data deleted on request' });
  });
}
