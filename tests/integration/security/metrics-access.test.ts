/**
 * /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`: not the token in the address (it
 * would land in access logs), not a part of it or more than it, not another spelling of the path,
 * and nothing of an authorised answer is kept for the next visitor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSite, type TestSite } from '../../support/web.js';

const TOKEN = 'metrics-token-0123456789';
let site: TestSite;
beforeAll(async () => {
  site = await testSite({ METRICS_TOKEN: TOKEN });
});
afterAll(() => site.close());

const get = (url: string, authorization?: string, method: 'GET' | 'HEAD' = 'GET') => site.app.inject({ method, url, headers: authorization ? { authorization } : {} });

describe('/metrics', () => {
  it('refuses the token anywhere but the Authorization header, and any token but the whole one', async () => {
    for (const [url, authorization] of [
      [`/metrics?token=${TOKEN}`, undefined],
      [`/metrics?access_token=${TOKEN}`, undefined],
      ['/metrics', `Bearer ${TOKEN.slice(0, -1)}`],
      ['/metrics', `Bearer ${TOKEN}0`],
      ['/metrics', `Bearer ${TOKEN} `],
      ['/metrics', `Bearer  ${TOKEN}`],
      ['/metrics', `Bearer ${TOKEN.toUpperCase()}`],
    ] as const) {
      const res = await get(url, authorization);
      expect([url, authorization, res.statusCode]).toEqual([url, authorization, 401]);
      expect(res.body).not.toContain('flywheel_');
    }
    expect((await get('/metrics', undefined, 'HEAD')).statusCode).toBe(401);
  });

  it('lives at one path: other spellings are not found, even with the token; a percent-encoded one is the same route', async () => {
    for (const url of ['/metrics/', '/METRICS', '//metrics', '/metrics.txt'])
      expect([url, (await get(url, `Bearer ${TOKEN}`)).statusCode]).toEqual([url, 404]);
    expect((await get('/%6detrics')).statusCode).toBe(401);
    expect((await get('/%6detrics', `Bearer ${TOKEN}`)).statusCode).toBe(200);
  });

  it('keeps nothing of an authorised answer for the next visitor', async () => {
    const allowed = await get('/metrics', `Bearer ${TOKEN}`);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['cache-control']).toBe('no-store');
    const next = await get('/metrics');
    expect(next.statusCode).toBe(401);
    expect(next.body).not.toContain('flywheel_');
  });
});
