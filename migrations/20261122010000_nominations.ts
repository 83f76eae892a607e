/**
 * Nominations: a manager (or, later, a member) names someone as a champion candidate, with a
 * reason. The champions workflow (review, terms, roster) builds on these rows.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('nominations', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.integer('nominated_by').notNullable().references('id').inTable('members');
    t.text('reason').notNullable();
    t.string('space', 20).notNullable();
    // JSON array of evidence links.
    t.text('evidence').notNullable().defaultTo('[]');
    t.string('status', 20).notNullable().defaultTo('pending');
    // Where it was made, e.g. "discord:interaction:<id>": a redelivered command records nothing twice.
    t.string('origin', 300).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.index(['member_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('nominations');
}
