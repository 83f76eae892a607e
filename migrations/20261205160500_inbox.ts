/**
 * The inbox: deliveries every instance has accepted (a webhook answered only after its row
 * commits), waiting for the one elected ingester to run them through the pipeline in large
 * batches. `delivery_key` is the delivery's natural key (a digest of its activities' natural
 * keys), so a copy sent to two instances at once is stored once. A processed row keeps its
 * outcomes a few minutes (for the instance that waits to answer with them), then is purged.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inbox', (t) => {
    t.bigIncrements('id').primary();
    t.string('delivery_key', 64).notNullable().unique();
    t.text('activities').notNullable();
    t.bigInteger('received_at').notNullable();
    t.bigInteger('processed_at').nullable();
    t.text('outcomes').nullable();
    // The ingester reads the oldest unprocessed rows; the purge finds old processed ones.
    t.index(['processed_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('inbox');
}
