/**
 * A fresh, migrated database for a test: in-memory SQLite in the `sqlite` project, a new
 * database on the run's PostgreSQL cluster in the `postgres` project. Same tests, both dialects.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { createFlywheel, type Flywheel } from '../../src/app/flywheel.js';

export const dialect = (): 'sqlite' | 'postgres' => (process.env.FLYWHEEL_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite');

export async function freshDatabaseUrl(): Promise<string> {
  if (dialect() === 'sqlite') return 'sqlite::memory:';
  const admin = inject('postgresUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return admin.replace(/\/[^/]*$/, `/${name}`);
}

/** Adapters get neither the database nor the whole configuration; tests may look at both. */
export interface TestFlywheel extends Flywheel {
  clock: { now: number };
  /** The test's own handle on the database (the writer's connection), to look at rows directly. */
  db: Db;
  config: Config;
}

/** A migrated Flywheel on a fresh database, with a settable clock. */
export async function testFlywheel(env: Env = {}, configure?: (c: Config) => void): Promise<TestFlywheel> {
  const url = await freshDatabaseUrl();
  // PostgreSQL requires a site address when badges go to the forum: the one every test site had by default.
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000', ...env }, '/nonexistent');
  configure?.(config);
  const db: Db = createDb(config.database);
  const clock = { now: Date.parse('2026-11-22T12:00:00Z') };
  const fw = createFlywheel(db, config, () => clock.now);
  await fw.maintenance.migrate();
  return Object.assign(fw, { clock, db, config });
}

/**
 * Rules without fair play's limits and endorsement wait (as a community may configure them): for
 * tests about other rules whose stories pay answers at once or accept many answers from one asker.
 */
export const withoutFairPlay = (c: Config): void => {
  c.rules.fairPlay = { ...c.rules.fairPlay, endorsementsPerPair: null, acceptedPerPair: null, answersNeedEndorsement: false };
};

/** A Flywheel over the database `config` names, opened the way the CLI opens it, with the test's own handle on that database. */
export function flywheelOver(config: Config, now: () => number = Date.now): Flywheel & { db: Db; config: Config } {
  const db = createDb(config.database);
  return Object.assign(createFlywheel(db, config, now), { db, config });
}
