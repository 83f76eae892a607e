/**
 * Instances started together on a new PostgreSQL database (a first deployment of three, a
 * rollout): each migrates on start. They take turns, so all of them start and each migration
 * runs once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createDb } from '../../../src/db/knex.js';
import { createFlywheel, type Flywheel } from '../../../src/app/flywheel.js';
import { freshDatabaseUrl } from '../../support/db.js';

const open: Flywheel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fw) => fw.close()));
});

describe('instances migrating a new database at once', () => {
  it('all start, and every migration is applied once', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl(), LOG_LEVEL: 'silent' }, '/nonexistent');
    for (let i = 0; i < 4; i++) open.push(createFlywheel(createDb(config.database), config));
    const applied = await Promise.all(open.map((fw) => fw.migrate()));
    // One instance applied them all; the others found nothing left to do.
    expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
    const names = await open[0]!.db('knex_migrations').pluck('name');
    expect(names.length).toBe(applied.flat().length);
    expect(new Set(names).size).toBe(names.length);
  });
});
