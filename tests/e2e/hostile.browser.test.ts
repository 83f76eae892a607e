/**
 * Members' words are text, wherever they appear. Names, reasons and titles carrying markup,
 * script, template syntax, SQL, direction overrides and 200 characters without a space are shown on
 * every page the site serves — enumerated from the app, so a new page cannot slip past — on a
 * phone-sized screen in Chromium: nothing runs, nothing is injected, a direction mark turns
 * nothing around it, and nothing is wider than the screen.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord, thanks } from '../support/builders.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

const NAMES = {
  script: '<script>alert("name")</script>',
  markup: '<img src=x onerror=alert(2)><b>bold</b>',
  template: "{{constructor.constructor('alert(3)')()}}",
  sql: "Robert'); DROP TABLE members;--",
  rtl: 'Mallory \u202Egnp.exe',
  long: 'W'.repeat(200),
};
const REASON = '<script>alert("reason")</script> \u202Eesrever — and a very long reason '.concat('x'.repeat(200));
const TITLE = '<img src=x onerror=alert(4)> How do I \u202E?ti od';

let fw: TestFlywheel;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
const ran: string[] = [];
const ids = new Map<string, number>();
let awardId = 0;

beforeAll(async () => {
  fw = await testFlywheel({
    PUBLIC_URL: 'http://127.0.0.1',
    ADMIN_PASSWORD: 'correct horse battery staple',
    // Linking is a page only where there is a forum to link.
    DISCOURSE_URL: 'https://forum.example.org',
    DISCOURSE_CONNECT_SECRET: 'connect-secret-123',
  });
  const now = Date.now();
  fw.clock.now = now;
  const day = 86_400_000;
  const asker = discord('900', { displayName: 'Asker' });
  let n = 0;
  for (const [label, name] of Object.entries(NAMES)) {
    const who = discord(String(901 + n), { displayName: name, username: name.slice(0, 32) });
    const at = now - (10 - n) * day;
    await fw.ingest([
      act('question_asked', asker, at, { key: `q-${label}`, payload: { title: TITLE } }),
      act('answer_posted', who, at + 60_000, { counterpart: asker, subject: `q-${label}`, url: 'https://discord.com/channels/1/2/3' }),
      act('answer_accepted', who, at + 120_000, { counterpart: asker, subject: `q-${label}` }),
      ...thanks(asker, who, at + 180_000),
      act('manual_award', who, at + 240_000, { points: 3, reason: REASON }),
    ]);
    ids.set(label, await fw.members.resolve(who));
    n++;
  }
  // An unanswered question with a hostile title, for the insights page.
  await fw.ingest([act('question_asked', asker, now - day, { key: 'q-open', payload: { title: TITLE } })]);
  // Nominations with hostile reasons; one approved, so a hostile name is a champion.
  const nominee = await fw.champions.nominate({ member: discord('902'), by: discord('900'), as: 'nomination', reason: REASON, space: 'support', evidence: [], origin: 'hostile:1' });
  await fw.champions.nominate({ member: discord('902'), by: discord('903'), as: 'nomination', reason: REASON, space: 'support', evidence: [], origin: 'hostile:2' });
  await fw.champions.nominate({ member: discord('901'), by: discord('906'), as: 'nomination', reason: REASON, space: 'support', evidence: [], origin: 'hostile:3' });
  await fw.champions.decide(nominee.nominationId, 'approve', { memberId: null, label: 'test' }, { citation: REASON });
  awardId = Number((await fw.db('badge_awards').where({ member_id: ids.get('rtl') }).first('id'))!.id);

  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('dialog', (dialog) => {
    ran.push(`${page.url()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
});

/** Routes that are not pages: data, images, credentials, redirects and form actions. */
const NOT_PAGES = [/^\/api\//, /^\/ob\//, /^\/\.well-known\//, /^\/healthz$/, /^\/static\//, /^\/admin\/export\//, /^\/login\/discord$/, /^\/login\/forum$/, /^\/auth\//, /^\/logout$/, /^\/link\/discourse/, /^\/me\/export$/, /^\/favicon\.(svg|ico)$/, /^\/brand\.png$/, /\/card\.png$/, /^\/metrics$/];

/** Every page the app serves, with its parameters filled from the hostile community. */
function pages(): string[] {
  const urls: string[] = [];
  for (const { method, url } of app.routeList) {
    if (method !== 'GET' || NOT_PAGES.some((re) => re.test(url))) continue;
    if (!url.includes(':')) urls.push(url);
    else if (url === '/members/:id') urls.push(...[...ids.values()].map((id) => `/members/${id}`));
    else if (url === '/badges/:id') urls.push('/badges/first-solution', '/badges/champion');
    else if (url === '/badges/awards/:id') urls.push(`/badges/awards/${awardId}`);
    else throw new Error(`${url}: no example to fill its parameters with — add one here`);
  }
  return urls.flatMap((url) => (url === '/leaderboard' ? [url, '/leaderboard?period=all'] : [url]));
}

/** An admin signed in with the password is not a member: /me says so, as a page. */
const STATUS: Record<string, number> = { '/me': 403 };

async function check(path: string): Promise<string[]> {
  const problems: string[] = [];
  const res = await page.goto(`${base}${path}`);
  if (res?.status() !== (STATUS[path] ?? 200)) problems.push(`status ${res?.status()}`);
  // Runs in the page (a string, so the test's types need no DOM library).
  const found = (await page.evaluate(`({
    injected: document.querySelectorAll('main script, main img[src="x"], main b, [onerror]').length,
    tooWide: document.documentElement.scrollWidth > window.innerWidth + 1,
    notIsolated: [...document.querySelectorAll('main a[href^="/members/"]')].filter((a) => getComputedStyle(a).unicodeBidi !== 'isolate').length,
    text: document.querySelector('main')?.textContent ?? '',
  })`)) as { injected: number; tooWide: boolean; notIsolated: number; text: string };
  // A member's name is an island: a direction mark inside it cannot reorder what follows.
  if (found.injected) problems.push(`${found.injected} injected elements`);
  if (found.tooWide) problems.push('wider than the screen');
  if (found.notIsolated) problems.push(`${found.notIsolated} member links not bidi-isolated`);
  if (/undefined|\[object Object\]/.test(found.text)) problems.push('shows undefined or [object Object]');
  await page.screenshot({ path: join(SCREENSHOTS, `hostile${path.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  return problems;
}

describe('hostile names, reasons and titles in Chromium', () => {
  it('render as text on every page, public and admin, on a phone-sized screen', async () => {
    await page.goto(`${base}/login?next=%2Fadmin`);
    await page.getByLabel('Admin password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));

    const list = pages();
    expect(list).toEqual(expect.arrayContaining(['/', '/leaderboard', '/champions', '/admin/nominations', '/admin/insights']));
    const problems: Record<string, string[]> = {};
    for (const path of list) {
      const found = await check(path);
      if (found.length) problems[path] = found;
    }
    expect(problems).toEqual({});
    expect(ran).toEqual([]);
  }, 120_000);

  it('shows each hostile string literally where it belongs', async () => {
    await page.goto(`${base}/leaderboard?period=all`);
    const board = await page.locator('main').textContent();
    for (const name of Object.values(NAMES)) expect(board).toContain(name);
    await page.goto(`${base}/members/${ids.get('script')}`);
    expect(await page.locator('h1').textContent()).toBe(NAMES.script);
    await page.goto(`${base}/champions`);
    expect(await page.locator('main').textContent()).toContain(NAMES.markup);
    await page.goto(`${base}/admin/nominations`);
    expect(await page.locator('main').textContent()).toContain(REASON);
    await page.goto(`${base}/admin/insights`);
    expect(await page.locator('main').textContent()).toContain(TITLE);
    expect(ran).toEqual([]);
  });
});
