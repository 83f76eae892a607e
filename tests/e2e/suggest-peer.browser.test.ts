/**
 * A member suggests a champion from their own page in Chromium, on a phone (390 px) and a
 * desktop: the form asks for a name; a name several members share leads to a page listing them
 * (faces, names, platforms — never a hidden one) to pick from; a name nobody has keeps what was
 * typed. Nothing is wider than the screen, axe-core finds nothing serious, and each step is
 * photographed (test-output/screenshots/me-suggest-*-{phone,desktop}.png).
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord } from '../support/builders.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { FakeDiscord } from '../support/fake-discord.js';

const ME = '5001';
const REASON = 'Answers every newcomer kindly, every single week';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let fw: TestFlywheel;
let fake: FakeDiscord;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(ME, 'mira');
  const port = await freePort();
  fw = await testFlywheel({ PUBLIC_URL: `http://127.0.0.1:${port}`, ...fake.signInEnv() });
  fw.config.champions.memberSuggestions = true;
  const now = Date.now();
  fw.clock.now = now;
  const hidden = discord('6003', { username: 'sam_h', displayName: 'Sam Hidden' });
  await fw.ingest(
    [
      discord('6001', { username: 'sam_k', displayName: 'Sam Kim' }),
      { platform: 'discourse' as const, externalId: '7001', username: 'slee', displayName: 'Sam Lee' },
      discord('6002', { username: 'samantha.o', displayName: 'Samantha Osei-Bonsu Abernathy-Whitfield' }),
      hidden,
    ].map((m) => act('member_joined', m, now - 86_400_000)),
  );
  await fw.members.setHidden(hidden, true);
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = await browser.newPage();
  fake.oauthUser = ME;
  await page.goto(`${base}/login/discord`);
  await page.waitForURL(/\/me$/);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
  await fake?.stop();
});

const shoot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const fits = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1') as Promise<boolean>;
async function accessibilityProblems(): Promise<string[]> {
  await page.evaluate(AXE);
  const found = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> };
  return found.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}
const form = () => page.locator('form[action^="/me/suggestions"]');
async function fill(name: string) {
  await form().getByLabel('Their name').fill(name);
  await form().getByLabel('Why (at least a sentence)').fill(REASON);
  await form().getByRole('button', { name: 'Suggest' }).click();
}

describe('suggesting a champion by name, in Chromium', () => {
  for (const [viewport, size] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 900 }],
  ] as const)
    it(`on a ${viewport}: asks for a name, lists namesakes (never a hidden one) to pick from, keeps what was typed`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${base}/me`);
      expect(await form().getByLabel('Their name').isVisible()).toBe(true);
      expect(await page.getByText('Member id').count()).toBe(0);
      expect(await fits()).toBe(true);
      expect(await accessibilityProblems()).toEqual([]);
      await form().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `me-suggest-form-${viewport}.png`) });

      // A name nobody (visible) has: the form comes back as typed, saying so.
      await fill('Nobody Atall');
      await expect.poll(() => page.locator('.problem').textContent()).toContain('No member is called “Nobody Atall”');
      expect(await form().getByLabel('Their name').inputValue()).toBe('Nobody Atall');
      expect(await form().getByLabel('Why (at least a sentence)').inputValue()).toBe(REASON);
      expect(await fits()).toBe(true);
      expect(await accessibilityProblems()).toEqual([]);
      await form().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `me-suggest-nobody-${viewport}.png`) });

      // Several: a page of the visible ones, each with a face, a name and their accounts.
      await fill('sam');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Which member?');
      const choices = page.locator('.choices li');
      expect(await choices.count()).toBe(3);
      expect(await page.locator('.choices .avatar').count()).toBe(3);
      expect(await page.getByText('Sam Hidden').count()).toBe(0);
      expect(await page.getByText('discourse: slee').isVisible()).toBe(true);
      expect(await fits()).toBe(true);
      expect(await accessibilityProblems()).toEqual([]);
      await shoot(`me-suggest-choose-${viewport}`);
      await page.getByRole('button', { name: 'This one: Sam Lee' }).click();
      await page.waitForURL(/\/me\?suggested=1#suggest$/);
      expect(await page.getByText('Thank you — the community team will look at your suggestion.').isVisible()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, `me-suggest-done-${viewport}.png`) });
    }, 120_000);

  it('recorded each pick for the member picked', async () => {
    const lee = (await fw.db('identities').where({ platform: 'discourse', external_id: '7001' }).first()).member_id;
    expect(await fw.db('nominations').select('kind', 'member_id')).toEqual([{ kind: 'suggestion', member_id: lee }]);
  });
});
