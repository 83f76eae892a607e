/**
 * Only the leaderboard widget may be framed by other sites. Its refusals (a parameter just outside
 * its range, an unknown one) are pages of the site and refuse framing like every other page; so do
 * other spellings of its address that are not the route. Kept (page-cached) answers keep their own
 * headers: a kept widget stays framable, and a page kept after it is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSite, type TestSite } from '../../support/web.js';

let site: TestSite;
beforeAll(async () => {
  site = await testSite({ PUBLIC_URL: 'https://community.example.org' });
});
afterAll(() => site.close());

const frameAncestors = (csp: unknown) => String(csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors'));
const framing = (res: { headers: Record<string, unknown> }) => [res.headers['x-frame-options'], frameAncestors(res.headers['content-security-policy']), res.headers['cross-origin-resource-policy']];
const FRAMABLE = [undefined, 'frame-ancestors *', 'cross-origin'];
const SAME_ORIGIN = ['SAMEORIGIN', "frame-ancestors 'self'", 'same-origin'];

describe('framing the widget', () => {
  it('is allowed for the widget, fresh, kept, by HEAD and by a percent-encoded spelling of its path', async () => {
    for (const [method, url] of [
      ['GET', '/embed/leaderboard?limit=25'],
      ['GET', '/embed/leaderboard?limit=25'],
      ['HEAD', '/embed/leaderboard?limit=1'],
      ['GET', '/%65mbed/leaderboard?limit=1'],
    ] as const) {
      const res = await site.app.inject({ method, url, headers: { accept: 'text/html' } });
      expect(res.statusCode, `${method} ${url}`).toBe(200);
      expect(framing(res), `${method} ${url}`).toEqual(FRAMABLE);
    }
  });

  it('is refused for its error pages, the addresses that are not it, and the pages kept around it', async () => {
    const urls = ['/embed/leaderboard?limit=26', '/embed/leaderboard?limit=0', '/embed/leaderboard?period=decade', '/embed/leaderboard?x=1', '//embed/leaderboard', '/embed/leaderboard/', '/embed%2Fleaderboard', '/Embed/leaderboard'];
    for (const url of urls)
      for (const accept of ['text/html', 'application/json']) {
        const res = await site.app.inject({ method: 'GET', url, headers: { accept } });
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(framing(res), `${url} (${accept})`).toEqual(SAME_ORIGIN);
      }
    await site.app.inject({ method: 'GET', url: '/embed/leaderboard' });
    for (const attempt of ['miss', 'hit']) {
      const res = await site.app.inject({ method: 'GET', url: '/leaderboard', headers: { accept: 'text/html' } });
      expect(res.headers['x-flywheel-cache']).toBe(attempt);
      expect(framing(res)).toEqual(SAME_ORIGIN);
    }
  });
});
