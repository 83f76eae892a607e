/**
 * Three `flywheel serve` processes over one PostgreSQL database (the private cluster the tests
 * start), behind no balancer: the load picks an instance per delivery, sends about a fifth to two
 * instances at once, retries some later with new delivery ids, solves and unsolves answers, and
 * members hide themselves meanwhile. Afterwards the totals equal a `recompute`, exactly one
 * instance is the ingester, and a write (a new activity, a member hiding) shows on every
 * instance's pages within one second. Badges mapped to forum badges are granted on the (fake)
 * forum by whichever instance claims them, beside `flywheel discourse deliver` runs and a fourth
 * sender in this process: each grant the ledger holds reaches the forum exactly once. The admin
 * sign-in limit (5 a minute per client) counts once for all three. Runs in the postgres project
 * only (vitest.config.ts): SQLite serves one process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { flywheelOver, freshDatabaseUrl } from '../../support/db.js';
import { FakeDiscourse } from '../../support/fake-discourse.js';
import { forumUser, postPayload, topicPayload, type ForumUser } from '../../support/discourse-payloads.js';
import { stateOf } from '../../support/ledger.js';
import { deliver, startServeCluster, type ServeCluster } from '../../support/serve-cluster.js';
import { forumSender } from '../../../src/discourse/write-back.js';

const SECRET = 'three-instances-webhook-secret';
const QA = 5;
const MEMBERS = 12;
const TOPICS = 36;
/** The ingester's election key (src/app/inbox.ts). */
const INGESTER = 0x666c7969;
/** Badges granted on the forum too (flywheel.yaml `discourse: <id>`): Flywheel badge → forum badge id. */
const ON_FORUM = { 'first-question': 201, 'first-answer': 202, 'first-solution': 203 } as const;
const run = promisify(execFile);

let cluster: ServeCluster;
let forum: FakeDiscourse;
let fw: ReturnType<typeof flywheelOver>;
let env: Record<string, string>;

beforeAll(async () => {
  forum = await new FakeDiscourse().start();
  for (const [name, id] of Object.entries(ON_FORUM)) forum.badges.push({ id, name, badge_type_id: 3 });
  // A busy forum: concurrent senders overlap on the wire.
  forum.grantDelayMs = 15;
  const configFile = join(mkdtempSync(join(tmpdir(), 'fw-inst-')), 'flywheel.yaml');
  writeFileSync(
    configFile,
    [
      'badges:',
      '  - { id: first-question, name: Curious Mind, description: Asked a first question., tier: bronze, icon: chat, discourse: 201, earn: { count: { kind: question_asked, atLeast: 1 } } }',
      '  - { id: first-answer, name: First Answer, description: Answered a question., tier: bronze, icon: answer, revocable: true, discourse: 202, earn: { count: { kind: answer_posted, atLeast: 1 } } }',
      '  - { id: first-solution, name: First Solution, description: An answer was accepted., tier: bronze, icon: check, revocable: true, discourse: 203, earn: { count: { kind: answer_accepted, atLeast: 1 } } }',
      '',
    ].join('\n'),
  );
  env = {
    FLYWHEEL_CONFIG: configFile,
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

/** `flywheel discourse deliver`, as an operator runs it beside the serves (same environment). */
const deliverRuns: Array<Promise<unknown>> = [];
const deliverCli = () =>
  run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'discourse', 'deliver'], { cwd: join(fileURLToPath(import.meta.url), '..', '..', '..', '..'), env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, timeout: 60_000 });

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

describe('three serve processes over one PostgreSQL', () => {
  it('take a mixed load with copies and retries: totals equal a recompute, one ingester, every answer 200 or 202 stored', async () => {
    const members: ForumUser[] = Array.from({ length: MEMBERS }, (_, i) => forumUser(`many${i}x`));
    const urls = cluster.instances.map((i) => i.url);
    const answers: Array<{ status: number; body: any }> = [];
    const retries: Array<() => Promise<unknown>> = [];
    /** Each story's first answer, and whether its acceptance is withdrawn in the end (unaccepted, or moved to the second). */
    const solutions: Array<{ post: number; withdrawn: boolean }> = [];
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
      solutions.push({ post: first.id, withdrawn: t % 3 !== 0 });
      if (t % 3 === 1) await send('solved', 'unaccepted_solution', { solved: first });
      if (t % 3 === 2) await send('solved', 'accepted_solution', { solved: second });
    };

    // Bounded: 36 stories, 6 at a time; then the retries, 6 at a time.
    const started = performance.now();
    for (let t = 0; t < TOPICS; t += 6) await Promise.all(Array.from({ length: 6 }, (_, i) => story(t + i)));
    // Members hide themselves while the retries arrive (through this process: another instance).
    const hiders = [members[3]!, members[8]!];
    const hides = hiders.map((m) => fw.members.setHidden({ platform: 'discourse', externalId: String(m.id), username: m.username }, true));
    // Two `flywheel discourse deliver` runs beside the serves, while the retries arrive.
    deliverRuns.push(deliverCli(), deliverCli());
    for (let i = 0; i < retries.length; i += 6) await Promise.all(retries.slice(i, i + 6).map((r) => r()));
    await Promise.all(hides);
    const seconds = (performance.now() - started) / 1000;

    // The ingester answers with outcomes (200); the others once the delivery is stored (202).
    expect(answers.filter((a) => a.status !== 200 && !(a.status === 202 && Array.isArray(a.body.stored))).map((a) => [a.status, a.body])).toEqual([]);
    expect(answers.some((a) => a.status === 202)).toBe(true);
    expect(sent).toBeGreaterThan(200);
    expect(seconds).toBeLessThan(60);
    // What was answered "stored" is recorded by the ingester shortly after (polled: this process must not stand for ingester).
    await expect.poll(() => fw.inbox.pending(), { timeout: 10_000, interval: 50 }).toBe(0);

    // Every answer's new activity (awarded, or stored for the ingester) is in the ledger once; copies and retries recorded nothing.
    const awarded = answers.flatMap((a) => (a.body.recorded ?? []).filter((o: { status: string }) => o.status !== 'duplicate').map((o: { key: string }) => o.key));
    expect(new Set(awarded).size).toBe(awarded.length);
    const stored = answers.flatMap((a) => a.body.stored ?? []);
    const ledgerKeys = await fw.db('activities').where('platform', 'discourse').pluck('natural_key');
    expect(new Set(ledgerKeys).size).toBe(ledgerKeys.length);
    expect(ledgerKeys.sort()).toEqual([...new Set([...awarded, ...stored])].sort());

    // An unsolve (or a solution moved to another answer), wherever it arrived, withdrew the acceptance once; a kept one stands.
    const withdrawals = await fw.db('activities').where('kind', 'reversal').whereIn('reverses', solutions.map((s) => `discourse:post:${s.post}:accepted`)).pluck('reverses');
    expect(withdrawals.sort()).toEqual(solutions.filter((s) => s.withdrawn).map((s) => `discourse:post:${s.post}:accepted`).sort());

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

  it('grant each badge the ledger holds on the forum exactly once, among three serves, two CLI runs and a fourth sender', async () => {
    await Promise.all(deliverRuns.splice(0));
    // This process sends too, three senders at once, beside the serves' own timers, until nothing is owed (bounded).
    const send = forumSender(fw.config);
    const until = performance.now() + 20_000;
    const drain = async () => {
      while ((await fw.badges.outboxBacklog()).pending > 0 && performance.now() < until) if ((await fw.badges.deliverOutbox(send)) === 0) await new Promise((r) => setTimeout(r, 100));
    };
    await Promise.all([drain(), drain(), drain()]);
    expect(await fw.badges.outboxBacklog()).toMatchObject({ pending: 0, failing: 0 });

    // What the forum received, per account and forum badge.
    const posted = new Map<string, number>();
    for (const p of forum.grantPosts) posted.set(`${p.username}|${p.badge_id}`, (posted.get(`${p.username}|${p.badge_id}`) ?? 0) + 1);
    const awards: Array<{ badge_id: keyof typeof ON_FORUM; revoked_at: unknown; username: string }> = await fw
      .db('badge_awards as b')
      .join('identities as i', function () {
        this.on('i.member_id', 'b.member_id').andOnVal('i.platform', 'discourse');
      })
      .whereIn('b.badge_id', Object.keys(ON_FORUM))
      .select('b.badge_id', 'b.revoked_at', 'i.username');
    const held = new Map<string, number>();
    for (const a of awards) held.set(`${a.username}|${ON_FORUM[a.badge_id]}`, (held.get(`${a.username}|${ON_FORUM[a.badge_id]}`) ?? 0) + 1);
    const standing = [...new Set(awards.filter((a) => a.revoked_at === null).map((a) => `${a.username}|${ON_FORUM[a.badge_id]}`))];
    expect(standing.length).toBeGreaterThan(20);
    // Every grant that stands reached the forum; nothing the ledger never held did, and nothing
    // more often than the ledger granted it (a solution unaccepted and accepted again is a second award).
    expect(standing.filter((k) => !posted.has(k))).toEqual([]);
    expect([...posted].filter(([k, n]) => n > (held.get(k) ?? 0))).toEqual([]);
    // Exactly once: one POST per grant the outbox sent (not those revoked before their turn).
    const sent = await fw.db('outbox').where({ status: 'done' }).andWhere((q) => q.whereNull('last_error').orWhereNot('last_error', 'like', 'award revoked%')).count({ n: '*' }).first();
    expect(forum.grantPosts.length).toBe(Number(sent!.n));
  }, 60_000);

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

  it('count admin sign-in attempts from one client once for all three: the 6th in a minute is refused on any instance', async () => {
    const urls = cluster.instances.map((i) => i.url);
    // One visitor behind the load balancer (a proxy on loopback, which TRUST_PROXY believes by
    // default): its own address is not the allow-listed 127.0.0.1, so it is limited.
    const visitor = '203.0.113.7';
    const form = await fetch(`${urls[0]}/login?next=%2Fadmin`, { headers: { 'x-forwarded-for': visitor } });
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const attempt = (n: number, accept: string) =>
      fetch(`${pick(urls, n)}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, accept, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': visitor },
        body: new URLSearchParams({ _csrf: csrf, password: `guess number ${n}` }).toString(),
      });
    const codes: number[] = [];
    for (let n = 0; n < 5; n++) codes.push((await attempt(n, 'application/json')).status);
    const sixth = await attempt(5, 'application/json');
    const seventh = await attempt(6, 'text/html');
    expect([...codes, sixth.status, seventh.status]).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(await sixth.json()).toMatchObject({ code: 'rate_limited', error: expect.any(String) });
    // A browser gets the friendly page, not JSON or a stack trace.
    expect(seventh.headers.get('content-type')).toContain('text/html');
    expect(await seventh.text()).toContain('That did not work');
    // The allow-listed address itself (the proxy's own health checks) is not limited.
    expect((await fetch(`${urls[1]}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, password: 'guess' }).toString() })).status).toBe(401);
  }, 30_000);
});
