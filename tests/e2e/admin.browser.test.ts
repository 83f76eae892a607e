/**
 * Every page of the community team's side in Chromium, on a phone (360×740) and a desktop, over a
 * demo community with something waiting on every page: nothing wider than the screen, no action
 * hidden (Nominate, Revoke, the decisions), no serious or critical axe-core finding, a final
 * decision confirmed in two steps — photographed
 * (test-output/screenshots/admin-*-{phone,desktop}.png).
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

const PASSWORD = 'correct horse battery staple';
const END = Date.parse('2026-11-22T12:00:00Z');
let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
const errors: string[] = [];

const PAGES = [
  ['overview', '/admin'],
  ['nominations', '/admin/nominations'],
  ['candidates', '/admin/candidates'],
  ['champions', '/admin/champions'],
  ['contributions', '/admin/contributions'],
  ['submissions', '/admin/submissions'],
  ['tokens', '/admin/tokens'],
  ['insights', '/admin/insights'],
  ['fair-play', '/admin/fair-play'],
  ['audit', '/admin/audit'],
] as const;

beforeAll(async () => {
  fw = await testFlywheel({ PUBLIC_URL: 'http://127.0.0.1', ADMIN_PASSWORD: PASSWORD });
  fw.clock.now = END;
  const activities = demoCommunity({ members: 120, months: 3, seed: 42, end: END });
  for (let i = 0; i < activities.length; i += 2000) await fw.ingest(activities.slice(i, i + 2000));
  await fw.maintenance.closePeriods();
  // Something waiting on every page: a nomination (then a champion), a member's submission, a token, an exclusion.
  const [first, second] = (await fw.champions.candidates(2)).map((c) => c.memberId);
  const by = { memberId: null, label: 'admin' };
  const appointed = await fw.champions.nominate({ member: { memberId: first! }, by, as: 'nomination', reason: 'Answers more questions than anyone, and kindly', space: 'support', evidence: ['https://forum.example.org/t/1'], origin: 'e2e:1' });
  await fw.champions.decide(appointed.nominationId, 'approve', by, { citation: 'The kindest answers in the forum' });
  await fw.champions.nominate({ member: { memberId: second! }, by, as: 'nomination', reason: 'Welcomes every newcomer by name, every week', space: 'engagement', evidence: [], origin: 'e2e:2' });
  await fw.contributions.createToken('Luma check-ins', by);
  await fw.contributions.submit({ memberId: second!, kind: 'content_published', evidence: { day: '2026-11-20', url: 'https://blog.example.org/posts/scaling-the-community/' }, note: 'My first post about the project', origin: 'e2e:submit' });
  const review = await fw.fairPlay.queue();
  if (review[0]) await fw.fairPlay.exclude(review[0].memberId, by, 'Paid by one account only: reviewed with the team');
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(`${base}/login?next=%2Fadmin`);
  await page.getByLabel('Admin password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
});

const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
// Evaluated through the browser's devtools protocol: the site's CSP (script-src 'self') refuses an injected <script>.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core's serious and critical findings on the page as it is now. */
async function accessibilityProblems(): Promise<string[]> {
  await page.evaluate(AXE);
  const found = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> };
  return found.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
const fits = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1') as Promise<boolean>;

describe('the team’s pages in Chromium', () => {
  for (const [viewport, size] of [
    ['phone', { width: 360, height: 740 }],
    ['desktop', { width: 1280, height: 900 }],
  ] as const)
    it(`fit a ${viewport} screen, every action in sight`, async () => {
      await page.setViewportSize(size);
      for (const [name, path] of PAGES) {
        const res = await page.goto(`${base}${path}`);
        expect([path, res?.status()]).toEqual([path, 200]);
        expect([path, await fits()]).toEqual([path, true]);
        expect([path, await accessibilityProblems()]).toEqual([path, []]);
        await shoot(`admin-${name}-${viewport}`);
      }
      await page.goto(`${base}/admin/candidates`);
      await expect.poll(() => page.getByRole('button', { name: 'Nominate' }).first().isVisible()).toBe(true);
      const nominate = await page.getByRole('button', { name: 'Nominate' }).first().boundingBox();
      expect(nominate!.x + nominate!.width).toBeLessThanOrEqual(size.width);
      await page.goto(`${base}/admin/tokens`);
      expect(await page.getByText('Revoke…').isVisible()).toBe(true);
      await page.goto(`${base}/admin/submissions`);
      expect(await page.getByText('Approve…').isVisible()).toBe(true);
      expect(await page.getByText('Decline…').isVisible()).toBe(true);
      await page.goto(`${base}/admin/insights`);
      // Every column of the cohorts table is there, captioned on a phone.
      expect(await page.getByText('Within 90 days').first().isVisible()).toBe(true);
      expect(errors).toEqual([]);
    }, 120_000);

  it('asks before a final decision: the decline button appears only once the decision is opened', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${base}/admin/nominations`);
    const card = page.locator('section.nomination').first();
    const confirm = card.getByRole('button', { name: 'Yes, decline this nomination' });
    expect(await confirm.isVisible()).toBe(false);
    await card.getByText('Decline…').click();
    expect(await confirm.isVisible()).toBe(true);
    await shoot('admin-nominations-confirm-phone');
    expect(await accessibilityProblems()).toEqual([]);
    await confirm.click();
    await page.waitForURL(/done=declined/);
    expect(await page.locator('.notice').textContent()).toMatch(/^Declined: .+’s nomination is closed\.$/);
    expect(await fits()).toBe(true);
  });

  it('offers the members a name may mean, and records for the one picked', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${base}/admin/contributions`);
    const award = page.locator('section#award form');
    await award.getByLabel('Member').fill('a');
    await award.getByLabel('Points').fill('10');
    await award.getByLabel('Reason').fill('Ran the meetup');
    await award.getByRole('button', { name: 'Award' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Which member?');
    expect(await fits()).toBe(true);
    await shoot('admin-choose-member-phone');
    expect(await accessibilityProblems()).toEqual([]);
    await page.locator('.choices button').first().click();
    await expect.poll(() => page.locator('.notice').textContent()).toMatch(/^Awarded \+10 points \(.+\) to .+: “Ran the meetup”\.$/);
  });
});
