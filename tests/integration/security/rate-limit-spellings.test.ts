/**
 * A rate limit counts requests to a route, however the request spells it: HEAD for a GET route
 * (Fastify answers it by running the GET route), a percent-encoded path, an empty or extra query.
 * Each spelling having its own counter would multiply the limit — sign-in guesses, or nonces stored
 * by forum sign-in starts. Run on both databases: SQLite counts in memory, PostgreSQL in the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
let site: TestSite;
afterEach(() => site?.close());

describe('a route’s rate limit', () => {
  it('counts HEAD and other spellings of a GET route with it: 30 forum sign-in starts a minute, 30 nonces', async () => {
    site = await testSite({ PUBLIC_URL: 'https://community.example.org', DISCOURSE_URL: 'https://forum.example.org', DISCOURSE_CONNECT_SECRET: 'connect-secret-123456' });
    const spellings = [
      { method: 'GET', url: '/login/forum' },
      { method: 'HEAD', url: '/login/forum' },
      { method: 'GET', url: '/%6cogin/forum' },
      { method: 'HEAD', url: '/login/%66orum?next=%2Fme' },
      { method: 'GET', url: '/login/forum?' },
    ] as const;
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await site.app.inject({ ...spellings[i % spellings.length]!, remoteAddress: '203.0.113.7' })).statusCode);
    expect(codes).toEqual([...Array(30).fill(302), ...Array(10).fill(429)]);
    expect(Number((await site.fw.db('nonces').count({ n: '*' }).first())!.n)).toBe(30);
    // Another client has its own count.
    expect((await site.app.inject({ method: 'HEAD', url: '/login/forum', remoteAddress: '203.0.113.8' })).statusCode).toBe(302);
  });

  it('holds sign-in guesses to five a minute, whatever the address looks like', async () => {
    site = await testSite({ ADMIN_PASSWORD: PASSWORD });
    const visitor = new Visitor(site.app);
    const token = await visitor.csrf();
    const codes: number[] = [];
    for (const url of ['/login', '/login?', '/%6cogin', '/logi%6e', '/login', '/login?', '/%6Cogin']) {
      const res = await site.app.inject({
        method: 'POST',
        url,
        remoteAddress: '203.0.113.7',
        headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, password: 'a guess' }).toString(),
      });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
