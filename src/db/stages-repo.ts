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

/** When each member's journey was last evaluated. */
export async function evaluatedAt(db: Tx, memberIds: readonly number[]): Promise<Map<number, number | null>> {
  const rows = await inChunks(memberIds, 2000, (chunk) => db('members').select('id', 'stage_evaluated_at').whereIn('id', chunk));
  return new Map(rows.map((r: { id: number; stage_evaluated_at: number | null }) => [r.id, r.stage_evaluated_at === null ? null : Number(r.stage_evaluated_at)]));
}

/**
 * Store rebuilt journeys (derived data: replaced, not edited in place) and mark every evaluated
 * member with the instant it was evaluated at.
 */
export async function saveJourneys(
  db: Tx,
  changed: ReadonlyArray<{ memberId: number; timeline: readonly StageTransition[] }>,
  evaluated: readonly number[],
  asOf: number,
): Promise<void> {
  if (changed.length > 0) {
    await inChunks(
      changed.map((j) => j.memberId),
      2000,
      async (chunk) => {
        await db('stage_transitions').whereIn('member_id', chunk).delete();
        return [];
      },
    );
    await insertRows(
      db,
      'stage_transitions',
      ['member_id', 'stage', 'at'],
      changed.flatMap((j) => j.timeline.map((t) => [j.memberId, t.stage, t.at])),
    );
  }
  const changedById = new Map(changed.map((j) => [j.memberId, j.timeline.at(-1) ?? null]));
  await updateRows(
    db,
    'members',
    { name: 'id', type: 'INTEGER' },
    [{ name: 'stage_evaluated_at', type: 'BIGINT' }],
    evaluated.filter((id) => !changedById.has(id)).map((id) => [id, asOf]),
  );
  await updateRows(
    db,
    'members',
    { name: 'id', type: 'INTEGER' },
    [
      { name: 'stage_evaluated_at', type: 'BIGINT' },
      { name: 'stage', type: 'TEXT' },
      { name: 'stage_since', type: 'BIGINT' },
    ],
    [...changedById].map(([id, last]) => [id, asOf, last?.stage ?? null, last?.at ?? null]),
  );
}

/**
 * Members a monthly review can demote (contributors and advocates not evaluated since `lastReview`),
 * after `after` in id order, `limit` at a time.
 */
export async function membersDueForReview(db: Tx, lastReview: number, after: number, limit: number): Promise<number[]> {
  const rows = await db('members')
    .select('id')
    .whereIn('stage', ['contributor', 'advocate'])
    .andWhere((q) => q.whereNull('stage_evaluated_at').orWhere('stage_evaluated_at', '<', lastReview))
    .andWhere('id', '>', after)
    .orderBy('id')
    .limit(limit);
  return rows.map((r: { id: number }) => r.id);
}
