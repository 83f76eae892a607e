/**
 * The ingest ceiling, same run, same machine: plain multi-row INSERTs of the same activities into
 * a bare table with knex + sqlite3, one transaction per 1,000 rows. No keys, no pipeline — what the
 * stack can write at best.
 */
import knexFactory from 'knex';
import type { ActivityInput } from '../../src/domain/activity.js';

const COLUMNS = ['natural_key', 'kind', 'platform', 'actor', 'counterpart', 'occurred_at', 'source_ref', 'subject_ref', 'reverses', 'source_url', 'payload'];

const flat = (a: ActivityInput) => ({
  natural_key: a.key,
  kind: a.kind,
  platform: a.platform,
  actor: a.actor.externalId,
  counterpart: a.counterpart?.externalId ?? null,
  occurred_at: Number(a.occurredAt),
  source_ref: a.source ?? a.key,
  subject_ref: a.subject ?? null,
  reverses: a.reverses ?? null,
  source_url: a.url ?? null,
  payload: a.payload ? JSON.stringify(a.payload) : null,
});

/**
 * Rows per second of bare inserts over `batches` (each ≤ 1,000 rows): into a SQLite file, or into
 * a scratch table of the PostgreSQL database the bench runs on.
 */
export async function ceiling(target: { sqlite: string } | { postgres: string }, batches: Iterable<ActivityInput[]>): Promise<{ rows: number; perSec: number }> {
  const db =
    'sqlite' in target
      ? knexFactory({ client: 'sqlite3', connection: { filename: target.sqlite }, useNullAsDefault: true, pool: { min: 1, max: 1 } })
      : knexFactory({ client: 'pg', connection: target.postgres, pool: { min: 1, max: 1 } });
  try {
    // The same pragmas Flywheel's connection uses, so only the work differs.
    if ('sqlite' in target) for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'cache_size = -65536', 'temp_store = MEMORY']) await db.raw(`PRAGMA ${pragma}`);
    await db.schema.dropTableIfExists('bare_activities');
    await db.schema.createTable('bare_activities', (t) => {
      for (const c of COLUMNS) c === 'occurred_at' ? t.bigInteger(c) : t.text(c);
    });
    let rows = 0;
    let ms = 0;
    // knex's own multi-row insert on SQLite is a UNION ALL of SELECTs (500 terms at most): write VALUES lists.
    const tuple = `(${COLUMNS.map(() => '?').join(',')})`;
    for (const batch of batches) {
      const bindings = batch.flatMap((a) => Object.values(flat(a)));
      const sql = `INSERT INTO bare_activities (${COLUMNS.join(',')}) VALUES ${new Array(batch.length).fill(tuple).join(',')}`;
      const started = performance.now();
      await db.transaction((trx) => trx.raw(sql, bindings));
      ms += performance.now() - started;
      rows += batch.length;
    }
    await db.schema.dropTable('bare_activities');
    return { rows, perSec: Math.round(rows / (ms / 1000)) };
  } finally {
    await db.destroy();
  }
}
