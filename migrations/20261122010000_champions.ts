/**
 * Champions: nominations (and endorsements of them), the terms champions serve, the audit log of
 * every decision, and settings the site keeps for itself (the session secret).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('nominations', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    // Null when the admin signed in with the password rather than as a member.
    t.integer('nominated_by').nullable().references('id').inTable('members');
    // nomination (by a manager), suggestion (by a member), renewal (of a serving champion).
    t.string('kind', 20).notNullable().defaultTo('nomination');
    t.text('reason').notNullable();
    t.string('space', 20).notNullable();
    // JSON array of evidence links.
    t.text('evidence').notNullable().defaultTo('[]');
    // pending → approved | declined; decisions are final.
    t.string('status', 20).notNullable().defaultTo('pending');
    t.integer('decided_by').nullable().references('id').inTable('members');
    t.bigInteger('decided_at').nullable();
    t.text('decision_note').nullable();
    // Where it was made, e.g. "discord:interaction:<id>": a redelivered command records nothing twice.
    t.string('origin', 300).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.index(['member_id', 'status']);
    t.index(['status', 'created_at']);
  });

  // A second nomination of someone already waiting for review: it adds its voice to the first.
  await knex.schema.createTable('endorsements', (t) => {
    t.increments('id').primary();
    t.integer('nomination_id').notNullable().references('id').inTable('nominations');
    t.integer('member_id').nullable().references('id').inTable('members');
    t.text('reason').notNullable();
    t.text('evidence').notNullable().defaultTo('[]');
    t.string('origin', 300).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.index(['nomination_id']);
  });

  await knex.schema.createTable('champions', (t) => {
    t.increments('id').primary();
    t.integer('member_id').notNullable().references('id').inTable('members');
    t.integer('nomination_id').notNullable().references('id').inTable('nominations');
    t.string('space', 20).notNullable();
    t.text('citation').notNullable();
    t.bigInteger('term_start').notNullable();
    t.bigInteger('term_end').notNullable();
    // active while serving; alumni once the term ended (kept on the roster as past champions).
    t.string('status', 20).notNullable().defaultTo('active');
    t.integer('appointed_by').nullable().references('id').inTable('members');
    t.bigInteger('ended_at').nullable();
    t.index(['member_id']);
    t.index(['status', 'term_end']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('at').notNullable();
    t.integer('actor_member_id').nullable().references('id').inTable('members');
    // How the actor signed in ("discord:<id>", "password") — readable even without a member.
    t.string('actor', 200).notNullable();
    t.string('action', 40).notNullable();
    t.string('subject_type', 20).notNullable();
    t.integer('subject_id').notNullable();
    t.text('note').nullable();
    t.index(['at']);
  });

  await knex.schema.createTable('settings', (t) => {
    t.string('key', 60).primary();
    t.text('value').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['settings', 'audit_log', 'champions', 'endorsements', 'nominations']) await knex.schema.dropTable(table);
}
