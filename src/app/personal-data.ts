/**
 * A member's own data: everything Flywheel holds about them, to download, and deletion on request —
 * identities and personal fields go; anonymous counts (scores, badge totals) stay.
 */
import type { Tx } from '../db/knex.js';
import type { WriteLock } from './write-lock.js';

export async function exportMember(db: Tx, memberId: number): Promise<Record<string, unknown>> {
  const [member, identities, activities, awards, badges, nominations, terms] = await Promise.all([
    db('members').select('id', 'display_name', 'hidden', 'stage', 'stage_since', 'first_seen_at', 'first_participated_at', 'created_at').where({ id: memberId }).first(),
    db('identities').select('platform', 'external_id', 'username', 'display_name', 'created_at').where({ member_id: memberId }),
    db('activities').select('natural_key', 'kind', 'platform', 'occurred_at', 'source_url', 'payload').where({ member_id: memberId }).orderBy('id'),
    db('awards').select('kind', 'points', 'reason', 'occurred_at', 'day').where({ member_id: memberId }).orderBy('id'),
    db('badge_awards').select('id', 'badge_id', 'awarded_at', 'revoked_at').where({ member_id: memberId }).orderBy('id'),
    // Decision notes stay with the community team; the nomination and its outcome are the member's.
    db('nominations').select('kind', 'reason', 'space', 'status', 'created_at').where({ member_id: memberId }),
    db('champions').select('space', 'citation', 'term_start', 'term_end', 'status').where({ member_id: memberId }),
  ]);
  return { exportedAt: new Date().toISOString(), member, identities, activities, awards, badges, nominations, championTerms: terms };
}

export async function deleteMember(lock: WriteLock, memberId: number, now: number): Promise<void> {
  await lock.run(async (trx) => {
    await trx('identities').where({ member_id: memberId }).delete();
    await trx('members')
      .where({ id: memberId })
      .update({ display_name: 'Deleted member', origin: `deleted:${memberId}`, hidden: true });
    await trx('activities').where({ member_id: memberId }).update({ source_url: null, payload: null });
    await trx('audit_log').insert({ at: now, actor_member_id: memberId, actor: 'member', action: 'deleted', subject_type: 'member', subject_id: memberId, note: 'personal data deleted on request' });
  });
}
