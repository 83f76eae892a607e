/**
 * Migrations come from an explicit list (no directory scanning): what runs is what is imported here.
 * Migrations are never edited once landed; add a new file and a new line.
 */
import type { Knex } from 'knex';
import * as ledger from '../../migrations/20261122000000_ledger.js';
import * as champions from '../../migrations/20261122010000_champions.js';
import * as badges from '../../migrations/20261122020000_badges.js';
import * as shareConsent from '../../migrations/20261122030000_share_consent.js';
import * as outbox from '../../migrations/20261122040000_outbox.js';
import * as memberLinks from '../../migrations/20261122050000_member_links.js';
import * as badgeIndexes from '../../migrations/20261122060000_badge_indexes.js';
import * as scoresByMember from '../../migrations/20261123000000_scores_by_member.js';
import * as scoreBoards from '../../migrations/20261123010000_score_boards.js';
import * as sessions from '../../migrations/20261205030000_sessions.js';
import * as fairPlayExclusions from '../../migrations/20261205060000_fair_play_exclusions.js';
import * as contributions from '../../migrations/20261205080000_contributions.js';
import * as sessionIdentities from '../../migrations/20261205090000_session_identities.js';
import * as manyInstances from '../../migrations/20261205160400_many_instances.js';
import * as inbox from '../../migrations/20261205160500_inbox.js';
import * as identityAvatars from '../../migrations/20261205160600_identity_avatars.js';
import * as news from '../../migrations/20261206040000_news.js';
import { isPostgres, type Db } from './knex.js';

type Migration = Pick<Knex.Migration, 'up' | 'down'>;

const MIGRATIONS: ReadonlyArray<[string, Migration]> = [
  ['20261122000000_ledger', ledger],
  ['20261122010000_champions', champions],
  ['20261122020000_badges', badges],
  ['20261122030000_share_consent', shareConsent],
  ['20261122040000_outbox', outbox],
  ['20261122050000_member_links', memberLinks],
  ['20261122060000_badge_indexes', badgeIndexes],
  ['20261123000000_scores_by_member', scoresByMember],
  ['20261123010000_score_boards', scoreBoards],
  ['20261205030000_sessions', sessions],
  ['20261205060000_fair_play_exclusions', fairPlayExclusions],
  ['20261205080000_contributions', contributions],
  ['20261205090000_session_identities', sessionIdentities],
  ['20261205160400_many_instances', manyInstances],
  ['20261205160500_inbox', inbox],
  ['20261205160600_identity_avatars', identityAvatars],
  ['20261206040000_news', news],
];

const source: Knex.MigrationSource<[string, Migration]> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: ([name]) => name,
  getMigration: async ([, migration]) => migration,
};

/** The advisory lock instances take turns on to migrate ('fwmg'). */
const MIGRATING = 0x66776d67;

/** Apply every pending migration; returns the names applied. */
export async function migrateLatest(db: Db): Promise<string[]> {
  const latest = async () => ((await db.migrate.latest({ migrationSource: source })) as [number, string[]])[1];
  if (!isPostgres(db)) return latest();
  // Instances started together on a new database would each create knex's own bookkeeping tables
  // (before knex's migration lock exists) and all but one fail: they take turns instead, the lock
  // held by a transaction of its own while the migrations run on other connections of the pool.
  return db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATING]);
    return latest();
  });
}
