/**
 * One member, two platforms: short-lived codes that prove a Discord account while its owner signs
 * in to the forum, and a pointer from a merged-away member to the one they became.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('link_codes', (t) => {
    // The code itself is never stored: only its hash.
    t.string('code_hash', 64).primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
  });
  await knex.schema.alterTable('members', (t) => {
    t.integer('merged_into').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('members', (t) => {
    t.dropColumn('merged_into');
  });
  await knex.schema.dropTable('link_codes');
}
