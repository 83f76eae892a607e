/**
 * The leaderboard widget: a compact page any site may frame (every other page still refuses to be
 * framed), built on the public leaderboard data, never showing a hidden member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord } from '../support/builders.js';
import { testSite, type TestSite } from '../support/web.js';

let site: TestSite;
const ana = discord('710000000000000001', { displayName: 'Ana' });
const bea = discord('710000000000000002', { displayName: 'Bea' });
const cy = discord('710000000000000003', { displayName: 'Cy' });
const secret = discord('710000000000000004', { displayName: 'Secret Sam' });
const asker = discord('710000000000000009', { displayName: 'Asker' });

beforeAll(async () => {
  site = await testSite({ PUBLIC_URL: 'https://community.example.org' });
  const now = site.fw.clock.now;
  await site.fw.ingest([
    act('answer_accepted', ana, now - 3_600_000, { counterpart: asker, subject: 'q1' }),
    act('answer_accepted', ana, now - 3_500_000, { counterpart: bea, subject: 'q2' }),
    act('answer_accepted', bea, now - 3_400_000, { counterpart: asker, subject: 'q3' }),
    act('question_asked', cy, now - 3_300_000, { subject: 'q4' }),
    act('answer_accepted', secret, now - 3_200_000, { counterpart: cy, subject: 'q5' }),
    act('answer_accepted', secret, now - 3_100_000, { counterpart: bea, subject: 'q6' }),
    act('answer_accepted', secret, now - 3_000_000, { counterpart: ana, subject: 'q7' }),
  ]);
  await site.fw.members.setHidden(secret, true);
});
afterAll(() => site.close());

const get = (url: string) => site.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
const frameAncestors = (csp: unknown) => String(csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors'));

describe('/embed/leaderboard', () => {
  it('answers without frame-blocking headers, while every other page still blocks framing', async () => {
    for (const attempt of ['miss', 'hit']) {
      const res = await get('/embed/leaderboard?period=week&limit=10');
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-flywheel-cache']).toBe(attempt);
      expect(res.headers['x-frame-options']).toBeUndefined();
      expect(frameAncestors(res.headers['content-security-policy'])).toBe('frame-ancestors *');
      // The rest of the site's policy still holds inside the frame.
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    for (const url of ['/', '/leaderboard', '/how-it-works', '/badges']) {
      const res = await get(url);
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(frameAncestors(res.headers['content-security-policy']), url).toBe("frame-ancestors 'self'");
    }
  });

  it('is compact: the period’s top members, no site navigation, links opening outside the frame, no hidden member', async () => {
    const res = await get('/embed/leaderboard?period=week&limit=10');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body).not.toContain('<nav');
    expect(res.body).not.toContain('<header');
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).toContain('<base target="_blank">');
    const names = [...res.body.matchAll(/<a class="who" href="\/members\/\d+"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(names).toEqual(['Ana', 'Bea', 'Cy']);
    expect(res.body).not.toContain('Secret Sam');
    expect(res.body).toContain('top helpers this week');
    expect(res.body.replace(/&#x3D;/g, '=')).toContain('href="/leaderboard?period=week"');

    const two = await get('/embed/leaderboard?period=all&limit=2');
    expect([...two.body.matchAll(/<a class="who"[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual(['Ana', 'Bea']);
    expect(two.body).toContain('top helpers of all time');
  });

  it('is built on the public JSON, which never lists a hidden member either', async () => {
    const res = await site.app.inject({ method: 'GET', url: '/api/v1/leaderboard?period=week&limit=10' });
    expect(res.statusCode).toBe(200);
    expect(res.json().entries.map((e: { member: { displayName: string } }) => e.member.displayName)).toEqual(['Ana', 'Bea', 'Cy']);
  });

  it('refuses bad parameters with a 4xx naming them', async () => {
    for (const [url, message] of [
      ['/embed/leaderboard?period=decade', 'period: expected one of'],
      ['/embed/leaderboard?limit=500', 'limit: '],
      ['/embed/leaderboard?color=red', 'Unrecognized key'],
    ]) {
      const res = await site.app.inject({ method: 'GET', url: url!, headers: { accept: 'application/json' } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toContain(message);
    }
  });
});
