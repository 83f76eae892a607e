/**
 * A CSRF token works only for the session it was made for. Someone who can plant cookies in a
 * victim's browser (a sibling subdomain, an insecure network) cannot bring along a cookie and
 * token pair from a session of their own — or from no session at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { act, discord } from '../../support/builders.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
let site: TestSite;
let member: number;

beforeAll(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD });
  await site.fw.ingest([act('answer_accepted', discord('42', { displayName: 'Helper' }), site.fw.clock.now - 3600_000, { counterpart: discord('43') })]);
  member = await site.fw.members.resolve(discord('42'));
});
afterAll(() => site.close());

const nominations = async () => Number((await site.fw.db('nominations').count({ n: '*' }).first())!.n);

/** The CSRF cookie and token one visitor's page gave them. */
async function pairOf(v: Visitor, page: string): Promise<{ cookie: string; token: string }> {
  const token = await v.csrf(page);
  const cookie = v.cookieHeader.split('; ').find((c) => c.startsWith('_csrf='))!;
  return { cookie: decodeURIComponent(cookie.slice('_csrf='.length)), token };
}

describe('CSRF tokens', () => {
  it('from session A are refused in session B; B’s own work', async () => {
    const a = new Visitor(site.app);
    const b = new Visitor(site.app);
    await a.signInWithPassword(PASSWORD);
    await b.signInWithPassword(PASSWORD);
    const fromA = await pairOf(a, '/admin/nominations');
    const form = (token: string) => ({ _csrf: token, member: String(member), reason: 'Answers every question within the hour' });

    // B's browser carrying A's cookie and A's token.
    b.setCookie('_csrf', fromA.cookie);
    const res = await b.post('/admin/nominations', form(fromA.token), 'application/json');
    expect([res.statusCode, res.json().code]).toEqual([403, 'forbidden']);
    expect(await nominations()).toBe(0);

    // A signed-out page's pair is no good inside a session either.
    const stranger = await pairOf(new Visitor(site.app), '/login?next=%2Fadmin');
    b.setCookie('_csrf', stranger.cookie);
    expect((await b.post('/admin/nominations', form(stranger.token), 'application/json')).statusCode).toBe(403);
    expect(await nominations()).toBe(0);

    // B's own pair works.
    const own = await pairOf(b, '/admin/nominations');
    expect((await b.post('/admin/nominations', form(own.token))).statusCode).toBe(303);
    expect(await nominations()).toBe(1);
  });

  it('made before signing in stop working once signed in, and the other way round', async () => {
    const v = new Visitor(site.app);
    const before = await v.csrf('/login?next=%2Fadmin');
    await v.signInWithPassword(PASSWORD);
    expect((await v.post('/logout', { _csrf: before }, 'application/json')).statusCode).toBe(403);
    const during = await v.csrf('/logout');
    expect((await v.post('/logout', { _csrf: during })).statusCode).toBe(303);
    // Signed out now: the session's token does not sign in.
    expect((await v.post('/login', { _csrf: during, password: PASSWORD }, 'application/json')).statusCode).toBe(403);
  });
});
