/**
 * Members have faces: each identity keeps its avatar as the platform gives it — a Discord avatar
 * hash, a Discourse avatar_template with {size} — and the site turns it into an address.
 * Existing identities have none until the platform next tells us (a message, a webhook, an import).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('identities', (t) => {
    t.string('avatar', 500).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('identities', (t) => {
    t.dropColumn('avatar');
  });
}
