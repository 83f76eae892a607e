/**
 * Three `flywheel serve` processes over one PostgreSQL database (the private cluster the tests
 * start), behind no balancer: the load picks an instance per delivery, sends about a fifth to two
 * instances at once, retries some later with new delivery ids, solves and unsolves answers, and
 * members hide themselves meanwhile. Afterwards the totals equal a `recompute`, exactly one
 * instance is the ingester, and a write (a new activity, a member hiding) shows on every
 * instance's pages within one second. Runs in the postgres project only (vitest.config.ts):
 * SQLite serves one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { flywheelOver, freshDatabaseUrl } from '../../support/db.js';
import { FakeDiscourse } from '../../support/fake-discourse.js';
import { forumUser, postPayload, topicPayload, type ForumUser } from '../../support/discourse-payloads.js';
import { stateOf } from '../../support/ledger.js';
import { deliver, startServeCluster, type ServeCluster } from '../../support/serve-cluster.js';

const SECRET = 'three-instances-webhook-secret';
const QA = 5;
const MEMBERS = 12;
const TOPICS = 36;
/** The ingester's election key (src/app/inbox.ts). */
const INGESTER = 0x666c7969;

let cluster: ServeCluster;
let forum: FakeDiscourse;
let fw: ReturnType<typeof flywheelOver>;
let env: Record<string, string>;

beforeAll(async () => {
  forum = await new FakeDiscourse().start();
  env = {
    DATABASE_URL: await freshDatabaseUrl(),
    DISCOURSE_WEBHOOK_SECRET: SECRET,
    DISCOURSE_URL: forum.url,
    DISCOURSE_API_KEY: forum.apiKey,
    DISCOURSE_QA_CATEGORIES: String(QA),
    PUBLIC_URL: 'https://community.example.org',
    RATE_LIMIT_ALLOW: '127.0.0.1',
    ADMIN_PASSWORD: 'three-instances-admin-password',
  };
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' }, '/nonexistent');
  // This process is a fourth instance, for what a test does beside the load (hide, recompute).
  fw = flywheelOver(config);
  await fw.maintenance.migrate();
  cluster = await startServeCluster(3, env);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await fw?.close();
  await forum?.stop();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

describe('three serve processes over one PostgreSQL', () => {
  it('take a mixed load with copies and retries: totals equal a recompute, one ingester, every answer 200 or 202 stored', async () => {
    const members: ForumUser[] = Array.from({ length: MEMBERS }, (_, i) => forumUser(`many${i}x`));
    const urls = cluster.instances.map((i) => i.url);
    const answers: Array<{ status: number; body: any }> = [];
    const retries: Array<() => Promise<unknown>> = [];
    let sent = 0;

    /** One delivery: to one instance, every fifth also to a second at the same moment, every seventh retried later with a new id. */
    const send = async (group: string, event: string, body: unknown) => {
      const n = sent++;
      const to = [pick(urls, n)];
      if (n % 5 === 0) to.push(pick(urls, n + 1));
      const got = await Promise.all(to.map((url) => deliver(url, SECRET, group, event, body)));
      answers.push(...got);
      if (n % 7 === 0) retries.push(async () => answers.push(await deliver(pick(urls, n + 2), SECRET, group, event, body)));
      return got;
    };

    /** A topic's life, in order: question, two answers, the asker's likes, a solution, sometimes withdrawn or moved. */
    const story = async (t: number) => {
      const asker = pick(members, t);
      const [a, b] = [pick(members, t + 1 + (t % 3)), pick(members, t + 5)];
      const topic = topicPayload(asker, `Many instances question ${t}`, QA, minutesAgo(200 - t));
      await send('topic', 'topic_created', { topic });
      const first = postPayload(topic, a, 2, minutesAgo(150 - t));
      const second = postPayload(topic, b, 3, minutesAgo(140 - t));
      await Promise.all([send('post', 'post_created', { post: first }), send('post', 'post_created', { post: second })]);
      const user = { id: asker.id, username: asker.username, name: asker.name };
      await Promise.all([send('like', 'post_liked', { like: { post: first, user } }), send('like', 'post_liked', { like: { post: second, user } })]);
      await send('solved', 'accepted_solution', { solved: first });
      if (t % 3 === 1) await send('solved', 'unaccepted_solution', { solved: first });
      if (t % 3 === 2) await send('solved', 'accepted_solution', { solved: second });
    };

    // Bounded: 36 stories, 6 at a time; then the retries, 6 at a time.
    const started = performance.now();
    for (let t = 0; t < TOPICS; t += 6) await Promise.all(Array.from({ length: 6 }, (_, i) => story(t + i)));
    // Members hide themselves while the retries arrive (through this process: another instance).
    const hiders = [members[3]!, members[8]!];
    const hides = hiders.map((m) => fw.members.setHidden({ platform: 'discourse', externalId: String(m.id), username: m.username }, true));
    for (let i = 0; i < retries.length; i += 6) await Promise.all(retries.slice(i, i + 6).map((r) => r()));
    await Promise.all(hides);
    const seconds = (performance.now() - started) / 1000;

    // The ingester answers with outcomes (200); the others once the delivery is stored (202).
    expect(answers.filter((a) => a.status !== 200 && !(a.status === 202 && Array.isArray(a.body.stored))).map((a) => [a.status, a.body])).toEqual([]);
    expect(answers.some((a) => a.status === 202)).toBe(true);
    expect(sent).toBeGreaterThan(200);
    expect(seconds).toBeLessThan(60);
    expect(await fw.inbox.pending()).toBe(0);

    // Every answer's new activity (awarded, or stored for the ingester) is in the ledger once; copies and retries recorded nothing.
    const awarded = answers.flatMap((a) => (a.body.recorded ?? []).filter((o: { status: string }) => o.status !== 'duplicate').map((o: { key: string }) => o.key));
    expect(new Set(awarded).size).toBe(awarded.length);
    const stored = answers.flatMap((a) => a.body.stored ?? []);
    const ledgerKeys = await fw.db('activities').where('platform', 'discourse').pluck('natural_key');
    expect(new Set(ledgerKeys).size).toBe(ledgerKeys.length);
    expect(ledgerKeys.sort()).toEqual([...new Set([...awarded, ...stored])].sort());

    // Totals, awards, badges and stages equal what a recompute rebuilds from the ledger.
    const incremental = await stateOf(fw.db);
    expect(incremental.awards.length).toBeGreaterThan(200);
    await fw.maintenance.recompute();
    expect(await stateOf(fw.db)).toEqual(incremental);

    // Exactly one instance holds the ingester's election; this test's own process is not it.
    const holders = await fw.db.raw('SELECT count(*)::int AS n FROM pg_locks WHERE locktype = ? AND objid = ? AND granted', ['advisory', INGESTER]);
    expect(holders.rows[0].n).toBe(1);
    expect(fw.inbox.ingesting()).toBe(false);
  }, 110_000);

  it('shows a write on every instance within one second, and a member who hides themself disappears from every instance within one second', async () => {
    const urls = cluster.instances.map((i) => i.url);
    const page = async (url: string) => (await fetch(`${url}/leaderboard?period=all`)).text();
    // Every instance has the board kept: a view is answered from its page cache (a few tries: a
    // kept page ends with its 5 s window, which may end between two views).
    const kept = async (url: string) => {
      for (let tries = 0; tries < 5; tries++) if ((await fetch(`${url}/leaderboard?period=all`)).headers.get('x-flywheel-cache') === 'hit') return true;
      return false;
    };
    for (const url of urls) expect(await kept(url)).toBe(true);

    /** Milliseconds until every instance's page passes `check` (gives up after 3 s). */
    const untilEvery = async (check: (html: string) => boolean) => {
      const from = performance.now();
      const pending = new Set(urls);
      while (pending.size > 0 && performance.now() - from < 3_000) {
        for (const url of [...pending]) if (check(await page(url))) pending.delete(url);
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return pending.size === 0 ? performance.now() - from : Infinity;
    };

    const newcomer = forumUser('latecomerx');
    const topic = topicPayload(newcomer, 'A question asked on one instance', QA, minutesAgo(1));
    const written = await deliver(urls[0]!, SECRET, 'topic', 'topic_created', { topic });
    // Answered with its outcome by the ingester, or as stored by another instance (then the clock below includes its ingesting).
    if (written.status === 202) expect(written.body).toEqual({ stored: [`discourse:topic:${topic.id}`] });
    else expect(written.body.recorded[0]).toMatchObject({ status: 'awarded', points: 2 });
    expect(await untilEvery((html) => html.includes(newcomer.name))).toBeLessThan(1_000);

    await fw.members.setHidden({ platform: 'discourse', externalId: String(newcomer.id), username: newcomer.username }, true);
    expect(await untilEvery((html) => !html.includes(newcomer.name))).toBeLessThan(1_000);
  }, 30_000);
});
