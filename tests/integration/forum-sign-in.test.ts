/**
 * Signing in with the forum, over real HTTP: the site listens on a port, the browser follows the
 * redirects to a forum that answers DiscourseConnect as Discourse does and back. A member who is
 * only on the forum reaches /me and hides, downloads and deletes their data; the forum's admins,
 * moderators and listed groups become the team as configured; the sign-in page offers exactly the
 * configured providers, and a member never meets the admin password form.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.js';
import { signatureOf } from '../../src/discourse/signature.js';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { topicPayload } from '../support/discourse-payloads.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { FakeDiscourse, type ConnectUser } from '../support/fake-discourse.js';
import { HttpBrowser, listenForReal } from '../support/http-browser.js';

const PASSWORD = 'correct horse battery staple';
const WEBHOOK_SECRET = 'forum-webhook-secret';

let forum: FakeDiscourse | null = null;
let fw: TestFlywheel | null = null;
let app: FastifyInstance | null = null;
let site = '';

afterEach(async () => {
  await app?.close();
  await fw?.close();
  await forum?.stop();
  [forum, fw, app] = [null, null, null];
});

async function start(env: Record<string, string> = {}, configure?: (c: Config) => void, withForum = true): Promise<TestFlywheel> {
  forum = await new FakeDiscourse().start();
  const forumEnv: Record<string, string> = withForum ? { DISCOURSE_URL: forum.url, DISCOURSE_CONNECT_SECRET: forum.connectSecret, DISCOURSE_WEBHOOK_SECRET: WEBHOOK_SECRET } : {};
  fw = await testFlywheel({ ...forumEnv, ...env }, configure);
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  site = await listenForReal(app, fw.config);
  return fw;
}

/** Sign in on the forum as `user`, starting from the site's sign-in page like a visitor would. */
async function signInWithForum(b: HttpBrowser, user: ConnectUser, next?: string) {
  forum!.connectUser = user;
  return b.click(next ? `/login?next=${encodeURIComponent(next)}` : '/login', 'Sign in with the forum');
}

const dora: ConnectUser = { id: 501, username: 'dora_forum', name: 'Dora Forum', email: 'dora@example.com' };
const path = (url: string) => new URL(url).pathname;

describe('a member who is only on the forum', () => {
  it('signs in with the forum, is the member the forum’s webhook recorded, and hides, downloads and deletes their data', async () => {
    const fw = await start();
    // The forum reports Dora's question first: the webhook records her under her forum user id.
    const topic = topicPayload({ id: dora.id, username: dora.username, name: dora.name }, 'How do I rotate keys?', 1, '2026-11-21T10:00:00Z');
    const raw = JSON.stringify({ topic });
    const hook = await fetch(`${site}/webhooks/discourse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-discourse-event-type': 'topic', 'x-discourse-event': 'topic_created', 'x-discourse-event-id': randomUUID(), 'x-discourse-instance': forum!.url, 'x-discourse-event-signature': signatureOf(raw, WEBHOOK_SECRET) },
      body: raw,
    });
    expect(hook.status).toBe(200);
    const board = (await (await fetch(`${site}/api/v1/leaderboard?period=all`)).json()) as { entries: unknown[] };
    expect((board.entries as Array<{ member: { displayName: string } }>).map((e) => e.member.displayName)).toEqual(['Dora Forum']);

    const b = new HttpBrowser(site);
    const me = await signInWithForum(b, dora);
    expect([me.status, path(me.url)]).toEqual([200, '/me']);
    expect(me.body).toContain('Hello, Dora Forum');
    expect(me.body).toContain('2 points this month, 2 all time');
    // One person, one member: signing in found the member the webhook made.
    expect(await fw.db('identities').where({ platform: 'discourse', external_id: '501' })).toHaveLength(1);
    expect(await fw.db('members').count({ n: '*' }).first()).toEqual({ n: 1 });

    // Hide: off the public board and the API.
    const hidden = await b.open('/me/privacy', { form: { _csrf: await b.csrf('/me'), visibility: 'hide' } });
    expect([path(hidden.url), hidden.body.includes('You are <strong>hidden</strong>')]).toEqual(['/me', true]);
    expect(((await (await fetch(`${site}/api/v1/leaderboard?period=all`)).json()) as { entries: unknown[] }).entries).toEqual([]);
    expect(await (await fetch(`${site}/leaderboard?period=all`)).text()).not.toContain('Dora Forum');

    // Download: everything held about them, their forum account included.
    const data = await b.open('/me/export', { accept: 'application/json' });
    expect([data.status, data.headers.get('content-disposition')]).toEqual([200, 'attachment; filename="flywheel-my-data.json"']);
    const exported = JSON.parse(data.body);
    expect(exported.member.display_name).toBe('Dora Forum');
    expect(JSON.stringify(exported)).toContain('dora_forum');

    // Delete: the data goes, and the session with it, on every device.
    const laptop = new HttpBrowser(site);
    await signInWithForum(laptop, dora);
    const gone = await b.open('/me/delete', { form: { _csrf: await b.csrf('/me'), confirm: 'DELETE' } });
    expect(new URL(gone.url).pathname + new URL(gone.url).search).toBe('/?deleted=1');
    expect(await fw.db('identities').where({ platform: 'discourse', external_id: '501' })).toEqual([]);
    expect(await fw.db('sessions')).toEqual([]);
    const after = await laptop.open('/me', { follow: false });
    expect([after.status, after.headers.get('location')]).toEqual([303, '/login?next=%2Fme']);
  });

  it('deleting their data from a forum sign-in ends the sessions of their linked Discord account too', async () => {
    const fw = await start();
    const { code } = await fw.links.issueCode({ platform: 'discord', externalId: '800000000000000001', username: 'dora' });
    await fw.links.linkWithCode(code, { platform: 'discourse', externalId: String(dora.id), username: dora.username, displayName: dora.name });
    const onDiscord = await fw.sessions.start({ identity: { platform: 'discord', externalId: '800000000000000001' }, name: 'dora', role: 'member', grantKey: 'member' });
    const b = new HttpBrowser(site);
    expect((await signInWithForum(b, dora)).body).toContain('Hello, Dora Forum');
    const memberId = (await fw.members.lookup('discord', '800000000000000001')).id;
    expect((await fw.sessions.find(onDiscord.token))?.memberId).toBe(memberId);
    await b.open('/me/delete', { form: { _csrf: await b.csrf('/me'), confirm: 'DELETE' } });
    expect(await fw.sessions.find(onDiscord.token)).toBeNull();
    expect(await fw.db('sessions')).toEqual([]);
  });

  it('is refused when the forum’s answer is replayed, and cannot use an answer given for linking', async () => {
    await start();
    const b = new HttpBrowser(site);
    forum!.connectUser = dora;
    // Leave for the forum, and stop at its answer.
    const leave = await b.open('/login/forum', { follow: false });
    const answer = await fetch(leave.headers.get('location')!, { redirect: 'manual' });
    const callback = new URL(answer.headers.get('location')!);
    expect(callback.pathname).toBe('/auth/forum/callback');
    const payload = new URLSearchParams(Buffer.from(callback.searchParams.get('sso')!, 'base64').toString('utf8'));
    expect([payload.get('external_id'), payload.get('username'), payload.get('email'), payload.get('admin')]).toEqual(['501', 'dora_forum', 'dora@example.com', 'false']);
    const cookies = b.cookieHeader;
    const first = await b.open(`${callback.pathname}${callback.search}`);
    expect(path(first.url)).toBe('/me');

    // The same answer again, with the cookies the browser had then: refused, no session.
    const replay = await fetch(`${site}${callback.pathname}${callback.search}`, { headers: { cookie: cookies, accept: 'application/json' }, redirect: 'manual' });
    expect([replay.status, await replay.json()]).toEqual([400, { code: 'invalid_parameter', error: expect.stringMatching(/^nonce: .*already used or has expired/) }]);
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('fw_session='))).toBe(false);
    // A tampered answer is refused by its signature.
    const forged = await fetch(`${site}${callback.pathname}?sso=${encodeURIComponent(callback.searchParams.get('sso')!)}&sig=${'0'.repeat(64)}`, { headers: { cookie: cookies, accept: 'application/json' } });
    expect(forged.status).toBe(400);

    // An answer the forum gave to prove an account for /link signs nobody in.
    const linker = new HttpBrowser(site);
    const linkLeave = await linker.open('/link/discourse', { follow: false });
    const linkAnswer = new URL((await fetch(linkLeave.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!);
    const signIn = await linker.open('/login/forum', { follow: false });
    expect(signIn.status).toBe(302);
    const crossed = await linker.open(`/auth/forum/callback${linkAnswer.search}`, { accept: 'application/json', follow: false });
    expect(crossed.status).toBe(400);
    expect(linker.cookie('fw_session')).toBeUndefined();
  });
});

describe('starting a forum sign-in', () => {
  it('is limited to 30 a minute per client, so nobody fills the nonce table', async () => {
    const fw = await start();
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) codes.push((await fetch(`${site}/login/forum`, { redirect: 'manual' })).status);
    expect(codes.filter((c) => c === 302)).toHaveLength(30);
    expect(codes[30]).toBe(429);
    expect(await fw.db('nonces').where({ purpose: 'discourse-signin' })).toHaveLength(30);
  });
});

describe('the forum’s team', () => {
  const configure = (c: Config) => {
    c.auth.forumAdmins = ['admin'];
    c.auth.forumManagers = ['moderator', 'group:community-team'];
  };
  const admin: ConnectUser = { id: 601, username: 'ada', name: 'Ada Admin', admin: true };
  const moderator: ConnectUser = { id: 602, username: 'mo', name: 'Mo Moderator', moderator: true };
  const listed: ConnectUser = { id: 603, username: 'gus', name: 'Gus Group', groups: ['community-team'] };
  const member: ConnectUser = { id: 604, username: 'mel', name: 'Mel Member', groups: ['beta-testers'] };

  const status = async (b: HttpBrowser, url: string) => (await b.open(url, { follow: false })).status;

  it('forum admins become admins, moderators and listed groups managers, everyone else a member', async () => {
    await start({ ADMIN_PASSWORD: PASSWORD }, configure);
    const seen: Record<string, unknown> = {};
    for (const user of [admin, moderator, listed, member]) {
      const b = new HttpBrowser(site);
      const landed = await signInWithForum(b, user);
      seen[user.username] = [path(landed.url), await status(b, '/admin/nominations'), await status(b, '/admin/audit'), await status(b, '/me')];
    }
    expect(seen).toEqual({
      ada: ['/admin', 200, 200, 200],
      mo: ['/admin', 200, 403, 200],
      gus: ['/admin', 200, 403, 200],
      mel: ['/me', 403, 403, 200],
    });
  });

  it('loses the role when its rule leaves the configuration, or when the forum takes it away (asked within ten minutes)', async () => {
    const fw = await start({ DISCOURSE_API_KEY: 'fake-api-key' }, configure);
    const mo = new HttpBrowser(site);
    await signInWithForum(mo, { ...moderator });
    const gus = new HttpBrowser(site);
    await signInWithForum(gus, { ...listed });
    expect([await status(mo, '/admin/nominations'), await status(gus, '/admin/nominations')]).toEqual([200, 200]);

    // The forum takes Gus out of the group: within ten minutes, he is no manager here.
    forum!.accounts.get(listed.id)!.groups = [];
    expect(await status(gus, '/admin/nominations')).toBe(200);
    fw.clock.now += 10 * 60_000;
    expect(await status(gus, '/admin/nominations')).toBe(303);
    expect(await status(mo, '/admin/nominations')).toBe(200); // still a moderator on the forum

    // Moderators are no longer managers by configuration: the session ends at the next request.
    fw.config.auth.forumManagers = ['group:community-team'];
    const res = await mo.open('/admin/nominations', { follow: false });
    expect([res.status, res.headers.get('location')]).toEqual([303, '/login?next=%2Fadmin%2Fnominations']);
    expect(await status(mo, '/me')).toBe(303);
  });
});

describe('the sign-in page', () => {
  const providers = (body: string) => ({
    discord: body.includes('Sign in with Discord'),
    forum: body.includes('Sign in with the forum'),
    password: body.includes('name="password"'),
  });

  it('offers exactly the providers configured, and the admin password only on the way to a team page', async () => {
    const cases: Array<[string, Record<string, string>, boolean, { discord: boolean; forum: boolean }]> = [
      ['forum only', { ADMIN_PASSWORD: PASSWORD }, true, { discord: false, forum: true }],
      ['Discord only', { ADMIN_PASSWORD: PASSWORD, DISCORD_APPLICATION_ID: '100000000000000001', DISCORD_CLIENT_SECRET: 'client-s3cret' }, false, { discord: true, forum: false }],
      ['both', { ADMIN_PASSWORD: PASSWORD, DISCORD_APPLICATION_ID: '100000000000000001', DISCORD_CLIENT_SECRET: 'client-s3cret' }, true, { discord: true, forum: true }],
    ];
    for (const [name, env, withForum, offered] of cases) {
      await start(env, undefined, withForum);
      const b = new HttpBrowser(site);
      expect([name, providers((await b.open('/login')).body)]).toEqual([name, { ...offered, password: false }]);
      expect([name, providers((await b.open('/login?next=%2Fme')).body)]).toEqual([name, { ...offered, password: false }]);
      expect([name, providers((await b.open('/login?next=%2Fadmin%2Finsights')).body)]).toEqual([name, { ...offered, password: true }]);
      // A provider that is not configured is not there behind the page either.
      if (!offered.forum) expect((await b.open('/login/forum', { accept: 'application/json' })).status).toBe(404);
      await app!.close();
      await fw!.close();
      await forum!.stop();
    }
    [forum, fw, app] = [null, null, null];
  });

  it('without ADMIN_PASSWORD has no password form anywhere, while admins sign in with the forum', async () => {
    await start({}, (c) => (c.auth.forumAdmins = ['admin']));
    const team = await new HttpBrowser(site).open('/login?next=%2Fadmin');
    expect(providers(team.body)).toEqual({ discord: false, forum: true, password: false });
    // No one-time password either: the forum's admins have a way in.
    expect(app!.passwordLogin.enabled).toBe(false);
  });

  it('leads a member from the “You” menu to the member sign-in, never to the password form', async () => {
    await start({ ADMIN_PASSWORD: PASSWORD });
    const b = new HttpBrowser(site);
    const home = await b.open('/');
    const you = home.body.match(/<a href="([^"]+)">You<\/a>/)?.[1];
    expect(you).toBeDefined();
    const page = await b.open(you!);
    expect(path(page.url)).toBe('/login');
    expect(providers(page.body)).toEqual({ discord: false, forum: true, password: false });
    expect(page.body).not.toContain('Admin password');
    // And on through the forum, to their own page.
    const me = await signInWithForum(b, dora, '/me');
    expect(path(me.url)).toBe('/me');
  });
});
