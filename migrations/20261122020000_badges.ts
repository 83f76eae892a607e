/**
 * Badge awards. Unlike scores, these rows are not rebuilt from scratch by `recompute`: an award's
 * id is its public address (shared pages, credentials), so recompute re-evaluates and changes
 * only what differs — new awards dated when first qualified, revocations marked, never deleted.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('badge_awards', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.string('badge_id', 60).notNullable();
    // Tells repeated awards of one badge apart: '' for a single award, the period for a top
    // finish, the count step for a repeatable count, the grant's origin for a manual badge.
    t.string('instance', 300).notNullable().defaultTo('');
    t.bigInteger('awarded_at').notNullable();
    // The activity that earned it, when one did (the 10th accepted answer, …).
    t.bigInteger('activity_id').nullable();
    t.integer('granted_by').nullable();
    t.text('reason').nullable();
    t.bigInteger('revoked_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['member_id', 'badge_id', 'instance']);
    t.index(['badge_id']);
  });

  // Periods whose top finishers have been granted their badges (once per badge and period).
  await knex.schema.createTable('badge_closures', (t) => {
    t.string('badge_id', 60).notNullable();
    t.string('period_start', 10).notNullable();
    t.bigInteger('closed_at').notNullable();
    t.primary(['badge_id', 'period_start']);
  });

  // The community's signing key for Open Badges 3.0 credentials (created on first use). The
  // public half is published as a JWKS; losing the private half only means re-signing.
  await knex.schema.createTable('signing_keys', (t) => {
    t.string('kid', 100).primary();
    t.text('public_jwk').notNullable();
    t.text('private_pkcs8').notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('signing_keys');
  await knex.schema.dropTable('badge_closures');
  await knex.schema.dropTable('badge_awards');
}
