/** Read back what the pipeline recorded, per Discord member, for assertions. */
import type { Flywheel } from '../../src/app/flywheel.js';
import type { Db } from '../../src/db/knex.js';

export interface Recorded {
  key: string;
  kind: string;
  who: string;
  points: number;
  reason: string;
}

export async function recorded(fw: { db: Db }): Promise<Recorded[]> {
  const rows = await fw
    .db('activities as a')
    .join('awards as w', 'w.activity_id', 'a.id')
    .join('identities as i', 'i.member_id', 'w.member_id')
    .select('a.natural_key as key', 'w.kind', 'i.external_id as who', 'w.points', 'w.reason')
    .orderBy('w.id');
  return rows.map((r: Recorded) => ({ ...r, points: Number(r.points) }));
}

/** Total points a Discord member holds in the maintained scores (all time, everything). */
export async function totalOf(fw: Flywheel, discordId: string): Promise<number> {
  const standing = await fw.members.standing('discord', discordId);
  return standing?.all.points ?? 0;
}

/**
 * Everything a member would notice, keyed by natural keys and origins (never by row ids): the
 * ledger, awards, maintained scores, badges and stages. Compare two to prove nothing changed.
 */
export async function stateOf(db: Db) {
  return {
    ledger: await db('activities').select('natural_key', 'kind', 'occurred_at').orderBy('natural_key'),
    awards: await db('awards as w')
      .join('activities as a', 'a.id', 'w.activity_id')
      .join('members as m', 'm.id', 'w.member_id')
      .select('a.natural_key', 'm.origin', 'w.kind', 'w.points', 'w.reason')
      // An answer has two rows under fair play (0 until endorsed, then its pay): order those too.
      .orderBy(['a.natural_key', 'm.origin', 'w.kind', 'w.reason', 'w.points']),
    scores: await db('scores as s')
      .join('boards as b', 'b.id', 's.board_id')
      .join('members as m', 'm.id', 's.member_id')
      .select('m.origin', 'b.period', 'b.period_start', 'b.space', 'b.platform', 's.points')
      .whereNot('s.points', 0)
      .orderBy(['m.origin', 'b.period', 'b.period_start', 'b.space', 'b.platform']),
    badges: await db('badge_awards as b').join('members as m', 'm.id', 'b.member_id').select('m.origin', 'b.badge_id', 'b.instance', 'b.awarded_at', 'b.revoked_at').orderBy(['m.origin', 'b.badge_id', 'b.instance']),
    stages: await db('members').select('origin', 'stage', 'stage_since').orderBy('origin'),
  };
}
