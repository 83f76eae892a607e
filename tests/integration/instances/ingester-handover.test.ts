/**
 * Two Flywheels over one PostgreSQL database in one process (as two instances): one is elected
 * ingester; the other's deliveries are answered with their outcomes all the same; when the
 * ingester goes away, the other takes over within about a second and nothing stored is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createDb } from '../../../src/db/knex.js';
import { createFlywheel, type Flywheel } from '../../../src/app/flywheel.js';
import { act, discord } from '../../support/builders.js';
import { freshDatabaseUrl } from '../../support/db.js';

const open: Flywheel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fw) => fw.close()));
});

async function instance(url: string): Promise<Flywheel> {
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, '/nonexistent');
  const fw = createFlywheel(createDb(config.database), config);
  open.push(fw);
  return fw;
}

const question = (n: number) => act('question_asked', discord(String(100 + n)), Date.now() - 60_000, { key: `handover:${n}` });

describe('the elected ingester', () => {
  it('is one instance; the other is answered through it, and takes over when it goes away', async () => {
    const url = await freshDatabaseUrl();
    const a = await instance(url);
    await a.maintenance.migrate();
    await a.inbox.start();
    const b = await instance(url);
    await b.inbox.start();
    expect(await a.inbox.submit([question(1)])).toMatchObject({ outcomes: [{ status: 'awarded', points: 2 }] });
    expect([a.inbox.ingesting(), b.inbox.ingesting()]).toEqual([true, false]);

    // b stores, a ingests, b answers with the outcome.
    expect(await b.inbox.submit([question(2)])).toMatchObject({ outcomes: [{ status: 'awarded', points: 2 }] });

    await a.close();
    open.splice(open.indexOf(a), 1);
    const from = performance.now();
    expect(await b.inbox.submit([question(3)])).toMatchObject({ outcomes: [{ status: 'awarded', points: 2 }] });
    expect(performance.now() - from).toBeLessThan(2_000);
    expect(b.inbox.ingesting()).toBe(true);
    expect(await b.ledger.recordedKeys(['handover:1', 'handover:2', 'handover:3'])).toEqual(new Set(['handover:1', 'handover:2', 'handover:3']));
  });
});
