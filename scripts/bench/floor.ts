/**
 * The floor of Flywheel's own schema, same run, same machine: the ledger and award rows the
 * pipeline just wrote, appended again batch by batch — alone — into an empty database with
 * Flywheel's tables, keys and indexes. No decisions, scores, stages or badges: only the two
 * appends every ingest must make. Where this alone misses a target, no pipeline on this schema
 * can meet it; the gap between this and ingest is what the pipeline itself costs.
 */
import { createDb, type Db } from '../../src/db/knex.js';
import { insertRows } from '../../src/db/bulk.js';
import { migrateLatest } from '../../src/db/migrate.js';

type Row = Record<string, unknown>;

async function append(db: Db, table: string, rows: readonly Row[], onConflict?: string): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  await insertRows(
    db,
    table,
    columns,
    rows.map((r) => columns.map((c) => r[c])),
    onConflict ? { onConflict, returning: ['id', 'natural_key'] } : {},
  );
}

/** Activities per second of appending `source`'s ledger and awards, `batchSize` activities per transaction, into a new SQLite file. */
export async function schemaFloor(source: Db, file: string, batchSize: number): Promise<{ rows: number; perSec: number }> {
  const target = createDb({ client: 'sqlite', filename: file });
  try {
    await migrateLatest(target);
    // Members first, untimed: the ledger's rows point at them.
    for (let after = 0; ; ) {
      const members: Row[] = await source('members').where('id', '>', after).orderBy('id').limit(5000);
      if (members.length === 0) break;
      await append(target, 'members', members);
      after = members.at(-1)!.id as number;
    }
    let rows = 0;
    let ms = 0;
    for (let after = 0; ; ) {
      const activities: Row[] = await source('activities').where('id', '>', after).orderBy('id').limit(batchSize);
      if (activities.length === 0) break;
      const last = activities.at(-1)!.id as number;
      const awards: Row[] = await source('awards').where('activity_id', '>', after).andWhere('activity_id', '<=', last).orderBy('id');
      // The same statements ingest makes: the ledger by natural key (returning the new ids), then the awards.
      const started = performance.now();
      await target.transaction(async (trx) => {
        await append(trx, 'activities', activities, 'ON CONFLICT ("natural_key") DO NOTHING');
        await append(trx, 'awards', awards);
      });
      ms += performance.now() - started;
      rows += activities.length;
      after = last;
    }
    return { rows, perSec: Math.round(rows / (ms / 1000)) };
  } finally {
    await target.destroy();
  }
}
