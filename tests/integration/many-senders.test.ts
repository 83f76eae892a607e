/**
 * Several Flywheel instances (and a `flywheel discourse deliver` run beside them) over one
 * database send the outbox at the same time: every grant reaches the forum exactly once, and a
 * sender that dies holding a row is replaced once its lease has run out.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlywheel, type Flywheel } from '../../src/app/flywheel.js';
import { loadConfig, type Config } from '../../src/config.js';
import { claimDue } from '../../src/db/outbox-repo.js';
import { createDb, createReadDb, type Db } from '../../src/db/knex.js';
import { DISCOURSE_BADGE } from '../../src/app/outbox.js';
import { forumSender } from '../../src/discourse/write-back.js';
import { act } from '../support/builders.js';
import { dialect, freshDatabaseUrl } from '../support/db.js';
import { FakeDiscourse } from '../support/fake-discourse.js';

const run = promisify(execFile);
const T = Date.parse('2026-11-20T10:00:00Z');
const HELPERS = 60;

let forum: FakeDiscourse;
let env: Record<string, string>;
/** An instance, with the test's own handle on the database and its configuration (adapters get neither). */
type Instance = Flywheel & { db: Db; config: Config };
const open: Instance[] = [];

/** One more instance over the shared database: its own connections, its own name. */
function instance(now: () => number = Date.now): Instance {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' }, '/nonexistent');
  const db = createDb(config.database);
  const fw = Object.assign(createFlywheel(db, config, now, createReadDb(config.database, db)), { db, config });
  open.push(fw);
  return fw;
}

const grantPosts = () => forum.requests.filter((r) => r.method === 'POST' && r.path === '/user_badges.json').length;

beforeEach(async () => {
  forum = await new FakeDiscourse().start();
  forum.badges.push({ id: 7, name: 'First Solution', badge_type_id: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'fw-senders-'));
  // The catalog every instance and the CLI read: the first accepted answer is granted on the forum as badge 7.
  writeFileSync(
    join(dir, 'flywheel.yaml'),
    'badges:\n  - { id: first-solution, name: First Solution, description: x, tier: bronze, icon: check, earn: { count: { kind: answer_accepted, atLeast: 1 } }, discourse: 7 }\n',
  );
  env = {
    DATABASE_URL: dialect() === 'sqlite' ? `sqlite:${join(dir, 'fw.sqlite')}` : await freshDatabaseUrl(),
    FLYWHEEL_CONFIG: join(dir, 'flywheel.yaml'),
    DISCOURSE_URL: forum.url,
    DISCOURSE_API_KEY: forum.apiKey,
    DISCOURSE_API_USERNAME: 'system',
    PUBLIC_URL: 'https://community.example.org',
  };
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((fw) => fw.close()));
  await forum.stop();
});

/** `HELPERS` members with forum accounts each have an answer accepted: that many grants owed. */
async function owe(fw: Instance): Promise<void> {
  await fw.maintenance.migrate();
  const acts = Array.from({ length: HELPERS }, (_, i) =>
    act('answer_accepted', { platform: 'discourse', externalId: String(100 + i), username: `helper${i}` }, T + i, {
      counterpart: { platform: 'discourse', externalId: String(1000 + i), username: `asker${i}` },
      subject: `q${i}`,
    }),
  );
  await fw.ingest(acts);
  expect(Number((await fw.db('outbox').count({ n: '*' }).first())!.n)).toBe(HELPERS);
}

describe('the outbox under many senders', () => {
  it('sends every grant exactly once while three instances and a CLI run deliver at the same time', async () => {
    const first = instance();
    await owe(first);
    const senders = [first, instance(), instance()];
    // A slow forum keeps every sender busy at once.
    forum.grantDelayMs = 30;
    const cli = run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'discourse', 'deliver'], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, timeout: 60_000 });
    const cliPid = cli.child.pid!;
    // The instances start while the CLI run is sending (its first grant has reached the forum).
    const started = Date.now();
    while (forum.requests.length === 0 && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 10));
    // Each instance delivers until nothing is due (25 a round, like serve's timer).
    const drain = async (fw: Instance) => {
      let total = 0;
      for (let n = -1; n !== 0; total += n) n = await fw.badges.deliverOutbox(forumSender(fw.config));
      return total;
    };
    const counts = await Promise.all(senders.map(drain));
    await cli;
    expect(forum.grants).toHaveLength(HELPERS);
    expect(new Set(forum.grants.map((g) => g.username)).size).toBe(HELPERS);
    // What the issue measured: every grant POSTed once, not two or three times.
    expect(grantPosts()).toBe(HELPERS);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(HELPERS);
    const rows = await first.db('outbox').select('status', 'attempts', 'claimed_by');
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
    // The work was shared: the CLI run and the instances each sent some.
    const claimants = new Set(rows.map((r) => r.claimed_by));
    expect([...claimants].some((c) => c.includes(`:${cliPid}:`))).toBe(true);
    expect(claimants.size).toBeGreaterThan(2);
  });

  it('retries a row whose sender died holding it, once its lease has run out, and never before', async () => {
    const clock = { now: T + 60_000 };
    const survivor = instance(() => clock.now);
    await owe(survivor);
    // A sender claims one row and dies before sending it (nothing else of it remains).
    const dead = await claimDue(survivor.db, { kind: DISCOURSE_BADGE, now: clock.now, claimant: 'dead-instance', leaseMs: 120_000 });
    expect(dead).not.toBeNull();
    let delivered = 0;
    for (let n = -1; n !== 0; delivered += n) n = await survivor.badges.deliverOutbox(forumSender(survivor.config));
    expect(delivered).toBe(HELPERS - 1);
    // Grants name no award (Discourse refuses a reason that is not its own link): the dead row's member is the one not granted.
    const deadMember = await survivor.db('identities').where({ member_id: JSON.parse(dead!.payload).memberId, platform: 'discourse' }).first();
    expect(forum.grants.map((g) => g.username)).not.toContain(deadMember.username);
    clock.now += 119_000;
    expect(await survivor.badges.deliverOutbox(forumSender(survivor.config))).toBe(0); // still leased
    clock.now += 1_000;
    expect(await survivor.badges.deliverOutbox(forumSender(survivor.config))).toBe(1);
    expect(grantPosts()).toBe(HELPERS);
    const row = await survivor.db('outbox').where({ id: dead!.id }).first();
    expect(row).toMatchObject({ status: 'done', attempts: 1, claimed_by: survivor.instance.name });
  });

  it('lets only the claimant finish a row: a sender that lost its lease records nothing', async () => {
    const clock = { now: T + 60_000 };
    const fw = instance(() => clock.now);
    await owe(fw);
    const { finishClaim } = await import('../../src/db/outbox-repo.js');
    const row = (await claimDue(fw.db, { kind: DISCOURSE_BADGE, now: clock.now, claimant: 'slow', leaseMs: 1_000 }))!;
    const taken = (await claimDue(fw.db, { kind: DISCOURSE_BADGE, now: clock.now + 1_000, claimant: 'next', leaseMs: 1_000 }))!;
    expect(taken.id).toBe(row.id);
    expect(await finishClaim(fw.db, row.id, 'slow', { done: true, attempts: 1, at: clock.now, error: null })).toBe(false);
    expect(await finishClaim(fw.db, row.id, 'next', { done: true, attempts: 1, at: clock.now, error: null })).toBe(true);
    expect(await fw.db('outbox').where({ id: row.id }).first()).toMatchObject({ status: 'done', claimed_by: 'next' });
  });
});
