/**
 * Withdrawing everything one thing earned: when a Discord message (or a forum post) is deleted,
 * every source recorded under its reference — the message itself, thanks given in it, thanks and
 * reactions it received, its acceptance — gets a reversal. Reversal keys derive from the source,
 * so a repeated delete (or a reaction removed before the delete) records nothing twice.
 */
import type { ActivityInput } from '../domain/activity.js';
import type { Platform } from '../domain/kinds.js';
import type { Tx } from '../db/knex.js';

export const reversalKey = (source: string): string => `${source}:reversed`;

/** Reversals for `ref` and every source under `ref:`, acting as the member each source belongs to. */
export async function reversalsUnder(db: Tx, ref: string, platform: Platform, at: number): Promise<ActivityInput[]> {
  // A range instead of LIKE: the source_ref index serves it on both dialects, whatever the collation.
  const rows: Array<{ source_ref: string; external_id: string }> = await db('activities as a')
    .join('identities as i', function () {
      this.on('i.member_id', '=', 'a.member_id').andOn('i.platform', '=', db.raw('?', [platform]));
    })
    .distinct('a.source_ref', 'i.external_id')
    .where((q) => q.where('a.source_ref', ref).orWhere((r) => r.where('a.source_ref', '>=', `${ref}:`).andWhere('a.source_ref', '<', `${ref};`)))
    .andWhereNot('a.kind', 'reversal')
    .orderBy('a.source_ref');
  const seen = new Set<string>();
  return rows.flatMap((r) => {
    if (seen.has(r.source_ref)) return [];
    seen.add(r.source_ref);
    return [{ key: reversalKey(r.source_ref), kind: 'reversal' as const, platform, actor: { platform, externalId: r.external_id }, occurredAt: at, reverses: r.source_ref }];
  });
}
