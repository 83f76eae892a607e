/** Elections through the database (src/db/election.ts): one holder among instances, handed over on stop, taken over when a holder dies. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlywheel, type Flywheel } from '../../src/app/flywheel.js';
import type { Election } from '../../src/app/election.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/knex.js';
import { dialect, freshDatabaseUrl } from '../support/db.js';

const open: Flywheel[] = [];
const running: Election[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  await Promise.all(open.splice(0).map((fw) => fw.close()));
});

const clock = { now: Date.parse('2026-11-20T10:00:00Z') };

async function instances(n: number): Promise<Flywheel[]> {
  const url = dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-elect-')), 'fw.sqlite')}` : await freshDatabaseUrl();
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, '/nonexistent');
  const all = Array.from({ length: n }, () => createFlywheel(createDb(config.database), config, () => clock.now));
  open.push(...all);
  await all[0]!.maintenance.migrate();
  return all;
}

/** Runs for `name`, recording what it was told; polls only when the test says (a long timer). */
async function candidate(fw: Flywheel, events: string[]): Promise<Election> {
  const e = await fw.instance.elect('job', { onElected: async () => void events.push(`${fw.instance.name} elected`), onDeposed: async () => void events.push(`${fw.instance.name} deposed`) }, { leaseMs: 30_000, everyMs: 3_600_000 });
  running.push(e);
  return e;
}

describe('an election through the database', () => {
  it('has one holder among instances that run at once', async () => {
    const fws = await instances(4);
    const events: string[] = [];
    const elections = await Promise.all(fws.map((fw) => candidate(fw, events)));
    expect(elections.filter((e) => e.leading)).toHaveLength(1);
    expect(events).toHaveLength(1);
    // Renewals keep it where it is.
    for (const e of elections) await e.poll();
    expect(elections.filter((e) => e.leading)).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it('hands over at once when the holder stops, and after the lease when the holder dies', async () => {
    const [a, b, c] = await instances(3);
    const events: string[] = [];
    const ea = await candidate(a!, events);
    const eb = await candidate(b!, events);
    expect([ea.leading, eb.leading]).toEqual([true, false]);
    await ea.stop();
    expect(await eb.poll()).toBe(true);
    // b dies: it stops renewing. Nobody else takes the job while its lease lasts...
    const ec = await candidate(c!, events);
    expect(ec.leading).toBe(false);
    clock.now += 29_999;
    expect(await ec.poll()).toBe(false);
    // ...and c does once it has run out.
    clock.now += 1;
    expect(await ec.poll()).toBe(true);
    // b comes back to life: it finds the job taken and steps down instead of running it twice.
    expect(await eb.poll()).toBe(false);
    expect(events).toEqual([`${a!.instance.name} elected`, `${a!.instance.name} deposed`, `${b!.instance.name} elected`, `${c!.instance.name} elected`, `${b!.instance.name} deposed`]);
  });
});
