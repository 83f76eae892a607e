/**
 * Public pages are rendered once per change, not once per visit: anonymous visitors get the kept
 * page until the next write, and every write (a new point, a member hiding) shows on the next view.
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Visitor } from '../support/browser-session.js';
import { act, discord } from '../support/builders.js';
import { testSite, type TestSite } from '../support/web.js';

let site: TestSite;
beforeEach(async () => {
  site = await testSite({ ADMIN_PASSWORD: 'correct horse battery staple' });
  await site.fw.ingest([act('answer_accepted', discord('1', { displayName: 'Ana' }), site.fw.clock.now - 60_000, { counterpart: discord('9') })]);
});
afterEach(() => site.close());

const get = (url: string, headers: Record<string, string> = {}) => site.app.inject({ method: 'GET', url, headers });

describe('the page cache', () => {
  it('serves the same page again without rendering it, compressed for whoever accepts it', async () => {
    const first = await get('/leaderboard?period=all');
    expect(first.headers['x-flywheel-cache']).toBe('miss');
    const second = await get('/leaderboard?period=all');
    expect(second.headers['x-flywheel-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toMatch(/^text\/html/);
    expect(second.headers['cache-control']).toBe('public, max-age=60');
    const gzipped = await get('/leaderboard?period=all', { 'accept-encoding': 'gzip' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(first.body);
  });

  it('shows every write on the next view: new points, and a member who hid', async () => {
    expect((await get('/leaderboard?period=all')).body).not.toContain('Bea');
    await site.fw.ingest([act('answer_accepted', discord('2', { displayName: 'Bea' }), site.fw.clock.now - 30_000, { counterpart: discord('9') })]);
    const after = await get('/leaderboard?period=all');
    expect(after.headers['x-flywheel-cache']).toBe('miss');
    expect(after.body).toContain('Bea');

    await get('/leaderboard?period=all');
    await site.fw.members.setHidden(discord('2'), true);
    expect((await get('/leaderboard?period=all')).body).not.toContain('Bea');
  });

  it('answers every visitor the way it answered the first, on every route it keeps answers for', async () => {
    const memberId = (await site.fw.members.lookup('discord', '1')).id;
    const awardId = (await site.fw.db('badge_awards').where({ member_id: memberId }).first('id')).id as number;
    const badgeId = (await site.fw.db('badge_awards').where({ id: awardId }).first('badge_id')).badge_id as string;
    // Addresses to try per cacheable route: a route added later fails here until it is given some.
    const examples: Record<string, string[]> = {
      '/': ['/'],
      '/leaderboard': ['/leaderboard', '/leaderboard?period=all'],
      '/members/:id': [`/members/${memberId}`],
      '/members/:id/card.png': [`/members/${memberId}/card.png`],
      '/badges': ['/badges'],
      '/badges/:id': [`/badges/${badgeId}`, `/badges/${badgeId}.svg`, `/badges/${badgeId}.png`],
      '/badges/awards/:id': [`/badges/awards/${awardId}`],
      '/champions': ['/champions'],
      '/how-it-works': ['/how-it-works'],
      '/embed/leaderboard': ['/embed/leaderboard', '/embed/leaderboard?period=all&limit=3'],
    };
    expect(site.app.pageCacheRoutes.map((r) => r.url).sort()).toEqual(Object.keys(examples).sort());

    const sameness = (res: Awaited<ReturnType<typeof get>>) => {
      const { date: _date, 'x-flywheel-cache': _cache, ...headers } = res.headers;
      return { status: res.statusCode, headers, body: res.rawPayload.toString('base64') };
    };
    let hits = 0;
    for (const url of Object.values(examples).flat()) {
      for (const headers of [{}, { 'accept-encoding': 'gzip' }] as Array<Record<string, string>>) {
        const first = await get(url, headers);
        expect(first.statusCode, url).toBe(200);
        const again = await get(url, headers);
        if (again.headers['x-flywheel-cache'] === 'hit') hits++;
        expect(sameness(again), url).toEqual(sameness(first));
      }
    }
    expect(hits).toBeGreaterThanOrEqual(Object.keys(examples).length);
    expect((await get(`/badges/${badgeId}.svg`)).headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('never keeps or serves a page for someone signed in', async () => {
    await get('/leaderboard?period=all');
    const admin = new Visitor(site.app);
    await admin.signInWithPassword('correct horse battery staple');
    const page = await admin.get('/leaderboard?period=all');
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-flywheel-cache']).toBeUndefined();
    expect(page.headers['cache-control']).toBe('private, no-store');
  });
});
