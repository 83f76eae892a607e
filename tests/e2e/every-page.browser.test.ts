/**
 * Every page of the site in Chromium, on a phone and on a desktop, signed out, as a member and as
 * a manager: axe-core finds no serious or critical violation, no page is wider than a 360 px
 * screen, no action the desktop shows is out of reach on the phone, and each page is photographed
 * (test-output/screenshots/pages/) for a person to look at.
 *
 * The list of pages is checked against the routes the app really registers: a new page fails
 * here until it is added to PAGES (or to NOT_PAGES, saying why it is not a page).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCommunity } from '../../src/app/demo-community.js';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord } from '../support/builders.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { freePort } from '../../scripts/processes.js';

const PASSWORD = 'correct horse battery staple';
const MEMBER = '5001';
const SHOTS = join(SCREENSHOTS, 'pages');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Role = 'visitor' | 'member' | 'manager';
interface PageSpec {
  name: string;
  /** The path, given the ids the data below produced. */
  path: (ids: Ids) => string;
  /** Who sees the page (everybody sees the public pages). */
  role: Role;
  /** The route it exercises, as Fastify registered it. */
  route: string;
  status?: number;
}
interface Ids {
  member: number;
  badge: string;
  award: number;
}

const PAGES: PageSpec[] = [
  { name: 'home', route: '/', path: () => '/', role: 'visitor' },
  { name: 'leaderboard', route: '/leaderboard', path: () => '/leaderboard', role: 'visitor' },
  { name: 'leaderboard-all', route: '/leaderboard', path: () => '/leaderboard?period=all', role: 'visitor' },
  { name: 'leaderboard-day', route: '/leaderboard', path: () => '/leaderboard?period=day', role: 'visitor' },
  { name: 'how-it-works', route: '/how-it-works', path: () => '/how-it-works', role: 'visitor' },
  { name: 'embed', route: '/embed/leaderboard', path: () => '/embed/leaderboard?period=month&limit=10', role: 'visitor' },
  { name: 'member', route: '/members/:id', path: (i) => `/members/${i.member}`, role: 'visitor' },
  { name: 'badges', route: '/badges', path: () => '/badges', role: 'visitor' },
  { name: 'badge', route: '/badges/:id', path: (i) => `/badges/${i.badge}`, role: 'visitor' },
  { name: 'award', route: '/badges/awards/:id', path: (i) => `/badges/awards/${i.award}`, role: 'visitor' },
  { name: 'champions', route: '/champions', path: () => '/champions', role: 'visitor' },
  { name: 'login', route: '/login', path: () => '/login', role: 'visitor' },
  { name: 'not-found', route: '*', path: () => '/no-such-page', role: 'visitor', status: 404 },
  { name: 'me', route: '/me', path: () => '/me', role: 'member' },
  { name: 'link', route: '/link', path: () => '/link', role: 'member' },
  { name: 'logout', route: '/logout', path: () => '/logout', role: 'member' },
  { name: 'admin', route: '/admin', path: () => '/admin', role: 'manager' },
  { name: 'admin-candidates', route: '/admin/candidates', path: () => '/admin/candidates', role: 'manager' },
  { name: 'admin-nominations', route: '/admin/nominations', path: () => '/admin/nominations', role: 'manager' },
  { name: 'admin-champions', route: '/admin/champions', path: () => '/admin/champions', role: 'manager' },
  { name: 'admin-audit', route: '/admin/audit', path: () => '/admin/audit', role: 'manager' },
  { name: 'admin-insights', route: '/admin/insights', path: () => '/admin/insights', role: 'manager' },
  { name: 'admin-contributions', route: '/admin/contributions', path: () => '/admin/contributions', role: 'manager' },
  { name: 'admin-submissions', route: '/admin/submissions', path: () => '/admin/submissions', role: 'manager' },
  { name: 'admin-tokens', route: '/admin/tokens', path: () => '/admin/tokens', role: 'manager' },
  { name: 'admin-fair-play', route: '/admin/fair-play', path: () => '/admin/fair-play', role: 'manager' },
];

/** GET routes that are not pages a person reads, and why. */
const NOT_PAGES: Array<[RegExp, string]> = [
  [/^\/api\//, 'the JSON API (checked against its OpenAPI document)'],
  [/^\/ob\/|^\/\.well-known\//, 'Open Badges documents and keys'],
  [/\.(json|png|svg|csv|ico|txt|js|css)$/, 'files'],
  [/^\/healthz$|^\/metrics$/, 'for operators and their tools'],
  [/\/callback$/, 'where a platform sends the browser back after signing in'],
  [/^\/login\/(discord|forum)$|^\/link\/discourse$/, 'redirects to a platform to sign in'],
  [/^\/me\/export$/, 'a download of the member’s own data'],
  [/^\/admin\/export\//, 'a download'],
  [/^\/admin\/contributions\/members$/, 'the name search behind a form field (JSON)'],
  [/^\/webhooks\//, 'platforms post here'],
  [/^\/public\/|^\/static\/|\*$/, 'static files'],
];

const VIEWPORTS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } } as const;
const SEES: Record<Role, Role[]> = { visitor: ['visitor'], member: ['visitor', 'member'], manager: ['visitor', 'manager'] }; // the manager signs in with the password: no member account

let fw: TestFlywheel;
let fake: FakeDiscord;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let ids: Ids;
const routes: string[] = [];

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(MEMBER, 'mira');
  const port = await freePort();
  fw = await testFlywheel({ PUBLIC_URL: `http://127.0.0.1:${port}`, ADMIN_PASSWORD: PASSWORD, ...fake.signInEnv(), DISCOURSE_URL: 'http://127.0.0.1:9', DISCOURSE_CONNECT_SECRET: 'forum-connect-secret' });
  const now = Date.now();
  fw.clock.now = now;
  // A small but lived-in community: months of questions, answers and thanks on both platforms.
  await fw.ingest(demoCommunity({ members: 40, months: 3, seed: 11, end: now - 60_000 }));
  const mira = discord(MEMBER, { username: 'mira', displayName: 'Mira Okafor' });
  const asker = discord('5002', { displayName: 'Asker' });
  await fw.ingest([
    act('question_asked', asker, now - 2 * 86_400_000, { key: 'axe:q1' }),
    act('answer_posted', mira, now - 2 * 86_400_000 + 60_000, { counterpart: asker, subject: 'axe:q1', url: 'https://discord.com/channels/1/2/3' }),
    act('answer_accepted', mira, now - 2 * 86_400_000 + 120_000, { counterpart: asker, subject: 'axe:q1' }),
  ]);
  await fw.maintenance.closePeriods();
  await fw.champions.nominate({ member: mira, by: asker, as: 'nomination', reason: 'Answers every newcomer kindly', space: 'support', evidence: [], origin: 'axe:1' });

  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  base = await app.listen({ port, host: '127.0.0.1' });
  routes.push(...getRoutes(app));

  const member = (await (await fetch(`${base}/api/v1/members/lookup?platform=discord&externalId=${MEMBER}`)).json()) as { id: number; badges: Array<{ awardId: number; id: string }> };
  ids = { member: member.id, badge: member.badges[0]!.id, award: member.badges[0]!.awardId };
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fw?.close();
  await fake?.stop();
});

/** The GET routes the app serves, rebuilt from Fastify's printed radix tree (a node's path continues its parent's). */
function getRoutes(server: FastifyInstance): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of server.printRoutes({ method: 'GET', commonPrefix: false }).split('\n')) {
    const m = /^([\s│]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    if (m[3]?.includes('GET')) out.push(stack.join(''));
  }
  return out;
}

async function signedIn(role: Role): Promise<BrowserContext> {
  const context = await browser.newContext({ bypassCSP: true }); // axe is injected as a script
  const page = await context.newPage();
  if (role === 'member') {
    fake.oauthUser = MEMBER;
    await page.goto(`${base}/login/discord`);
    await page.waitForURL(/\/me$/);
  }
  if (role === 'manager') {
    await page.goto(`${base}/login?next=%2Fadmin`);
    await page.getByLabel('Admin password').fill(PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(/\/admin$/);
  }
  await page.close();
  return context;
}

/** Where the page's actions are: visible ones, and ones a tap on a visible <summary> reveals. */
async function actions(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const reachable = (el) => {
      const shown = (e) => e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) && e.getBoundingClientRect().width > 0;
      if (shown(el)) return true;
      const d = el.closest('details:not([open])');
      return !!d && !!d.querySelector(':scope > summary') && shown(d.querySelector(':scope > summary'));
    };
    return [...document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary')]
      .map((el, i) => reachable(el) ? i + ':' + (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || el.tagName).trim().slice(0, 40) : null)
      .filter(Boolean);
  })()`);
}

/** Visible actions whose box reaches past the right edge of the screen (cut off or behind a scroll). */
async function offScreen(page: Page): Promise<string[]> {
  return page.evaluate(`(() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
    .filter((el) => el.checkVisibility({ checkVisibilityCSS: true }) && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > window.innerWidth + 1)
    .map((el) => (el.textContent || el.getAttribute('name') || el.tagName).trim().slice(0, 40)))()`);
}

async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate(`axe.run(document)`)) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
    passes?: unknown[];
  };
  if (!result.passes?.length) throw new Error('axe checked nothing');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

describe('every page, on a phone and a desktop, for every kind of visitor', () => {
  it('knows every page the site serves', () => {
    const listed = new Set(PAGES.map((p) => p.route));
    const unknown = routes.filter((r) => !listed.has(r) && !NOT_PAGES.some(([re]) => re.test(r)));
    expect(unknown, 'GET routes that are neither in PAGES nor in NOT_PAGES').toEqual([]);
    const gone = [...listed].filter((r) => r !== '*' && !routes.includes(r));
    expect(gone, 'pages listed here that the app no longer serves').toEqual([]);
  });

  for (const role of ['visitor', 'member', 'manager'] as const) {
    it(`${role}: accessible, fits a 360 px screen, hides no action, photographed`, async () => {
      const context = await signedIn(role);
      const page = await context.newPage();
      const problems: string[] = [];
      for (const spec of PAGES.filter((p) => SEES[role].includes(p.role))) {
        const path = spec.path(ids);
        const seen: Partial<Record<keyof typeof VIEWPORTS, string[]>> = {};
        for (const [viewport, size] of Object.entries(VIEWPORTS) as Array<[keyof typeof VIEWPORTS, { width: number; height: number }]>) {
          await page.setViewportSize(size);
          const res = await page.goto(`${base}${path}`);
          const where = `${role} ${viewport} ${path}`;
          if (res?.status() !== (spec.status ?? 200)) problems.push(`${where}: status ${res?.status()}`);
          await page.screenshot({ path: join(SHOTS, `${role}-${spec.name}-${viewport}.png`), fullPage: true });
          for (const p of await axeProblems(page)) problems.push(`${where}: ${p}`);
          seen[viewport] = await actions(page);
          if (viewport === 'phone') {
            const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
            if (width > size.width + 1) problems.push(`${where}: ${width} px wide on a ${size.width} px screen`);
            for (const a of await offScreen(page)) problems.push(`${where}: "${a}" reaches past the screen's edge`);
          }
        }
        const phone = new Set(seen.phone);
        for (const a of seen.desktop ?? []) if (!phone.has(a)) problems.push(`${role} phone ${path}: "${a.replace(/^\d+:/, '')}" is shown on a desktop but hidden on a phone`);
      }
      await context.close();
      expect(problems).toEqual([]);
    }, 240_000);
  }
});
