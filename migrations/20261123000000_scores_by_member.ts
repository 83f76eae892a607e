/**
 * Scores keyed by member first. A batch adds each award to ~24 score rows of its member (6 periods
 * × 4 filters); keyed by board first, those rows lay on ~24 different pages of the table, keyed by
 * member they lie together. Each batch of 1,000 activities dirtied ~16,000 pages, most of them
 * here, and writing them back was ~40% of ingest: onto the 1M-activity database, ingest is
 * ~15–20% faster. Boards are read through `scores_top`, as before.
 */
import type { Knex } from 'knex';

const COLUMNS = ['period', 'period_start', 'space', 'platform', 'member_id', 'points'] as const;

async function createScores(knex: Knex, table: string, key: readonly string[]): Promise<void> {
  const create = knex.schema.createTable(table, (t) => {
    t.string('period', 10).notNullable();
    t.string('period_start', 10).notNullable();
    t.string('space', 20).notNullable();
    t.string('platform', 20).notNullable();
    t.integer('member_id').notNullable();
    t.integer('points').notNullable();
    t.primary([...key]);
  });
  if (knex.client.config.client !== 'sqlite3') return create;
  // Stored in its key's B-tree on SQLite (WITHOUT ROWID), as the first migration made it.
  const [statement] = create.toSQL();
  await knex.raw(`${statement!.sql} WITHOUT ROWID`, statement!.bindings as never[]);
}

async function rekey(knex: Knex, key: readonly string[]): Promise<void> {
  await createScores(knex, 'scores_rekeyed', key);
  const columns = COLUMNS.join(', ');
  await knex.raw(`INSERT INTO scores_rekeyed (${columns}) SELECT ${columns} FROM scores ORDER BY ${key.join(', ')}`);
  await knex.schema.dropTable('scores');
  await knex.schema.renameTable('scores_rekeyed', 'scores');
  // PostgreSQL keeps the key's constraint name through the rename; give the table's own back.
  if (knex.client.config.client !== 'sqlite3') await knex.raw('ALTER TABLE scores RENAME CONSTRAINT scores_rekeyed_pkey TO scores_pkey');
  // Read backwards, this index yields a top-N with no sort (ties: newest member first).
  await knex.schema.alterTable('scores', (t) => t.index(['period', 'period_start', 'space', 'platform', 'points', 'member_id'], 'scores_top'));
}

export async function up(knex: Knex): Promise<void> {
  await rekey(knex, ['member_id', 'period', 'period_start', 'space', 'platform']);
}

export async function down(knex: Knex): Promise<void> {
  await rekey(knex, ['period', 'period_start', 'space', 'platform', 'member_id']);
}
