/** Stage transitions (the journey) and each member's current stage. */
import type { Stage, StageTransition } from '../domain/stages.js';
import { inChunks, insertRows, updateRows } from './bulk.js';
import type { Tx } from './knex.js';

export async function transitionsOf(db: Tx, memberIds: readonly number[]): Promise<Map<number, StageTransition[]>> {
  const rows = await inChunks(memberIds, 2000, (chunk) =>
    db('stage_transitions').select('member_id', 'stage', 'at').whereIn('member_id', chunk).orderBy(['member_id', 'at', 'id']),
  );
  const out = new Map<number, StageTransition[]>();
  for (const r of rows) {
    const list = out.get(r.member_id) ?? [];
    list.push({ stage: r.stage as Stage, at: Number(r.at) });
    out.set(r.member_id, list);
  }
  return out;
}

/** Replace the journeys of some members (derived data: rebuilt, not edited in place). */
export async function replaceTransitions(
  db: Tx,
  journeys: ReadonlyArray<{ memberId: number; firstSeenAt: number | null; timeline: readonly StageTransition[] }>,
): Promise<void> {
  if (journeys.length === 0) return;
  const ids = journeys.map((j) => j.memberId);
  await inChunks(ids, 2000, async (chunk) => {
    await db('stage_transitions').whereIn('member_id', chunk).delete();
    return [];
  });
  await insertRows(
    db,
    'stage_transitions',
    ['member_id', 'stage', 'at'],
    journeys.flatMap((j) => j.timeline.map((t) => [j.memberId, t.stage, t.at])),
  );
  await updateRows(
    db,
    'members',
    { name: 'id', type: 'INTEGER' },
    [
      { name: 'stage', type: 'TEXT' },
      { name: 'stage_since', type: 'BIGINT' },
      { name: 'first_seen_at', type: 'BIGINT' },
    ],
    journeys.map((j) => {
      const last = j.timeline.at(-1);
      return [j.memberId, last?.stage ?? null, last?.at ?? null, j.firstSeenAt];
    }),
  );
}
