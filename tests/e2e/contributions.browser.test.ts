/** The community team's contribution pages in Chromium: a post recorded by name, an attendee list previewed then recorded, a token shown once — photographed. */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord } from '../support/builders.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
const errors: string[] = [];

beforeAll(async () => {
  fw = await testFlywheel({ PUBLIC_URL: 'http://127.0.0.1', ADMIN_PASSWORD: 'correct horse battery staple' });
  fw.clock.now = Date.parse('2026-11-22T12:00:00Z');
  await fw.ingest([
    act('member_joined', discord('111111111111111111', { username: 'ana', displayName: 'Ana Lima' }), fw.clock.now - 86_400_000),
    act('member_joined', discord('222222222222222222', { username: 'ben', displayName: '<b>Ben</b>' }), fw.clock.now - 86_400_000),
  ]);
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // What the pages load must be there (the browser's own favicon request aside).
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
});

const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('contributions in Chromium', () => {
  it('records a post, previews and records an attendee list, and shows a new token once', async () => {
    await page.goto(`${base}/admin/contributions`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Admin password').fill('correct horse battery staple');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.goto(`${base}/admin/contributions`);
    await shoot('admin-contributions');

    const post = page.locator('section#content_published form');
    // Typing a name offers the members it may mean, by number.
    await post.getByLabel('Member').pressSequentially('Lim');
    await expect.poll(() => post.locator('datalist option').evaluateAll((os) => os.map((o) => `${(o as { value: string }).value} ${(o as { label: string }).label}`))).toEqual(['#1 Ana Lima (discord: ana)']);
    await post.getByLabel('Member').fill('ana');
    await post.getByLabel('Link').fill('https://blog.example.org/ana/first-post');
    await post.getByLabel('Date').fill('2026-11-20');
    await post.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Recorded published content for Ana Lima (+25 points).');

    const list = page.locator('section#attendees form');
    await list.getByLabel('Event').fill('Berlin Meetup');
    await list.getByLabel('Date').fill('2026-11-18');
    // The file an event tool exported, chosen in the form.
    await list.getByLabel('CSV file').setInputFiles({ name: 'attendees.csv', mimeType: 'text/csv', buffer: Buffer.from('Name,Discord ID\nAna Lima,111111111111111111\nBen,222222222222222222\nStranger,333333333333333333\n') });
    await expect.poll(() => list.getByLabel('or paste it').inputValue()).toContain('Stranger');
    await list.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('main p').first().textContent()).toContain('2 rows match a member, 1 match nobody');
    expect(await page.locator('tr.unmatched').textContent()).toContain('no member with this Discord id');
    expect(await page.locator('tr.matched').nth(1).textContent()).toContain('<b>Ben</b>');
    await shoot('admin-attendees-preview');
    await page.getByRole('button', { name: 'Record the 2 matched members' }).click();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('Recorded 2 members; 1 row matched nobody and was left out');
    expect((await fw.members.profile(1)).points.all).toBe(28);

    await page.goto(`${base}/admin/tokens`);
    await page.getByLabel('What it is for').fill('Luma check-ins');
    await page.getByRole('button', { name: 'Create' }).click();
    const token = await page.locator('#new-token').textContent();
    expect(token).toMatch(/^fw_/);
    await shoot('admin-token-created');
    await page.goto(`${base}/admin/tokens`);
    expect(await page.content()).not.toContain(token!);
    expect(errors.join("\n")).toBe("");
  }, 60_000);
});
