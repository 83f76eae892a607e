/**
 * Whose X-Forwarded-For is believed. By default only a proxy on this machine's loopback: a
 * visitor on a private network (behind the same NAT, in the same cloud) cannot name a new address
 * for each try and so escape the sign-in limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
let site: TestSite;
afterEach(() => site?.close());

async function guesses(from: string, count: number, forwarded: (i: number) => string | undefined): Promise<number[]> {
  const v = new Visitor(site.app);
  const token = await v.csrf();
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const xff = forwarded(i);
    const res = await site.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: from,
      headers: { cookie: v.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', ...(xff ? { 'x-forwarded-for': xff } : {}) },
      payload: new URLSearchParams({ _csrf: token, password: `guess number ${i}` }).toString(),
    });
    codes.push(res.statusCode);
  }
  return codes;
}

describe('the sign-in limit behind X-Forwarded-For', () => {
  it('is not reset by a private address that names a new client on every try', async () => {
    site = await testSite({ ADMIN_PASSWORD: PASSWORD });
    for (const from of ['10.1.2.3', '192.168.1.20', '172.16.5.5', 'fd00::1', '169.254.1.1']) {
      const codes = await guesses(from, 7, (i) => `198.51.100.${i + 1}`);
      expect([from, codes]).toEqual([from, [401, 401, 401, 401, 401, 429, 429]]);
    }
  });

  it('believes a proxy on loopback by default, and the proxies named in TRUST_PROXY', async () => {
    site = await testSite({ ADMIN_PASSWORD: PASSWORD });
    // A local proxy (nginx on the same host) passes on each visitor's own address.
    expect(await guesses('127.0.0.1', 6, (i) => `198.51.100.${i + 1}`)).toEqual(Array(6).fill(401));
    await site.close();
    site = await testSite({ ADMIN_PASSWORD: PASSWORD, TRUST_PROXY: '10.0.0.0/8' });
    expect(await guesses('10.1.2.3', 6, (i) => `198.51.100.${i + 1}`)).toEqual(Array(6).fill(401));
    expect(await guesses('10.1.2.3', 6, () => '198.51.100.99')).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
