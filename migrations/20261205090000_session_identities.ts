/**
 * Sessions name the identity that signed in (a Discord account or a forum account), not only a
 * Discord id: a member who is only on the forum signs in too. Existing sessions keep their Discord
 * account; the admin password's sessions name none.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.string('platform', 20).nullable();
    t.string('external_id', 200).nullable();
  });
  await knex('sessions').whereNotNull('discord_id').update({ platform: 'discord', external_id: knex.ref('discord_id') });
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['discord_id']);
    t.dropColumn('discord_id');
    // Ending every session of a member's identities (their data deleted) is an indexed delete.
    t.index(['platform', 'external_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.string('discord_id', 32).nullable();
  });
  // A forum session has no Discord id to fall back to: it ends.
  await knex('sessions').whereNot({ platform: 'discord' }).delete();
  await knex('sessions').where({ platform: 'discord' }).update({ discord_id: knex.ref('external_id') });
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['platform', 'external_id']);
    t.dropColumn('platform');
    t.dropColumn('external_id');
    t.index(['discord_id']);
  });
}
