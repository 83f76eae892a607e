/**
 * What one thing (a post, a topic) has in the ledger, for withdrawing and reinstating it: every
 * activity filed under its reference (or about it), who it belongs to on the platform, and when —
 * if ever — a reversal cancelled its source.
 */
import { REVERSAL } from '../domain/kinds.js';
import type { LedgerKind } from '../domain/kinds.js';
import { inChunks } from './bulk.js';
import type { Tx } from './knex.js';

export interface FiledActivity {
  key: string;
  kind: LedgerKind;
  sourceRef: string;
  subjectRef: string | null;
  occurredAt: number;
  url: string | null;
  payload: string | null;
  actorExternalId: string;
  counterpartExternalId: string | null;
  /** When the reversal of its source was recorded; null while it stands. */
  reversedAt: number | null;
}

/** Activities whose source is `ref` or lies under `ref:` (and, given `subject`, those about it), reversals left out. */
export async function activitiesFiledUnder(db: Tx, ref: string, platform: string, subject?: string): Promise<FiledActivity[]> {
  const rows: any[] = await db('activities as a')
    .join('identities as i', function () {
      this.on('i.member_id', '=', 'a.member_id').andOn('i.platform', '=', db.raw('?', [platform]));
    })
    .leftJoin('identities as c', function () {
      this.on('c.member_id', '=', 'a.counterpart_member_id').andOn('c.platform', '=', db.raw('?', [platform]));
    })
    .select('a.natural_key', 'a.kind', 'a.source_ref', 'a.subject_ref', 'a.occurred_at', 'a.source_url', 'a.payload', 'i.external_id as actor', 'c.external_id as counterpart')
    // A range instead of LIKE: the source_ref index serves it on both dialects, whatever the collation.
    .where((q) => {
      q.where('a.source_ref', ref).orWhere((r) => r.where('a.source_ref', '>=', `${ref}:`).andWhere('a.source_ref', '<', `${ref};`));
      if (subject) q.orWhere('a.subject_ref', subject);
    })
    .andWhereNot('a.kind', REVERSAL)
    .orderBy(['a.id', 'i.id', 'c.id']);
  const sources = [...new Set(rows.map((r) => r.source_ref as string))];
  const reversals: any[] = await inChunks(sources, 500, (chunk) => db('activities').select('reverses', 'occurred_at').where('kind', REVERSAL).whereIn('reverses', chunk));
  const reversedAt = new Map<string, number>(reversals.map((r) => [r.reverses as string, Number(r.occurred_at)]));
  const seen = new Set<string>();
  return rows.flatMap((r) => {
    // A member with two identities on the platform appears twice: one row per activity.
    if (seen.has(r.natural_key)) return [];
    seen.add(r.natural_key);
    return [
      {
        key: r.natural_key,
        kind: r.kind,
        sourceRef: r.source_ref,
        subjectRef: r.subject_ref ?? null,
        occurredAt: Number(r.occurred_at),
        url: r.source_url ?? null,
        payload: r.payload ?? null,
        actorExternalId: String(r.actor),
        counterpartExternalId: r.counterpart === null || r.counterpart === undefined ? null : String(r.counterpart),
        reversedAt: reversedAt.get(r.source_ref) ?? null,
      },
    ];
  });
}
