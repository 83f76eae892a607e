/**
 * Contributions beyond chat: what members submit for a manager's approval (a talk, a post, a
 * review), and the API tokens automations record contributions with (only their hash is kept).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('contribution_submissions', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.string('kind', 40).notNullable();
    t.string('title', 300).nullable();
    t.text('url').nullable();
    t.string('event', 200).nullable();
    // The day it happened (YYYY-MM-DD), as the member gave it.
    t.string('day', 10).notNullable();
    t.text('note').nullable();
    // Where the submission came from (a Discord interaction, a web form): a resubmission is a no-op.
    t.string('origin', 300).notNullable().unique();
    t.string('status', 20).notNullable();
    t.bigInteger('submitted_at').notNullable();
    t.bigInteger('decided_at').nullable();
    t.integer('decided_by').nullable().references('id').inTable('members');
    t.text('decision_note').nullable();
    // The natural key of the activity the approval recorded.
    t.string('activity_key', 300).nullable();
    t.index(['status', 'submitted_at']);
    t.index(['member_id']);
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.increments('id').primary();
    t.string('name', 100).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('created_by').nullable().references('id').inTable('members');
    t.string('created_by_label', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_used_at').nullable();
    t.bigInteger('revoked_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_tokens');
  await knex.schema.dropTable('contribution_submissions');
}
