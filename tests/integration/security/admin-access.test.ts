/**
 * Every /admin route the app registers, asked for the way it is registered and in percent-encoded
 * spellings the router reads as the same route, by each kind of visitor: signed out, a member, a
 * manager and an admin. Access follows the route, whatever the spelling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { FakeDiscord, MANAGER_ROLE_ID } from '../../support/fake-discord.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
const MANAGER = '500000000000000001';
const MEMBER = '500000000000000002';
/** The routes only admins may use; every other /admin route is for managers too. */
const ADMIN_ONLY = new Set(['GET /admin/audit']);

let site: TestSite;
let fake: FakeDiscord;

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(MANAGER, 'manny', { roles: [MANAGER_ROLE_ID] });
  fake.addUser(MEMBER, 'mem');
  site = await testSite({
    ADMIN_PASSWORD: PASSWORD,
    PUBLIC_URL: 'http://flywheel.test',
    ...fake.signInEnv(),
    DISCORD_MANAGER_ROLE_ID: MANAGER_ROLE_ID,
  });
});
afterAll(async () => {
  await site.close();
  await fake.stop();
});

const hex = (c: string, upper: boolean) => {
  const h = `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return upper ? h.toUpperCase() : h;
};
const encodeLetters = (segment: string, upper: boolean) => segment.replace(/[a-z]/gi, (c) => hex(c, upper));

/** The path as registered, and spellings of it with some or all letters percent-encoded. */
function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const join = (parts: string[]) => `/${parts.join('/')}`;
  const out = new Set([path, join(segments.map((s) => encodeLetters(s, true))), join(segments.map((s) => encodeLetters(s, false)))]);
  segments.forEach((segment, i) => {
    if (!/^[a-z]/i.test(segment)) return;
    out.add(join(segments.map((s, j) => (j === i ? hex(s[0]!, false) + s.slice(1) : s))));
    out.add(join(segments.map((s, j) => (j === i ? encodeLetters(s, true) : s))));
  });
  return [...out];
}

type Who = 'signed out' | 'member' | 'manager' | 'admin';

async function visitor(who: Who): Promise<Visitor> {
  const v = new Visitor(site.app);
  if (who === 'member') await v.signInWithDiscord(fake, MEMBER);
  if (who === 'manager') await v.signInWithDiscord(fake, MANAGER);
  if (who === 'admin') expect((await v.signInWithPassword(PASSWORD)).statusCode).toBe(303);
  return v;
}

describe('every /admin route, however it is spelled', () => {
  it('spellings cover what the issue found', () => {
    expect(spellings('/admin/audit')).toEqual(expect.arrayContaining(['/admin/%61udit', '/%61dmin/audit', '/%61%64%6d%69%6e/%61%75%64%69%74']));
  });

  it('answers each kind of visitor as the route says, never as the address looks', async () => {
    const routes = site.app.routeList.filter((r) => r.url.startsWith('/admin'));
    expect(routes.length).toBeGreaterThanOrEqual(14);
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([...ADMIN_ONLY]));
    const matched = new Set<string>();
    for (const who of ['signed out', 'member', 'manager', 'admin'] as const) {
      const v = await visitor(who);
      const token = who === 'signed out' ? '' : await v.csrf(who === 'member' ? '/me' : '/admin/nominations');
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        const allowed = who === 'admin' || (who === 'manager' && !ADMIN_ONLY.has(key));
        for (const url of spellings(route.url.replace(/:[a-zA-Z]+/g, '1'))) {
          const res = route.method === 'GET' ? await v.get(url) : await v.post(url, { _csrf: token }, 'application/json');
          const seen = [who, route.method, url, res.statusCode];
          // A spelling the router does not read as this route is no way in either.
          if (res.statusCode === 404 && res.body.includes('No route for')) continue;
          if (res.statusCode === 404 && res.body.includes('Nothing lives at')) continue;
          matched.add(`${key} ${url}`);
          if (who === 'signed out') {
            expect(seen).toEqual([who, route.method, url, route.method === 'GET' ? 303 : 401]);
            if (route.method === 'GET') expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
          } else if (!allowed) expect(seen).toEqual([who, route.method, url, 403]);
          else if (route.method === 'GET') expect(seen).toEqual([who, route.method, url, 200]);
          else expect([who, route.method, url, [401, 403].includes(res.statusCode)]).toEqual([who, route.method, url, false]);
        }
      }
    }
    // The router does read the encoded spellings as the routes: the checks above ran on them.
    expect(matched).toContain('GET /admin/audit /admin/%61udit');
    expect(matched).toContain('GET /admin/audit /%61%64%6d%69%6e/%61%75%64%69%74');
    expect(matched).toContain('POST /admin/nominations/:id/approve /%61dmin/nominations/1/approve');
  });
});
