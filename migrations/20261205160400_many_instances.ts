/**
 * Several `serve` processes (and CLI runs) over one database:
 * - an outbox row is claimed before it is sent (`claimed_by` until `lease_until`), so only one
 *   process sends it and a claimant that dies is replaced once its lease has run out;
 * - rate limits are counted in one place for every instance (`rate_limits`);
 * - work only one process may do (the Discord gateway) is held by whoever holds its lease row
 *   (`elections`), renewed while the holder lives.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.string('claimed_by', 120).nullable();
    t.bigInteger('lease_until').nullable();
  });
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 400).primary();
    t.integer('hits').notNullable();
    t.bigInteger('reset_at').notNullable();
    t.index(['reset_at']);
  });
  await knex.schema.createTable('elections', (t) => {
    t.string('name', 100).primary();
    t.string('holder', 120).notNullable();
    t.bigInteger('lease_until').notNullable();
    t.bigInteger('since').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('elections');
  await knex.schema.dropTable('rate_limits');
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('lease_until');
    t.dropColumn('claimed_by');
  });
}
