/**
 * News published by any instance (stage moves, badges granted or taken back, champions
 * appointed, private word to a member), waiting for the one instance that holds the Discord
 * gateway to announce it. A row is claimed before it is announced (`claimed_by`, `lease_until`),
 * marked done by its claimant (`done_at`), and claimed again if its lease runs out. Rows nobody
 * consumed within a day (no bot anywhere) are purged with the done ones, so the table stays small.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('news', (t) => {
    t.bigIncrements('id').primary();
    t.text('payload').notNullable();
    t.bigInteger('created_at').notNullable();
    t.string('claimed_by', 120).nullable();
    t.bigInteger('lease_until').nullable();
    t.bigInteger('done_at').nullable();
    // The subscriber reads the oldest rows not done; the purge finds old ones.
    t.index(['done_at', 'id']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('news');
}
