/**
 * Fair play: a manager can exclude a member from boards and badges, and reinstate them. Each
 * exclusion is a record (who, when, why; who reinstated, when, why) — never an edit of history —
 * and `members.excluded` mirrors the open one, so board reads filter on the row they already read.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('exclusions', (t) => {
    t.bigIncrements('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.bigInteger('excluded_at').notNullable();
    t.integer('excluded_by').nullable().references('id').inTable('members');
    t.text('reason').notNullable();
    t.bigInteger('reinstated_at').nullable();
    t.integer('reinstated_by').nullable().references('id').inTable('members');
    t.text('reinstate_note').nullable();
    t.index(['member_id']);
  });
  await knex.schema.alterTable('members', (t) => {
    t.boolean('excluded').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('members', (t) => t.dropColumn('excluded'));
  await knex.schema.dropTable('exclusions');
}
