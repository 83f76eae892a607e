/**
 * After sign-in, `next` sends the visitor on — but only to a page of this site. Every hostile
 * `next` below is either refused (400) or followed to a path that a browser resolves to this site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { APP_ID, FakeDiscord } from '../../support/fake-discord.js';
import { FakeDiscourse } from '../../support/fake-discourse.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
const SITE = 'http://flywheel.test';
const USER = '500000000000000002';

// What the server sees after the query string or form is decoded.
const HOSTILE = [
  '/\\evil.example/x',
  '/\\\\evil.example',
  '\\/evil.example',
  '//evil.example/x',
  '///evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r/evil.example',
  ' //evil.example',
  '/.//evil.example',
  '/..//evil.example',
  '/a/..//evil.example',
  '/%2e%2e//evil.example',
  '/x/../\\evil.example',
  'https://evil.example/x',
  'HTTPS:evil.example',
  'http:/evil.example',
  '//evil.example@flywheel.test',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  '/\u3000/evil.example',
];
// Encoded slashes stay encoded: a browser reads these as paths on this site.
const ENCODED = ['/%2F%2Fevil.example', '/%5Cevil.example', '/%09/evil.example', '/%2F%5Cevil.example'];

let site: TestSite;
let fake: FakeDiscord;
let forum: FakeDiscourse;

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(USER, 'mem');
  forum = await new FakeDiscourse().start();
  forum.connectUser = { id: 42, username: 'mem_forum', name: 'Mem' };
  site = await testSite({
    DISCOURSE_URL: forum.url,
    DISCOURSE_CONNECT_SECRET: forum.connectSecret,
    ADMIN_PASSWORD: PASSWORD,
    PUBLIC_URL: SITE,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_CLIENT_SECRET: fake.oauthClient.secret,
    DISCORD_API_URL: fake.apiUrl,
    DISCORD_OAUTH_URL: fake.baseUrl,
  });
});
afterAll(async () => {
  await site.close();
  await fake.stop();
  await forum.stop();
});

/** Where a browser on this site goes with this Location header. */
const resolved = (location: unknown) => new URL(String(location), SITE);

let address = 0;
/** The password form posted from a fresh address each time (the sign-in limit is five a minute). */
async function passwordSignIn(next: string) {
  const v = new Visitor(site.app);
  const token = await v.csrf();
  const remoteAddress = `203.0.113.${++address}`;
  return site.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress,
    headers: { cookie: v.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, password: PASSWORD, next }).toString(),
  });
}

async function discordSignIn(next: string) {
  const v = new Visitor(site.app);
  fake.oauthUser = USER;
  const start = await v.get(`/login/discord?next=${encodeURIComponent(next)}`);
  if (start.statusCode !== 302) return start;
  const consent = await fetch(start.headers.location as string, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  return v.get(`${back.pathname}${back.search}`);
}

async function forumSignIn(next: string) {
  const v = new Visitor(site.app);
  const start = await v.get(`/login/forum?next=${encodeURIComponent(next)}`);
  if (start.statusCode !== 302) return start;
  const answer = await fetch(start.headers.location as string, { redirect: 'manual' });
  const back = new URL(answer.headers.get('location')!);
  return v.get(`${back.pathname}${back.search}`);
}

describe('next after sign-in', () => {
  for (const [how, signIn] of [
    ['the admin password', passwordSignIn],
    ['Discord', discordSignIn],
    ['the forum', forumSignIn],
  ] as const) {
    it(`with ${how}: never leads to another site`, async () => {
      for (const next of HOSTILE) {
        const res = await signIn(next);
        expect([next, res.statusCode]).toEqual([next, 400]);
        expect(res.body).toContain('next: expected a path on this site');
        expect(res.headers.location).toBeUndefined();
      }
      for (const next of ENCODED) {
        const res = await signIn(next);
        expect([next, res.statusCode]).toEqual([next, 303]);
        expect([next, resolved(res.headers.location).origin]).toEqual([next, SITE]);
        expect(res.headers.location).toBe(next);
      }
      const ok = await signIn('/admin/nominations?x=1#top');
      expect(ok.headers.location).toBe('/admin/nominations?x=1#top');
    });
  }

  it('the sign-in page carries next to Discord and the forum intact, and refuses a hostile one', async () => {
    const page = await new Visitor(site.app).get(`/login?next=${encodeURIComponent('/admin/insights?from=2026-01&to=2026-02')}`);
    expect(page.body).toContain('href="/login/discord?next=%2Fadmin%2Finsights%3Ffrom%3D2026-01%26to%3D2026-02"');
    expect(page.body).toContain('href="/login/forum?next=%2Fadmin%2Finsights%3Ffrom%3D2026-01%26to%3D2026-02"');
    expect((await new Visitor(site.app).get('/login?next=%2F%5Cevil.example')).statusCode).toBe(400);
  });
});
