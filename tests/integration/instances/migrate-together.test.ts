/**
 * Instances started together on a new PostgreSQL database (a first deployment of three, a
 * rollout): each migrates on start. They take turns, so all of them start and each migration
 * runs once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { flywheelOver, freshDatabaseUrl } from '../../support/db.js';

const open: ReturnType<typeof flywheelOver>[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fw) => fw.close()));
});

describe('instances migrating a new database at once', () => {
  it('all start, and every migration is applied once', async () => {
    const config = loadConfig({ DATABASE_URL: await freshDatabaseUrl(), LOG_LEVEL: 'silent' }, '/nonexistent');
    for (let i = 0; i < 4; i++) open.push(flywheelOver(config));
    const applied = await Promise.all(open.map((fw) => fw.maintenance.migrate()));
    // One instance applied them all; the others found nothing left to do.
    expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
    const names = await open[0]!.db('knex_migrations').pluck('name');
    expect(names.length).toBe(applied.flat().length);
    expect(new Set(names).size).toBe(names.length);
  });
});
