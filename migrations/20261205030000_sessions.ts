/**
 * Sessions kept on the server, so they can be ended: the cookie holds a random token, the table
 * its hash, who signed in, and a fingerprint of what granted their role (a sign-out, a manager
 * taken off the list, a manager role taken away or a new admin password ends them). Nonces are one-time values a sign-in
 * hands out and takes back exactly once, on whichever instance the answer arrives.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    // The token itself is never stored: only its hash.
    t.string('id_hash', 64).primary();
    t.string('discord_id', 32).nullable();
    t.string('name', 200).notNullable();
    t.string('role', 20).notNullable();
    t.string('grant_key', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    // When a grant that lives outside the configuration (a Discord role) was last confirmed.
    t.bigInteger('checked_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
    t.index(['discord_id']);
  });
  await knex.schema.createTable('nonces', (t) => {
    t.string('purpose', 40).notNullable();
    t.string('nonce_hash', 64).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['purpose', 'nonce_hash']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('nonces');
  await knex.schema.dropTable('sessions');
}
