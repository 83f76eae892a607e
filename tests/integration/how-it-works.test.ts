/** "How it works" is written from the configuration the site runs with: change a rule, the page says the new number. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Visitor } from '../support/browser-session.js';
import { testSite, type TestSite } from '../support/web.js';

let site: TestSite | null = null;
afterEach(async () => {
  await site?.close();
  site = null;
});

const PASSWORD = 'correct horse battery staple';
const page = async (s: TestSite) => {
  const res = await s.app.inject({ method: 'GET', url: '/how-it-works', headers: { accept: 'text/html' } });
  expect(res.statusCode).toBe(200);
  // Text as a reader sees it: tags out, entities back, whitespace collapsed.
  const text = res.body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
  return { res, text };
};
const rowOf = (html: string, label: string) => html.match(new RegExp(`<strong>${label}</strong>[\\s\\S]*?<td class="num">(-?\\d+)</td>`))?.[1];

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'flywheel-how-')), 'flywheel.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('/how-it-works', () => {
  it('states the default points, cap, cooldowns, pair limits, ladder and how to earn every badge', async () => {
    site = await testSite();
    const { res, text } = await page(site);
    expect(rowOf(res.body, 'Your answer is marked as the solution')).toBe('15');
    expect(rowOf(res.body, 'Answering someone else’s question')).toBe('5');
    expect(rowOf(res.body, 'Posting a message')).toBe('1');
    expect(text).toContain('up to 200 points a day');
    expect(text).toContain('at most one message counts every minute');
    expect(text).toContain('Thanks between the same two members count once every 30 minutes');
    expect(text).toContain('Likes, reactions and thanks from one member pay another at most 5 times a week');
    expect(text).toContain('One member’s accepted answers pay the same answerer at most 3 times a month');
    expect(text).toContain('You helped someone else in the last 90 days — an answer, an accepted answer, a thank-you received');
    expect(text).toContain('at least 3 months of the last 6 calendar months and have helped 5 different members');
    // Every badge of the catalog, with how to earn it.
    for (const badge of site.fw.config.badges) expect(res.body).toContain(`<a href="/badges/${badge.id}"><strong>${badge.name.replace(/'/g, '&#x27;')}</strong></a>`);
    expect(text).toContain('Helping Hand 25 answers to other people’s questions');
    // Public and the same for everyone: kept by the page cache, no embed snippet for visitors.
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body).not.toContain('<iframe');
    // Linked from every page's navigation and from the leaderboard.
    const board = await site.app.inject({ method: 'GET', url: '/leaderboard' });
    expect(board.body).toContain('<a href="/how-it-works">How it works</a>');
    expect(board.body.match(/href="\/how-it-works"/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('says the new numbers when the configuration changes them', async () => {
    const file = configFile(`
points: { answer_accepted: 20, message_posted: 0 }
caps: { daily: 150 }
cooldowns: { messageSeconds: 90, pairThanksMinutes: 45 }
fairPlay: { endorsementsPerPair: { count: 2, per: day }, acceptedPerPair: false }
stages: { contributorWindowDays: 60, advocateActiveMonths: 4, advocateMonthWindow: 8, advocateReach: 7 }
badges:
  - id: helping-hand
    name: Helping Hand
    description: Answered 40 questions from other members.
    tier: silver
    icon: hands
    earn: { count: { kind: answer_posted, atLeast: 40 } }
`);
    site = await testSite({ FLYWHEEL_CONFIG: file });
    const { res, text } = await page(site);
    expect(rowOf(res.body, 'Your answer is marked as the solution')).toBe('20');
    // Worth nothing now: listed as recorded, not as earning.
    expect(rowOf(res.body, 'Posting a message')).toBeUndefined();
    expect(text).toMatch(/Recorded without points[^.]*Posting a message/);
    expect(text).toContain('up to 150 points a day');
    expect(text).toContain('Messages count at most once every 90 seconds');
    expect(text).toContain('Thanks between the same two members count once every 45 minutes');
    expect(text).toContain('Likes, reactions and thanks from one member pay another at most 2 times a day');
    expect(text).not.toContain('accepted answers pay the same answerer');
    expect(text).toContain('You helped someone else in the last 60 days');
    expect(text).toContain('at least 4 months of the last 8 calendar months and have helped 7 different members');
    expect(text).toContain('Helping Hand 40 answers to other people’s questions');
    expect(text).not.toContain('25 answers to other people’s questions');
  });

  it('shows managers the leaderboard widget’s snippet, script-free, pointing at the site', async () => {
    site = await testSite({ ADMIN_PASSWORD: PASSWORD, PUBLIC_URL: 'https://community.example.org' });
    const manager = new Visitor(site.app);
    await manager.signInWithPassword(PASSWORD);
    const res = await manager.get('/how-it-works');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const snippet = res.body.match(/<textarea[^>]*>([\s\S]*?)<\/textarea>/)?.[1]?.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(snippet).toBe(
      '<iframe src="https://community.example.org/embed/leaderboard?period=week&limit=10" title="Leaderboard" width="360" height="520" style="border:0;max-width:100%" loading="lazy"></iframe>',
    );
    expect(snippet).not.toMatch(/<script/i);
  });
});
