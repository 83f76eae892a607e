/**
 * The public site after a demo-like community, in Chromium, on a phone (360×740) and a desktop
 * (1280×800): the podium, faces and the member page, photographed — and no page wider than the screen.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCommunity } from '../../src/app/demo-community.js';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let top: number;

const VIEWPORTS = [
  { name: 'phone', width: 360, height: 740 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

beforeAll(async () => {
  fw = await testFlywheel({ PUBLIC_URL: 'http://127.0.0.1' }, (c) => {
    c.community.name = 'Demo Makers';
    c.community.tagline = 'Where makers help makers';
    c.community.accentColor = '#0b7a5c';
    c.community.links = [{ label: 'Website', url: 'https://makers.example/' }];
  });
  const end = Date.now();
  fw.clock.now = end;
  const activities = demoCommunity({ members: 120, months: 4, seed: 42, end });
  for (let i = 0; i < activities.length; i += 2000) await fw.ingest(activities.slice(i, i + 2000));
  await fw.maintenance.closePeriods();
  top = (await fw.boards.leaderboard({ period: 'all', limit: 1 })).entries[0]!.member.id;
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
});

async function visit(viewport: (typeof VIEWPORTS)[number], path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
  const missing: string[] = [];
  page.on('response', (r) => void (r.status() === 404 && missing.push(r.url())));
  await page.goto(`${base}${path}`);
  await page.waitForLoadState('networkidle');
  expect(missing).toEqual([]); // no favicon 404, no missing badge image
  // Nothing wider than the screen: no sideways scrolling.
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
  // No serious or critical accessibility problem (axe-core).
  await page.evaluate(AXE); // through the debugger, so the page's script policy does not apply
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')))`)) as string[];
  expect(violations).toEqual([]);
  return page;
}

describe('the public site after a demo', () => {
  it('moves ranks by exactly the difference from last period’s board, ties and deep pages included', async () => {
    const now = await fw.boards.leaderboard({ period: 'month', limit: 25, offset: 25 });
    const before = [0, 100].map((offset) => fw.boards.leaderboard({ period: 'month', at: now.previous!, limit: 100, offset }));
    const rankBefore = new Map((await Promise.all(before)).flatMap((b) => b.entries).map((e) => [e.member.id, e.rank]));
    expect(rankBefore.size).toBe((await before[0]!).total);
    for (const e of now.entries) {
      const was = rankBefore.get(e.member.id);
      const expected = was === undefined ? { direction: 'new' } : was > e.rank ? { direction: 'up', by: was - e.rank } : was < e.rank ? { direction: 'down', by: e.rank - was } : { direction: 'same' };
      expect([e.member.displayName, e.movement]).toEqual([e.member.displayName, expected]);
    }
  });

  for (const viewport of VIEWPORTS) {
    it(`shows the community's own home page on a ${viewport.name}`, async () => {
      const page = await visit(viewport, '/');
      expect(await page.title()).toBe('Demo Makers');
      expect(await page.locator('h1').textContent()).toBe('Demo Makers');
      expect(await page.locator('main').textContent()).toContain('Where makers help makers');
      await page.screenshot({ path: join(SCREENSHOTS, `public-home-${viewport.name}.png`), fullPage: true });
      await page.close();
    });

    it(`shows the leaderboard with a podium and faces on a ${viewport.name}`, async () => {
      const page = await visit(viewport, '/leaderboard');
      expect(await page.title()).toBe('Leaderboard — Demo Makers');
      expect(await page.locator('.podium li').count()).toBe(3);
      const firstRow = page.locator('table.board tbody tr').first();
      // Every column is there, on a phone too.
      for (const cell of await firstRow.locator('td').all()) expect(await cell.isVisible()).toBe(true);
      expect(await page.locator('table.board tbody .avatar').count()).toBe(25);
      await page.screenshot({ path: join(SCREENSHOTS, `public-leaderboard-${viewport.name}.png`), fullPage: true });
      await page.close();
    });

    it(`shows a member page with the next step, grouped badges and contributions on a ${viewport.name}`, async () => {
      const page = await visit(viewport, `/members/${top}`);
      expect(await page.locator('.profile .avatar').isVisible()).toBe(true);
      expect(await page.locator('.badge-groups li').count()).toBeGreaterThan(0);
      expect(await page.locator('#next-step').textContent()).toMatch(/Next: |top of the ladder/);
      await page.screenshot({ path: join(SCREENSHOTS, `public-member-${viewport.name}.png`), fullPage: true });
      await page.close();
    });
  }
});
