/**
 * Whether a member agreed to have their profile shared with the business behind the community
 * (CRM and lead exports). Off unless the member turns it on.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('members', (t) => {
    t.boolean('share_consent').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('members', (t) => {
    t.dropColumn('share_consent');
  });
}
