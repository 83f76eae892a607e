/**
 * The ledger and what is derived from it. `activities` is immutable history; every other table
 * here can be rebuilt from it by `flywheel recompute`.
 */
import type { Knex } from 'knex';

// On SQLite, tables looked up by their composite primary key are stored in that key's B-tree
// (WITHOUT ROWID): one B-tree less to maintain on every upsert of the batch path.
async function keyed(knex: Knex, table: string, build: (t: Knex.CreateTableBuilder) => void): Promise<void> {
  const create = knex.schema.createTable(table, build);
  if (knex.client.config.client !== 'sqlite3') return create;
  const [table_, ...indexes] = create.toSQL();
  await knex.raw(`${table_!.sql} WITHOUT ROWID`, table_!.bindings as never[]);
  for (const index of indexes) await knex.raw(index.sql, index.bindings as never[]);
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('members', (t) => {
    t.increments('id').primary();
    // The identity this member was first created from ("platform|external id"): lets a batch
    // create many members in one statement and map the returned ids back.
    t.string('origin', 300).notNullable().unique();
    t.string('display_name', 200).notNullable();
    t.boolean('is_bot').notNullable().defaultTo(false);
    t.boolean('is_staff').notNullable().defaultTo(false);
    t.boolean('hidden').notNullable().defaultTo(false);
    t.string('stage', 20).nullable();
    t.bigInteger('stage_since').nullable();
    t.bigInteger('first_seen_at').nullable();
    t.bigInteger('first_participated_at').nullable();
    // The instant the journey was last evaluated: a refresh resumes from here (or earlier).
    t.bigInteger('stage_evaluated_at').nullable();
    t.bigInteger('created_at').notNullable();
  });

  await knex.schema.createTable('identities', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.string('platform', 20).notNullable();
    t.string('external_id', 200).notNullable();
    t.string('username', 200).nullable();
    t.string('display_name', 200).nullable();
    t.boolean('is_bot').notNullable().defaultTo(false);
    t.boolean('is_staff').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.unique(['platform', 'external_id']);
    t.index(['member_id']);
  });

  await knex.schema.createTable('activities', (t) => {
    t.bigIncrements('id').primary();
    t.string('natural_key', 300).notNullable().unique();
    t.string('kind', 40).notNullable();
    t.string('platform', 20).notNullable();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.integer('counterpart_member_id').nullable().references('id').inTable('members');
    t.bigInteger('occurred_at').notNullable();
    t.string('space', 20).notNullable();
    t.string('role', 20).notNullable();
    t.string('source_ref', 300).notNullable();
    t.string('subject_ref', 300).nullable();
    t.string('reverses', 300).nullable();
    t.text('source_url').nullable();
    t.text('payload').nullable();
    t.integer('points').nullable();
    t.bigInteger('recorded_at').notNullable();
    t.index(['source_ref']);
    t.index(['subject_ref']);
    t.index(['reverses']);
    t.index(['member_id', 'occurred_at']);
  });

  await knex.schema.createTable('awards', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('activity_id').notNullable().references('id').inTable('activities');
    t.integer('member_id').notNullable();
    t.integer('counterpart_member_id').nullable();
    t.string('kind', 40).notNullable();
    t.string('platform', 20).notNullable();
    t.string('space', 20).notNullable();
    t.string('role', 20).notNullable();
    t.integer('points').notNullable();
    t.string('reason', 40).notNullable();
    t.boolean('capped').notNullable();
    t.boolean('production').notNullable();
    t.boolean('participation').notNullable();
    t.bigInteger('occurred_at').notNullable();
    t.string('day', 10).notNullable();
    t.bigInteger('cancels_activity_id').nullable();
    t.index(['activity_id']);
    // Only reversal rows: a full index would tempt planners to walk every original award
    // for "cancels_activity_id IS NULL".
    t.index(['cancels_activity_id'], 'awards_cancels_index', { predicate: knex.whereNotNull('cancels_activity_id') });
    t.index(['member_id', 'occurred_at']);
  });

  await keyed(knex, 'scores', (t) => {
    t.string('period', 10).notNullable();
    t.string('period_start', 10).notNullable();
    t.string('space', 20).notNullable();
    t.string('platform', 20).notNullable();
    t.integer('member_id').notNullable();
    t.integer('points').notNullable();
    t.primary(['period', 'period_start', 'space', 'platform', 'member_id']);
    // Read backwards, this index yields a top-N with no sort (ties: newest member first).
    t.index(['period', 'period_start', 'space', 'platform', 'points', 'member_id'], 'scores_top');
  });

  // Local day → the start of every period containing it; lets the database roll awards up into
  // scores itself (same SQL on both dialects) instead of binding every score row from JS.
  await keyed(knex, 'calendar', (t) => {
    t.string('day', 10).primary();
    t.string('week', 10).notNullable();
    t.string('month', 10).notNullable();
    t.string('quarter', 10).notNullable();
    t.string('year', 10).notNullable();
  });

  await keyed(knex, 'member_days', (t) => {
    t.integer('member_id').notNullable();
    t.string('day', 10).notNullable();
    t.integer('points').notNullable();
    t.integer('capped_points').notNullable();
    t.integer('activities').notNullable();
    t.integer('produced').notNullable();
    t.bigInteger('first_at').notNullable();
    t.bigInteger('participated_at').nullable();
    t.bigInteger('produced_at').nullable();
    t.primary(['member_id', 'day']);
  });

  await keyed(knex, 'member_helped', (t) => {
    t.integer('member_id').notNullable();
    t.integer('helped_member_id').notNullable();
    t.integer('helps').notNullable();
    t.bigInteger('first_at').notNullable();
    t.primary(['member_id', 'helped_member_id']);
  });

  await knex.schema.createTable('stage_transitions', (t) => {
    t.bigIncrements('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.string('stage', 20).notNullable();
    t.bigInteger('at').notNullable();
    t.index(['member_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['stage_transitions', 'member_helped', 'member_days', 'calendar', 'scores', 'awards', 'activities', 'identities', 'members']) {
    await knex.schema.dropTableIfExists(table);
  }
}
