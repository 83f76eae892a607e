/**
 * Rank cards: a PNG drawn on the server for each visible member (the member page's preview image),
 * from the member's picture when a platform keeps one and initials otherwise; never for a hidden
 * member, and never fetching a picture from anywhere but Discord's CDN and the forum.
 */
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarFetcher } from '../../src/images/avatars.js';
import { CARD_HEIGHT, CARD_WIDTH, initials, rankCardPng } from '../../src/images/rank-card.js';
import { act, discord } from '../support/builders.js';
import { decodePng, PNG_SIGNATURE } from '../support/png.js';
import { testSite, type TestSite } from '../support/web.js';

const { Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
const RED_PNG = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#ff0000"/></svg>').render().asPng();

let site: TestSite;
const ana = discord('720000000000000001', { displayName: 'Ana María' });
const sam = discord('720000000000000002', { displayName: 'Secret Sam' });
const asker = discord('720000000000000009', { displayName: 'Asker' });
let anaId: number;
let samId: number;

beforeAll(async () => {
  site = await testSite({ PUBLIC_URL: 'https://community.example.org' });
  const now = site.fw.clock.now;
  await site.fw.ingest([
    act('answer_accepted', ana, now - 3_600_000, { counterpart: asker, subject: 'q1' }),
    act('answer_accepted', sam, now - 3_500_000, { counterpart: asker, subject: 'q2' }),
  ]);
  anaId = (await site.fw.members.lookup('discord', ana.externalId)).id;
  samId = (await site.fw.members.lookup('discord', sam.externalId)).id;
});
afterAll(() => site.close());

const get = (url: string) => site.app.inject({ method: 'GET', url });

describe('/members/:id/card.png', () => {
  it('is a PNG of the card’s size, kept by the page cache and shareable from other sites', async () => {
    const res = await get(`/members/${anaId}/card.png`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const png = decodePng(res.rawPayload);
    expect([png.width, png.height]).toEqual([CARD_WIDTH, CARD_HEIGHT]);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const again = await get(`/members/${anaId}/card.png`);
    expect(again.headers['x-flywheel-cache']).toBe('hit');
    expect(again.rawPayload.equals(res.rawPayload)).toBe(true);
  });

  it('is the member page’s preview image', async () => {
    const page = await site.app.inject({ method: 'GET', url: `/members/${anaId}`, headers: { accept: 'text/html' } });
    expect(page.body).toContain(`<meta property="og:image" content="https://community.example.org/members/${anaId}/card.png">`);
    expect(page.body).toContain('<meta name="twitter:card" content="summary_large_image">');
  });

  it('answers 404 for a hidden or unknown member (at once when a member hides) and 400 for a bad id', async () => {
    expect((await get(`/members/${samId}/card.png`)).statusCode).toBe(200);
    await site.fw.members.setHidden(sam, true);
    const hidden = await get(`/members/${samId}/card.png`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual({ error: 'member not found', code: 'not_found' });
    expect((await get('/members/999999/card.png')).statusCode).toBe(404);
    const bad = await get('/members/abc/card.png');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_parameter');
  });

  it('draws the member’s picture when there is one, and initials otherwise', async () => {
    const card = await site.fw.members.rankCard(anaId);
    expect(initials(card.displayName)).toBe('AM');
    const withPicture = decodePng(rankCardPng(card, { mime: 'image/png', bytes: RED_PNG }, { community: 'Test' }));
    expect(withPicture.pixel(150, 150)).toEqual([255, 0, 0, 255]);
    const withInitials = decodePng(rankCardPng(card, null, { community: 'Test' }));
    expect(withInitials.pixel(150, 150).slice(0, 3)).not.toEqual([255, 0, 0]);
    // The progress bar: Ana is a contributor on her way to advocate (one month, one member helped of 3 and 5).
    expect(card.stage).toBe('contributor');
    expect(card.progress).toMatchObject({ next: 'advocate', needs: [expect.stringMatching(/^Help in 2 more months/), expect.stringMatching(/^Help 4 more people/)] });
  });
});

describe('fetching pictures', () => {
  let forum: Server;
  let origin: string;
  const served: string[] = [];
  beforeAll(async () => {
    forum = createServer((req, res) => {
      served.push(req.url!);
      if (req.url === '/red.png') res.writeHead(200, { 'content-type': 'image/png' }).end(RED_PNG);
      else if (req.url === '/big.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([RED_PNG, Buffer.alloc(600_000)]));
      else if (req.url === '/slow.png') setTimeout(() => res.writeHead(200).end(RED_PNG), 1_500);
      else if (req.url === '/page.html') res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not a picture</html>');
      else if (req.url === '/moved.png') res.writeHead(302, { location: 'http://127.0.0.2:1/red.png' }).end();
      else res.writeHead(404).end();
    }).listen(0, '127.0.0.1');
    await once(forum, 'listening');
    origin = `http://127.0.0.1:${(forum.address() as AddressInfo).port}`;
  });
  afterAll(() => forum.close());

  it('takes an image from an allowed origin once, and keeps it', async () => {
    const fetch = avatarFetcher({ origins: [origin], relativeTo: origin });
    served.length = 0;
    const first = await fetch(`${origin}/red.png`);
    expect(first?.mime).toBe('image/png');
    expect(first?.bytes.equals(RED_PNG)).toBe(true);
    expect((await fetch('/red.png'))?.bytes.equals(RED_PNG)).toBe(true); // a forum's relative avatar path
    expect(served).toEqual(['/red.png']);
  });

  it('never asks another host, follows no redirect, and refuses what is too big, too slow or not an image', async () => {
    const fetch = avatarFetcher({ origins: [origin], timeoutMs: 300 });
    served.length = 0;
    const other = origin.replace('127.0.0.1', 'localhost');
    expect(await fetch(`${other}/red.png`)).toBeNull();
    expect(await fetch(`http://user:secret@${origin.slice('http://'.length)}/red.png`)).toBeNull();
    expect(await fetch('file:///etc/passwd')).toBeNull();
    expect(await fetch('not a url')).toBeNull();
    expect(served).toEqual([]);
    const started = Date.now();
    expect(await fetch(`${origin}/slow.png`)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(await fetch(`${origin}/big.png`)).toBeNull();
    expect(await fetch(`${origin}/page.html`)).toBeNull();
    expect(await fetch(`${origin}/moved.png`)).toBeNull();
    expect(served).toEqual(['/slow.png', '/big.png', '/page.html', '/moved.png']);
  });
});
