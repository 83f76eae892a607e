/** The immutable activity ledger: append (idempotently, by natural key) and read back in order. */
import type { LedgerActivity } from '../domain/activity.js';
import type { LedgerKind, Platform, Role, Space } from '../domain/kinds.js';
import { inChunks, insertRows } from './bulk.js';
import type { Tx } from './knex.js';

/** A ledger row about to be appended: the activity, plus what is recorded beside it. */
export interface NewLedgerRow extends Omit<LedgerActivity, 'id' | 'space'> {
  space: Space;
  role: Role;
  url: string | null;
  payload: string | null;
}

const COLUMNS = [
  'natural_key',
  'kind',
  'platform',
  'member_id',
  'counterpart_member_id',
  'occurred_at',
  'space',
  'role',
  'source_ref',
  'subject_ref',
  'reverses',
  'source_url',
  'payload',
  'points',
  'recorded_at',
] as const;

/** Append rows; a natural key already in the ledger is skipped. Returns key → id of the rows written. */
export async function appendActivities(db: Tx, rows: readonly NewLedgerRow[], now: number): Promise<Map<string, number>> {
  const written = await insertRows<{ id: number; natural_key: string }>(
    db,
    'activities',
    COLUMNS,
    rows.map((r) => [
      r.key,
      r.kind,
      r.platform,
      r.memberId,
      r.counterpartId,
      r.occurredAt,
      r.space,
      r.role,
      r.sourceRef,
      r.subjectRef,
      r.reverses,
      r.url,
      r.payload,
      r.points,
      now,
    ]),
    { onConflict: 'ON CONFLICT ("natural_key") DO NOTHING', returning: ['id', 'natural_key'] },
  );
  return new Map(written.map((w) => [w.natural_key, Number(w.id)]));
}

interface ActivityRow {
  id: number;
  natural_key: string;
  kind: LedgerKind;
  platform: Platform;
  member_id: number;
  counterpart_member_id: number | null;
  occurred_at: number;
  source_ref: string;
  subject_ref: string | null;
  reverses: string | null;
  points: number | null;
  space: Space;
}

export const toLedgerActivity = (r: ActivityRow): LedgerActivity => ({
  id: Number(r.id),
  key: r.natural_key,
  kind: r.kind,
  platform: r.platform,
  memberId: r.member_id,
  counterpartId: r.counterpart_member_id,
  occurredAt: Number(r.occurred_at),
  sourceRef: r.source_ref,
  subjectRef: r.subject_ref,
  reverses: r.reverses,
  points: r.points,
  space: r.kind === 'manual_award' ? r.space : null,
});

const LEDGER_COLUMNS = ['id', 'natural_key', 'kind', 'platform', 'member_id', 'counterpart_member_id', 'occurred_at', 'source_ref', 'subject_ref', 'reverses', 'points', 'space'];

/** Ledger rows after `afterId`, in arrival order. */
export async function readLedger(db: Tx, afterId: number, limit: number): Promise<LedgerActivity[]> {
  const rows: ActivityRow[] = await db('activities')
    .select(LEDGER_COLUMNS)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit);
  return rows.map(toLedgerActivity);
}

/** Which of these natural keys the ledger already holds. */
export async function existingKeys(db: Tx, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 500)
    for (const row of await db('activities').select('natural_key').whereIn('natural_key', keys.slice(i, i + 500))) found.add(row.natural_key as string);
  return found;
}

/** Sources that a reversal recorded before `beforeId` already cancelled. */
export async function reversedSources(db: Tx, sources: readonly string[], beforeId: number): Promise<string[]> {
  if (sources.length === 0) return [];
  const rows: Array<{ reverses: string }> = [];
  for (let i = 0; i < sources.length; i += 2000) {
    rows.push(
      ...(await db('activities')
        .distinct('reverses')
        .whereIn('reverses', sources.slice(i, i + 2000))
        .andWhere('kind', 'reversal')
        .andWhere('id', '<', beforeId)),
    );
  }
  return rows.map((r) => r.reverses);
}

/** The ledger rows of `memberIds`, and every reversal of their sources, in arrival order. */
export async function ledgerOf(db: Tx, memberIds: readonly number[]): Promise<LedgerActivity[]> {
  const own: ActivityRow[] = await inChunks(memberIds, 1000, (chunk) => db('activities').select(LEDGER_COLUMNS).whereIn('member_id', chunk));
  const sources = [...new Set(own.map((r) => r.source_ref))];
  const reversals: ActivityRow[] = await inChunks(sources, 2000, (chunk) =>
    db('activities').select(LEDGER_COLUMNS).where('kind', 'reversal').whereIn('reverses', chunk),
  );
  const byId = new Map<number, ActivityRow>([...own, ...reversals].map((r) => [Number(r.id), r]));
  return [...byId.values()].map(toLedgerActivity).sort((a, b) => a.id - b.id);
}

/** Members with an activity toward one of `memberIds` (as its counterpart), themselves excluded. */
export async function actorsToward(db: Tx, memberIds: readonly number[]): Promise<number[]> {
  // Not DISTINCT in SQL: SQLite would walk the member index and look every row up, ~10× a scan.
  const rows: Array<{ member_id: number }> = await inChunks(memberIds, 1000, (chunk) =>
    db('activities').select('member_id').whereIn('counterpart_member_id', chunk),
  );
  const ids = new Set(memberIds);
  return [...new Set(rows.map((r) => Number(r.member_id)))].filter((id) => !ids.has(id));
}

/** When the member first did each of `kinds` (kinds never done are absent). */
export async function firstOccurrences(db: Tx, memberId: number, kinds: readonly LedgerKind[]): Promise<Map<string, number>> {
  const rows: Array<{ kind: string; at: number | string }> = await db('activities').select('kind').min({ at: 'occurred_at' }).where({ member_id: memberId }).whereIn('kind', kinds).groupBy('kind');
  return new Map(rows.map((r) => [r.kind, Number(r.at)]));
}
