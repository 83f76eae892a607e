/**
 * Clearing what a rebuild writes again from the ledger: the derived tables of MEMBER_TABLES and
 * the members' derived columns, for everyone (`recompute`) or for some members (after a merge).
 */
import { DERIVED_TABLES } from './member-tables.js';
import type { Tx } from './knex.js';

/** What members carry that is derived from the ledger (the derived tables are listed in member-tables.ts). */
const UNDERIVED_MEMBER = { stage: null, stage_since: null, first_seen_at: null, first_participated_at: null, stage_evaluated_at: null };

/** Every derived row and column, for every member. */
export async function clearAllDerived(trx: Tx): Promise<void> {
  for (const table of DERIVED_TABLES) await trx(table).delete();
  await trx('members').update(UNDERIVED_MEMBER);
}

/** The derived rows and columns of these members (a chunk small enough for one IN list). */
export async function clearDerivedOf(trx: Tx, memberIds: readonly number[]): Promise<void> {
  for (const table of DERIVED_TABLES) await trx(table).whereIn('member_id', memberIds).delete();
  await trx('members').whereIn('id', memberIds).update(UNDERIVED_MEMBER);
}
