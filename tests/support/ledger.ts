/** Read back what the pipeline recorded, per Discord member, for assertions. */
import type { Flywheel } from '../../src/app/flywheel.js';

export interface Recorded {
  key: string;
  kind: string;
  who: string;
  points: number;
  reason: string;
}

export async function recorded(fw: Flywheel): Promise<Recorded[]> {
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
  const standing = await fw.standing('discord', discordId);
  return standing?.all.points ?? 0;
}
