/**
 * The page cache cannot be bypassed by spelling an address differently: a rank card (about 0.1 s of
 * CPU to draw) or the embed asked with a query key the route ignores, percent-encoded digits or
 * another order of the query is the page already kept, not another render — and not another entry
 * pushing the useful ones out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_WINDOW_MS } from '../../../src/app/read-cache.js';
import { act, discord } from '../../support/builders.js';
import { testSite, type TestSite } from '../../support/web.js';

let site: TestSite;
let id: number;
beforeAll(async () => {
  site = await testSite({ PUBLIC_URL: 'https://community.example.org' });
  const ana = discord('740000000000000001', { displayName: 'Ana' });
  await site.fw.ingest([act('answer_accepted', ana, site.fw.clock.now - 3_600_000, { counterpart: discord('740000000000000009', { displayName: 'Asker' }), subject: 'q1' })]);
  id = (await site.fw.members.lookup('discord', ana.externalId)).id;
});
afterAll(() => site.close());

const cache = async (url: string) => {
  const res = await site.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
  expect(res.statusCode, url).toBe(200);
  return res.headers['x-flywheel-cache'];
};

/** Kept pages end with their window (aligned on this process's clock): start a check at a window's beginning, so none ends during it. */
const windowStart = () => new Promise((resolve) => setTimeout(resolve, KEEP_WINDOW_MS - (performance.now() % KEEP_WINDOW_MS) + 20));

describe('the page cache', () => {
  it('draws a rank card once, however its address is spelled', async () => {
    await windowStart();
    expect(await cache(`/members/${id}/card.png`)).toBe('miss');
    const digits = [...String(id)].map((d) => `%3${d}`).join('');
    for (const url of [`/members/${id}/card.png?bust=1`, `/members/${id}/card.png?bust=2`, `/members/${id}/card.png?`, `/members/${digits}/card.png`])
      expect([url, await cache(url)]).toEqual([url, 'hit']);
  });

  it('renders the embed once for the same board, whatever the order of its query or the defaults spelled out', async () => {
    await windowStart();
    expect(await cache('/embed/leaderboard?period=month&limit=5')).toBe('miss');
    expect(await cache('/embed/leaderboard?limit=5&period=month')).toBe('hit');
    expect(await cache('/embed/leaderboard')).toBe('miss');
    expect(await cache('/embed/leaderboard?period=week&limit=10')).toBe('hit');
    expect(await cache('/embed/leaderboard?limit=6&period=month')).toBe('miss');
  });
});
