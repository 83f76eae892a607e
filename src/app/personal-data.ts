/**
 * A member's own data: everything Flywheel holds about them, to download, and deletion on request —
 * identities and personal fields go; anonymous counts (scores, badge totals) stay. What each table
 * gives and loses is said once, in src/db/member-tables.ts.
 */
import type { Tx } from '../db/knex.js';
import { eraseMemberRows, memberRows } from '../db/member-rows.js';
import type { WriteLock } from './write-lock.js';

export async function exportMember(db: Tx, memberId: number): Promise<Record<string, unknown>> {
  const [member, rows] = await Promise.all([
    db('members').select('id', 'display_name', 'hidden', 'excluded', 'stage', 'stage_since', 'first_seen_at', 'first_participated_at', 'created_at').where({ id: memberId }).first(),
    memberRows(db, memberId),
  ]);
  return { exportedAt: new Date().toISOString(), member, ...rows };
}

export async function deleteMember(lock: WriteLock, memberId: number, now: number): Promise<void> {
  await lock.run(async (trx) => {
    await eraseMemberRows(trx, memberId);
    await trx('members')
      .where({ id: memberId })
      .update({ display_name: 'Deleted member', origin: `deleted:${memberId}`, hidden: true });
    await trx('audit_log').insert({ at: now, actor_member_id: memberId, actor: 'member', action: 'deleted', subject_type: 'member', subject_id: memberId, note: 'personal data deleted on request' });
  });
}
