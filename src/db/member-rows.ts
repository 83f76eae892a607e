/**
 * A member's rows across every table of MEMBER_TABLES: moved by a merge or a split, read for the
 * personal-data export, erased on request. Each operation follows the list's rule for the column.
 */
import type { Tx } from './knex.js';
import { MEMBER_TABLES, memberColumns } from './member-tables.js';

/** Point the merged-away member's rows at the member who stays (derived rows are rebuilt after). */
export async function moveMemberRows(trx: Tx, keep: number, gone: number): Promise<void> {
  for (const t of MEMBER_TABLES)
    for (const [column, rule] of Object.entries(t.columns)) {
      if (rule.merge !== 'move') continue;
      // One of two identical rows goes (the stayer's is kept: its id may be public).
      if (t.distinctBy)
        await trx(t.table)
          .where(column, gone)
          .whereExists(function () {
            this.select(trx.raw('1')).from(`${t.table} as kept`).where(`kept.${column}`, keep);
            for (const c of t.distinctBy!) this.andWhereRaw('?? = ??', [`kept.${c}`, `${t.table}.${c}`]);
          })
          .delete();
      await trx(t.table).where(column, gone).update({ [column]: keep });
    }
}

/** Move the rows of one platform from `from` to the split-off member `to`. */
export async function splitMemberRows(trx: Tx, from: number, to: number, platform: string): Promise<void> {
  for (const { table, column, rule } of memberColumns())
    if (rule.split === 'by-platform') await trx(table).where({ [column]: from, platform }).update({ [column]: to });
}

/** Everything the list says to show the member, keyed as the export names it. */
export async function memberRows(db: Tx, memberId: number): Promise<Record<string, unknown[]>> {
  const reads = memberColumns().flatMap(({ table, column, rule }) =>
    'as' in rule.export ? [{ as: rule.export.as, rows: db(table).select(...rule.export.select).where(column, memberId).orderBy(rule.export.orderBy) }] : [],
  );
  const rows = await Promise.all(reads.map((r) => r.rows));
  return Object.fromEntries(reads.map((r, i) => [r.as, rows[i]!]));
}

/** Delete or empty what the list says goes when a member asks for their data to be deleted. */
export async function eraseMemberRows(trx: Tx, memberId: number): Promise<void> {
  for (const { table, column, rule } of memberColumns()) {
    if (rule.erase === 'delete') await trx(table).where(column, memberId).delete();
    else if ('scrub' in rule.erase) await trx(table).where(column, memberId).update(Object.fromEntries(rule.erase.scrub.map((c) => [c, null])));
  }
}
