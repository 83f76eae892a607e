/**
 * Signing in on a phone, in Chromium: the “You” menu leads to the member sign-in with the
 * configured providers (no admin password form), and the forum's button signs a forum-only member
 * in to their own page. Both pages are photographed.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { FakeDiscourse } from '../support/fake-discourse.js';
import { listenForReal } from '../support/http-browser.js';

let forum: FakeDiscourse;
let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  forum = await new FakeDiscourse().start();
  fw = await testFlywheel({
    ADMIN_PASSWORD: 'correct horse battery staple',
    DISCOURSE_URL: forum.url,
    DISCOURSE_CONNECT_SECRET: forum.connectSecret,
    DISCORD_APPLICATION_ID: '100000000000000001',
    DISCORD_CLIENT_SECRET: 'client-secret-for-tests',
  });
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await listenForReal(app, fw.config);
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
  await forum?.stop();
});

const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const fitsThePhone = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1');

describe('signing in on a phone', () => {
  it('goes from the “You” menu to the member sign-in, and through the forum to the member’s own page', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'You' }).click();
    await page.waitForURL(/\/login\?next=%2Fme$/);
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.getByRole('link', { name: 'Sign in with Discord' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Sign in with the forum' }).isVisible()).toBe(true);
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    expect(await fitsThePhone()).toBe(true);
    await shoot('phone-sign-in');

    forum.connectUser = { id: 777, username: 'fern', name: 'Fern Forum' };
    await page.getByRole('link', { name: 'Sign in with the forum' }).click();
    await page.waitForURL(/\/me$/);
    expect(await page.locator('h1').textContent()).toBe('Hello, Fern Forum');
    expect(await page.getByRole('button', { name: 'Hide me' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Download everything Flywheel holds about you' }).isVisible()).toBe(true);
    expect(await fitsThePhone()).toBe(true);
    await shoot('phone-me-forum');
  });
});
