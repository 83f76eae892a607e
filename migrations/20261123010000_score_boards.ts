/**
 * Scores name their board by a small integer. Every award moves ~24 score rows (6 periods × 4
 * filters), each in two B-trees: the key, and `scores_top`, where the big boards (all time, year,
 * quarter) put each member's entry on a page of its own. With the board's four text columns in
 * every entry of both trees, writing those pages back was most of ingest's cost onto a large
 * community. Entries of three integers take about a third of the room: at 1M activities both
 * trees went from 805 to 280 MB, and ingest onto that database was ~25% faster.
 */
import type { Knex } from 'knex';

const BOARD = ['period', 'period_start', 'space', 'platform'] as const;
const sameBoard = (a: string, b: string) => BOARD.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');

async function createTable(knex: Knex, table: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  const create = knex.schema.createTable(table, build);
  if (knex.client.config.client !== 'sqlite3') return create;
  // Stored in its key's B-tree on SQLite (WITHOUT ROWID), as scores always were.
  const [statement] = create.toSQL();
  await knex.raw(`${statement!.sql} WITHOUT ROWID`, statement!.bindings as never[]);
}

async function swap(knex: Knex, replacement: string): Promise<void> {
  await knex.schema.dropTable('scores');
  await knex.schema.renameTable(replacement, 'scores');
  // PostgreSQL keeps the key's constraint name through the rename; give the table's own back.
  if (knex.client.config.client !== 'sqlite3') await knex.raw(`ALTER TABLE scores RENAME CONSTRAINT ${replacement}_pkey TO scores_pkey`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('boards', (t) => {
    t.increments('id');
    t.string('period', 10).notNullable();
    t.string('period_start', 10).notNullable();
    t.string('space', 20).notNullable();
    t.string('platform', 20).notNullable();
    t.unique([...BOARD], { indexName: 'boards_key' });
  });
  await knex.raw(`INSERT INTO boards (${BOARD.join(', ')}) SELECT DISTINCT ${BOARD.join(', ')} FROM scores ORDER BY ${BOARD.join(', ')}`);
  await createTable(knex, 'scores_boarded', (t) => {
    t.integer('member_id').notNullable();
    t.integer('board_id').notNullable();
    t.integer('points').notNullable();
    t.primary(['member_id', 'board_id']);
  });
  await knex.raw(
    `INSERT INTO scores_boarded (member_id, board_id, points)
     SELECT s.member_id, b.id, s.points FROM scores s JOIN boards b ON ${sameBoard('b', 's')} ORDER BY s.member_id, b.id`,
  );
  await swap(knex, 'scores_boarded');
  // Read backwards, this index yields a board's top N with no sort (ties: newest member first).
  await knex.schema.alterTable('scores', (t) => t.index(['board_id', 'points', 'member_id'], 'scores_top'));
}

export async function down(knex: Knex): Promise<void> {
  await createTable(knex, 'scores_named', (t) => {
    t.integer('member_id').notNullable();
    t.string('period', 10).notNullable();
    t.string('period_start', 10).notNullable();
    t.string('space', 20).notNullable();
    t.string('platform', 20).notNullable();
    t.integer('points').notNullable();
    t.primary(['member_id', ...BOARD]);
  });
  await knex.raw(
    `INSERT INTO scores_named (member_id, ${BOARD.join(', ')}, points)
     SELECT s.member_id, ${BOARD.map((c) => `b.${c}`).join(', ')}, s.points FROM scores s JOIN boards b ON b.id = s.board_id
     ORDER BY s.member_id, ${BOARD.map((c) => `b.${c}`).join(', ')}`,
  );
  await swap(knex, 'scores_named');
  await knex.schema.alterTable('scores', (t) => t.index([...BOARD, 'points', 'member_id'], 'scores_top'));
  await knex.schema.dropTable('boards');
}
