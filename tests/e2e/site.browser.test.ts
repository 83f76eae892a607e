/** The public site in a real browser: the leaderboard, switching period, following a member, hostile names, every page photographed. */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord, thanks } from '../support/builders.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  fw = await testFlywheel({ PUBLIC_URL: 'http://127.0.0.1', ADMIN_PASSWORD: 'correct horse battery staple' });
  const now = Date.now();
  fw.clock.now = now;
  const ana = discord('1', { displayName: 'Ana Answer' });
  const evil = discord('2', { displayName: HOSTILE });
  const asker = discord('3', { displayName: 'Asker' });
  await fw.ingest([
    act('question_asked', asker, now - 3 * 86_400_000, { key: 'q1' }),
    act('answer_posted', ana, now - 3 * 86_400_000 + 60_000, { counterpart: asker, subject: 'q1', url: 'https://discord.com/channels/1/2/3' }),
    act('answer_accepted', ana, now - 3 * 86_400_000 + 120_000, { counterpart: asker, subject: 'q1' }),
    ...thanks(asker, ana, now - 3 * 86_400_000 + 180_000),
    act('answer_accepted', evil, now - 40 * 86_400_000, { counterpart: asker }),
  ]);
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('dialog', () => {
    throw new Error('a script ran: a display name was not escaped');
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
});

const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('the public site in Chromium', () => {
  it('opens the leaderboard, switches period and follows a member', async () => {
    await page.goto(`${base}/leaderboard`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Leaderboard');
    expect(await page.locator('nav.tabs [aria-current="page"]').textContent()).toBe('Month');
    expect(await page.locator('table.board tbody tr').first().textContent()).toContain('Ana Answer');
    await shoot('leaderboard-month');

    await page.getByRole('link', { name: 'All time' }).click();
    await page.waitForURL(/period=all/);
    expect(await page.locator('nav.tabs [aria-current="page"]').textContent()).toBe('All time');
    expect(await page.locator('table.board tbody tr').count()).toBe(3);
    await shoot('leaderboard-all');

    await page.getByRole('link', { name: 'Ana Answer' }).first().click();
    await page.waitForURL(/\/members\/\d+$/);
    expect(await page.locator('h1').textContent()).toBe('Ana Answer');
    expect(await page.locator('main').textContent()).toContain('First Solution');
    await shoot('member');
  });

  it('shows a hostile display name as text, never as markup', async () => {
    await page.goto(`${base}/leaderboard?period=all`);
    const cell = page.locator('table.board').getByRole('link', { name: HOSTILE });
    expect(await cell.textContent()).toBe(HOSTILE);
    expect(await page.locator('main img[src="x"]').count()).toBe(0);
    await cell.click();
    await page.waitForURL(/\/members\/\d+$/);
    expect(await page.locator('h1').textContent()).toBe(HOSTILE);
  });

  it('signs an admin in through the form and shows the insights page with its charts', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/insights`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Admin password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/insights$/);
    expect(await page.locator('h1').textContent()).toBe('Insights');
    expect(await page.locator('svg.chart').count()).toBeGreaterThanOrEqual(5);
    await shoot('admin-insights');
    await page.goto(`${base}/admin/nominations`);
    await shoot('admin-nominations');
  });

  it('renders every public page, readable on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [
      ['home', '/'],
      ['badges', '/badges'],
      ['badge', '/badges/first-solution'],
      ['champions', '/champions'],
      ['login', '/login'],
      ['not-found', '/no-such-page'],
    ] as const) {
      const res = await page.goto(`${base}${path}`);
      expect([path, res?.status()]).toEqual([path, name === 'not-found' ? 404 : 200]);
      // Nothing wider than the phone's screen.
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
      await shoot(`phone-${name}`);
    }
  });
});
