/**
 * The outbox: what Flywheel owes other systems (a badge to grant on the forum), written in the
 * same transaction as what caused it, delivered later with retries. Nothing is lost when the other
 * side is down; the unique key means nothing is owed twice.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id').primary();
    t.string('key', 200).notNullable().unique();
    t.string('kind', 40).notNullable();
    t.text('payload').notNullable();
    // pending → done (delivered, or the other side says it already holds it)
    t.string('status', 20).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('done_at').nullable();
    t.index(['status', 'next_attempt_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
}
