/** The insights page and the member exports, through HTTP, on a small community with known numbers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord, thanks } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { testSite, type TestSite } from '../support/web.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-22T12:00:00Z');
let site: TestSite;
let admin: Visitor;

const asker = discord('1', { displayName: 'Asker' });
const helper = discord('2', { displayName: 'Helper' });
const quiet = discord('3', { displayName: 'Quiet' });
const staffer = discord('4', { displayName: 'Staffer', isStaff: true });
const robot = discord('5', { displayName: 'Robot', isBot: true });

beforeAll(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD });
  await site.fw.ingest([
    act('question_asked', asker, NOW - 10 * DAY, { key: 'q1', url: 'https://discord.com/q1' }),
    act('answer_posted', robot, NOW - 10 * DAY + 60_000, { counterpart: asker, subject: 'q1' }), // a bot: no response
    act('answer_posted', helper, NOW - 10 * DAY + 30 * 60_000, { counterpart: asker, subject: 'q1' }),
    act('answer_accepted', helper, NOW - 9 * DAY, { counterpart: asker, subject: 'q1' }),
    act('question_asked', asker, NOW - 8 * DAY, { key: 'q2', url: 'https://discord.com/q2' }),
    act('answer_posted', staffer, NOW - 8 * DAY + 90 * 60_000, { counterpart: asker, subject: 'q2' }),
    act('question_asked', quiet, NOW - 5 * DAY, { key: 'q3', url: 'https://discord.com/q3', payload: { title: 'Still waiting <b>here</b>' } }),
    ...thanks(asker, helper, NOW - 9 * DAY),
  ]);
  await site.fw.members.setHidden(quiet, true);
  const helperId = (await site.fw.members.lookup('discord', '2')).id;
  await site.fw.members.setShareConsent(helperId, true);
  admin = new Visitor(site.app);
  await admin.signInWithPassword(PASSWORD);
});
afterAll(() => site.close());

describe('/admin/insights', () => {
  it('shows the funnel, who answers, responsiveness and the open questions, with charts and their tables', async () => {
    const res = await admin.get('/admin/insights');
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/<svg [^>]*class="chart"/g)!.length).toBeGreaterThanOrEqual(5);
    // One answer this month, from a member: the staffer's was never endorsed and the bot's is not counted (fair play).
    expect(res.body).toMatch(/<td data-label="Month">2026-11<\/td><td data-label="Answers" class="num">1<\/td><td data-label="From members" class="num">100%<\/td><td data-label="Accepted" class="num">1<\/td><td data-label="Accepted, from members" class="num">100%<\/td>/);
    // First responses: 30 minutes (the bot's reply does not count) and 90 minutes.
    expect(res.body).toContain('median time to a first response: 60 minutes');
    expect(res.body).toContain('Answered within 24 hours: 67% · solved: 33%');
    expect(res.body).toContain('<a href="https://discord.com/q3" rel="nofollow noopener"><span class="said">Still waiting &lt;b&gt;here&lt;/b&gt;</span></a>');
  });

  it('filters by platform and range, and names a bad month', async () => {
    const none = await admin.get('/admin/insights?platform=discourse');
    expect(none.body).toContain('No answers in this range.');
    const bad = await admin.get('/admin/insights?from=2026-13', 'application/json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/^from: /);
    const json = await site.fw.insights.report({ from: '2026-11', to: '2026-11' });
    expect(json.funnel.map((f) => [f.stage, f.members])).toEqual([
      ['observer', 0],
      ['participant', 2],
      ['contributor', 1],
      ['advocate', 0],
    ]);
    expect(json.concentration).toMatchObject({ answerers: 1, answers: 1, halfBy: 1 });
    expect(json.topMembers.map((m) => m.displayName)).toEqual(['Helper', 'Asker']);
    expect(json.contributors).toEqual([{ month: '2026-11', newContributors: 1, lapsed: 0 }]);
    // Nothing happened on Discourse: every series filtered by platform is empty.
    const discourse = await site.fw.insights.report({ platform: 'discourse' });
    expect([discourse.producers, discourse.contributors, discourse.topMembers, discourse.spaces, discourse.responsiveness.unanswered, discourse.cohorts]).toEqual([[], [], [], [], [], []]);
    expect(discourse.funnel.every((f) => f.members === 0)).toBe(true);
    const onDiscord = await site.fw.insights.report({ platform: 'discord' });
    expect(onDiscord.cohorts.map((c) => c.members)).toEqual([3]); // asker, helper, quiet (not staff, not bots)
    expect(onDiscord.funnel.map((f) => f.members)).toEqual(json.funnel.map((f) => f.members));
    // A range before anything happened is empty too.
    const before = await site.fw.insights.report({ from: '2025-01', to: '2025-06' });
    expect([before.producers, before.cohorts, before.contributors, before.topMembers]).toEqual([[], [], [], []]);
  });
});

describe('exports', () => {
  it('give members who agreed to be shared, as CSV and JSON; leads above the affinity threshold', async () => {
    const csv = await admin.get('/admin/export/members.csv', 'text/csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const [header, ...lines] = csv.body.trim().split('\n');
    expect(header).toBe('member_id,display_name,discord_id,discord_username,discourse_id,discourse_username,stage,points_all_time,points_this_month,affinity,reach,badges,champion,first_seen,first_contribution');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d+,Helper,2,user2,,,contributor,25,25,25,1,/);
    const json = (await admin.get('/admin/export/members.json', 'application/json')).json();
    expect(json.members.map((m: { display_name: string }) => m.display_name)).toEqual(['Helper']);
    const leads = await admin.get('/admin/export/leads.csv', 'text/csv');
    expect(leads.body.trim().split('\n')).toHaveLength(1); // affinity 25 is below the default 50
  });

  it('include everyone (but never staff or bots) only when an admin asks', async () => {
    const everyone = (await admin.get('/admin/export/members.json?include=everyone', 'application/json')).json();
    expect(everyone.members.map((m: { display_name: string }) => m.display_name).sort()).toEqual(['Asker', 'Helper', 'Quiet']);
  });
});
