/**
 * "How it works", the rank card and the leaderboard embed in Chromium: photographed on a desktop
 * and a phone, and the embed framed by a page of another origin (which the rest of the site refuses).
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord, thanks } from '../support/builders.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { decodePng } from '../support/png.js';

let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let other: Server;
let otherBase: string;
let anaId: number;

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

beforeAll(async () => {
  fw = await testFlywheel({ PUBLIC_URL: 'http://127.0.0.1' }, (c) => {
    c.community.name = 'Rustacean Helpers';
  });
  const now = Date.now();
  fw.clock.now = now;
  const day = 86_400_000;
  const ana = discord('1', { displayName: 'Ana Answer' });
  const names = ['Bo Builder', 'Chidi Okafor', 'Dana Scully-Mulder', 'Eve', 'Farida Al-Hashimi', 'Gustavo', 'Hana'];
  const asker = discord('99', { displayName: 'Asker' });
  await fw.ingest([
    act('question_asked', asker, now - 3 * day, { key: 'q1' }),
    act('answer_accepted', ana, now - 3 * day + 60_000, { counterpart: asker, subject: 'q1' }),
    act('answer_accepted', ana, now - 2 * day, { counterpart: discord('98'), subject: 'q2' }),
    ...thanks(asker, ana, now - 3 * day + 180_000),
    ...names.flatMap((name, i) => [
      act('answer_accepted', discord(String(10 + i), { displayName: name }), now - day - i * 60_000, { counterpart: asker, subject: `q${10 + i}` }),
      ...Array.from({ length: names.length - i }, (_, j) => act('question_asked', discord(String(10 + i), { displayName: name }), now - day + j * 3_600_000 + i * 1000, { key: `q-${i}-${j}` })),
    ]),
    act('answer_accepted', discord('50', { displayName: 'Hidden Hal' }), now - day, { counterpart: asker, subject: 'q50' }),
  ]);
  await fw.members.setHidden(discord('50'), true);
  anaId = (await fw.members.lookup('discord', '1')).id;
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  // A community's own site, on another origin, framing the widget (and, to compare, a normal page).
  other = createServer((req, res) => {
    const src = req.url === '/framed-page' ? `${base}/leaderboard` : `${base}/embed/leaderboard?period=week&limit=10`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><title>Our blog</title></head>
<body style="font-family:sans-serif;background:#f3f4f6;padding:1rem"><h1>Our community blog</h1><p>Thanks to this week’s top helpers:</p>
<iframe src="${src}" title="Leaderboard" width="360" height="520" style="border:0;max-width:100%" loading="lazy"></iframe></body></html>`);
  }).listen(0, '127.0.0.1');
  await once(other, 'listening');
  // "localhost" is another origin than 127.0.0.1 to the browser.
  otherBase = `http://localhost:${(other.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  other?.close();
  await app?.close();
  await fw?.close();
});

async function open(url: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  return page;
}
const shoot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const widerThanScreen = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');

describe('how it works, the rank card and the embed in Chromium', () => {
  it('shows How it works on a desktop and a phone, no wider than the phone', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const page = await open(`${base}/how-it-works`, viewport);
      expect(await page.locator('h1').textContent()).toBe('How it works');
      expect(await page.locator('table.rules tbody tr').count()).toBeGreaterThan(10);
      expect(await widerThanScreen(page), name).toBe(false);
      await shoot(page, `how-it-works-${name}`);
      if (name === 'phone') {
        // What a phone shows at once: the top, and the badges.
        await page.screenshot({ path: join(SCREENSHOTS, 'how-it-works-phone-top.png') });
        await page.locator('#badges').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SCREENSHOTS, 'how-it-works-phone-badges.png') });
      }
      await page.close();
    }
  });

  it('draws the rank card, the member page’s preview image', async () => {
    const page = await open(`${base}/members/${anaId}`, DESKTOP);
    const image = await page.locator('meta[property="og:image"]').getAttribute('content');
    expect(image).toBe(`http://127.0.0.1/members/${anaId}/card.png`);
    const res = await page.request.get(`${base}/members/${anaId}/card.png`);
    expect(res.status()).toBe(200);
    const png = await res.body();
    expect(decodePng(png).width).toBe(900);
    writeFileSync(join(SCREENSHOTS, 'rank-card.png'), png);
    await page.close();
  });

  it('lets another site frame the leaderboard embed, and no other page', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const page = await open(`${otherBase}/`, viewport);
      const frame = page.frameLocator('iframe');
      await expect.poll(() => frame.locator('.embed-board li').count()).toBe(9);
      expect(await frame.locator('.embed-board li').first().textContent()).toContain('Ana Answer');
      expect(await frame.locator('body').textContent()).not.toContain('Hidden Hal');
      expect(await widerThanScreen(page), name).toBe(false);
      await shoot(page, `embed-framed-${name}`);
      await page.close();
    }
    const blocked = await open(`${otherBase}/framed-page`, DESKTOP);
    await blocked.waitForTimeout(500);
    const framed = blocked.frames().find((f) => f !== blocked.mainFrame());
    expect(framed).toBeDefined();
    // Chromium shows its error page instead of the refused page.
    expect(await framed!.locator('table.board').count()).toBe(0);
    await blocked.close();
  });
});
