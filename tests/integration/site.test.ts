/** Every public page and its JSON twin through real HTTP semantics (inject), with the privacy rules. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord, thanks } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { APP_ID, FakeDiscord } from '../support/fake-discord.js';
import { testSite, type TestSite } from '../support/web.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const ESCAPED = '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;';
const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;

let site: TestSite;
let fake: FakeDiscord;
const ana = discord('700000000000000001', { displayName: 'Ana', username: 'ana' });
const evil = discord('700000000000000002', { displayName: HOSTILE });
const quiet = discord('700000000000000003', { displayName: 'Quiet Helper' });
const staff = discord('700000000000000004', { displayName: 'Staffer', isStaff: true });
const askers = Array.from({ length: 30 }, (_, i) => discord(`70000000000000010${String(i).padStart(2, '0')}`, { displayName: `Asker ${i}` }));
let ids: Record<string, number>;

// Handlebars escapes "=" in attributes; browsers read &#x3D; back as "=", and so do these tests.
const decode = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await site.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });
  return Object.assign(res, { html: decode(res.body) });
};
const api = (url: string) => site.app.inject({ method: 'GET', url }).then((r) => ({ status: r.statusCode, body: r.json() }));

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(ana.externalId, 'ana', { nick: 'Ana' }); // signing in keeps her names as they are
  site = await testSite({ PUBLIC_URL: 'http://flywheel.test', DISCORD_APPLICATION_ID: APP_ID, DISCORD_CLIENT_SECRET: fake.oauthClient.secret, DISCORD_API_URL: fake.apiUrl, DISCORD_OAUTH_URL: fake.baseUrl });
  await site.fw.ingest([
    // 30 askers each ask once (2 points): enough rows for two pages of 25.
    ...askers.map((a, i) => act('question_asked', a, NOW - 5 * DAY + i * 1000, { key: `q${i}` })),
    act('answer_posted', ana, NOW - 4 * DAY, { counterpart: askers[0]!, subject: 'q0', url: 'https://discord.com/channels/1/2/3' }),
    act('answer_accepted', ana, NOW - 4 * DAY + 1000, { counterpart: askers[0]!, subject: 'q0' }),
    ...thanks(askers[1]!, ana, NOW - 4 * DAY + 2000),
    act('answer_posted', evil, NOW - 3 * DAY, { counterpart: askers[1]!, subject: 'q1', key: 'a-evil' }),
    // Answers earn once endorsed (fair play): the askers like the evil and staff answers.
    act('reaction_received', evil, NOW - 3 * DAY + 500, { counterpart: askers[1]!, source: 'a-evil:liked_by:1' }),
    act('answer_posted', quiet, NOW - 3 * DAY, { counterpart: askers[2]!, subject: 'q2' }),
    act('answer_accepted', quiet, NOW - 3 * DAY + 1000, { counterpart: askers[2]!, subject: 'q2' }),
    act('answer_posted', staff, NOW - 2 * DAY, { counterpart: askers[3]!, subject: 'q3', key: 'a-staff' }),
    act('reaction_received', staff, NOW - 2 * DAY + 500, { counterpart: askers[3]!, source: 'a-staff:liked_by:3' }),
    act('answer_posted', ana, Date.parse('2026-10-15T10:00:00Z'), { counterpart: askers[4]!, subject: 'q4' }),
  ]);
  await site.fw.members.setHidden(quiet, true);
  ids = Object.fromEntries(
    (await site.fw.db('identities').select('external_id', 'member_id')).map((r: { external_id: string; member_id: number }) => [r.external_id, r.member_id]),
  );
  const n = await site.fw.champions.nominate({ member: ana, by: askers[0]!, as: 'nomination', reason: 'Answers every question in the forum', space: 'support', evidence: [], origin: 'n1' });
  await site.fw.champions.decide(n.nominationId, 'approve', { memberId: null, label: 'test' }, { citation: 'Always there for newcomers' });
});
afterAll(async () => {
  await site.close();
  await fake.stop();
});

describe('the home page', () => {
  it('shows the month’s top helpers, newest badges, champions and the share of answers from members', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<strong>75%<\/strong> of 4 answers came from members/); // 3 members, 1 staff
    expect(res.body).toContain('<a href="/members/' + ids[ana.externalId] + '">Ana</a>');
    expect(res.body).toContain('Champion</strong>');
    expect(res.body).toContain(ESCAPED);
    expect(res.body).not.toContain('Quiet Helper');
    expect((await api('/api/v1/community')).body.answers).toEqual({ answers: 4, byMembers: 3, share: 0.75 });
  });
});

describe('/leaderboard', () => {
  it('pages the board 25 rows at a time, with stage and badge count', async () => {
    const first = await get('/leaderboard');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('aria-current="page" class="current">Month</a>');
    expect(first.body.match(/<tr id="member-\d+"(?: class="mine"[^>]*)?><td class="num rank">/g)).toHaveLength(25);
    expect(first.body).toContain('Page 1 of 2');
    // Ana is a champion, so an advocate.
    expect(first.body).toMatch(/<a href="\/members\/\d+">Ana<\/a><br><span class="stage">advocate<\/span><\/span><\/div><\/td><td class="num">\d+<\/td><td class="num">[1-9]<\/td>/);
    const second = await get('/leaderboard?page=2');
    expect(second.body).toContain('Page 2 of 2');
    expect(second.body).toContain('← higher ranks');
  });

  it('browses past periods and filters by space; never into the future', async () => {
    const month = await get('/leaderboard?period=month');
    expect(month.html).toContain('href="/leaderboard?period=month&at=2026-10-01" rel="prev"');
    expect(month.body).not.toContain('rel="next"');
    const october = await get('/leaderboard?period=month&at=2026-10-01');
    expect(october.body).toContain('2026-10-01 to 2026-10-31');
    expect(october.body).toContain('rel="next"');
    const support = await get('/leaderboard?period=all&space=product');
    expect(support.body).toContain('Nobody has points in this period yet.');
    expect((await get('/leaderboard?period=decade')).statusCode).toBe(400);
  });

  it('leaves off hidden members and staff, and escapes names', async () => {
    const res = await get('/leaderboard?period=all');
    expect(res.body).not.toContain('Quiet Helper');
    expect(res.body).not.toContain('Staffer');
    expect(res.body).toContain(ESCAPED);
    expect(res.body).not.toContain(HOSTILE);
  });

  it('highlights the signed-in member’s own row, and is then not cached publicly', async () => {
    expect((await get('/leaderboard')).headers['cache-control']).toBe('public, max-age=60');
    const v = new Visitor(site.app);
    await v.signInWithDiscord(fake, ana.externalId);
    const res = await v.get('/leaderboard');
    expect(res.body).toMatch(/<tr id="member-\d+" class="mine" aria-current="true"><td class="num rank">\d+[^]*?<a href="\/members\/\d+">Ana<\/a> <span class="muted">\(you\)<\/span>/);
    expect(res.headers['cache-control']).toBe('private, no-store');
  });
});

describe('member pages', () => {
  it('show rank, journey, badges with what earned them, recent contributions with links, identities', async () => {
    const res = await get(`/members/${ids[ana.externalId]}`);
    expect(res.body).toContain('#1 this month');
    expect(res.body).toMatch(/<strong>first seen<\/strong>[\s\S]*<strong>first answer<\/strong>[\s\S]*<strong>contributor<\/strong>[\s\S]*<strong>advocate<\/strong>/);
    expect(res.body).toContain('<a href="https://discord.com/channels/1/2/3" rel="nofollow noopener">an answer</a>');
    expect(res.body).toContain(`<a href="https://discord.com/users/${ana.externalId}" rel="nofollow noopener">discord: ana</a>`);
    const json = (await api(`/api/v1/members/${ids[ana.externalId]}`)).body;
    expect(json).toMatchObject({ rank: { month: 1, all: 1 }, firsts: { seen: expect.any(String), question: null, answer: '2026-10-15T10:00:00.000Z' } });
    expect(json.recent).toContainEqual({ kind: 'answer_posted', at: expect.any(String), url: 'https://discord.com/channels/1/2/3', points: 5, title: null });
  });

  it('are not found for hidden members, even by id, on pages and in the API', async () => {
    const hidden = ids[quiet.externalId];
    expect((await get(`/members/${hidden}`)).statusCode).toBe(404);
    expect((await api(`/api/v1/members/${hidden}`)).status).toBe(404);
    expect((await api(`/api/v1/members/lookup?platform=discord&externalId=${quiet.externalId}`)).status).toBe(404);
  });
});

describe('badges', () => {
  it('lists the catalog by tier with how to earn each and holders; a badge page shows recent holders', async () => {
    const catalog = await get('/badges');
    expect(catalog.body).toMatch(/<h2 id="tier-gold">gold<\/h2>[\s\S]*<h2 id="tier-silver">silver<\/h2>[\s\S]*<h2 id="tier-bronze">bronze<\/h2>/);
    expect(catalog.body).toContain('How: 1 accepted answer · held by 1');
    const page = await get('/badges/first-solution');
    expect(page.body).toContain('Held by 1 member.');
    expect(page.body).toContain('>Ana</a>');
    expect(page.body).not.toContain('Quiet Helper');
    const json = (await api('/api/v1/badges/first-solution')).body;
    expect(json).toMatchObject({ id: 'first-solution', holders: 1, howToEarn: '1 accepted answer', recent: [{ member: { displayName: 'Ana' } }] });
    expect((await api('/api/v1/badges/nope')).status).toBe(404);
    expect((await get('/badges/first-solution.svg')).headers['content-type']).toContain('image/svg+xml');
  });
});

describe('the champions roster', () => {
  it('shows current champions with space, term and citation', async () => {
    const res = await get('/champions');
    expect(res.body).toContain('Always there for newcomers');
    expect(res.body).toMatch(/support · since \d{4}-\d{2}-\d{2}/);
  });
});

describe('the API description', () => {
  it('describes every /api/v1 route with its parameters', async () => {
    const doc = (await api('/api/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/api/v1/badges', '/api/v1/badges/{id}', '/api/v1/champions', '/api/v1/community', '/api/v1/contributions', '/api/v1/leaderboard', '/api/v1/members/lookup', '/api/v1/members/{id}'].sort(),
    );
    // The one write: described with its body, and refused without a token.
    expect(doc.paths['/api/v1/contributions'].post.requestBody).toBeTruthy();
    const params = doc.paths['/api/v1/leaderboard'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(params).toEqual(expect.arrayContaining(['query:period', 'query:at', 'query:space', 'query:platform', 'query:limit', 'query:offset']));
    for (const path of Object.keys(doc.paths).filter((p) => doc.paths[p].get)) {
      const url = path.replace('{id}', path.includes('badges') ? 'first-solution' : String(ids[ana.externalId])).replace('lookup', `lookup?platform=discord&externalId=${ana.externalId}`);
      expect([path, (await api(url)).status]).toEqual([path, 200]);
    }
  });
});

describe('the quality bar', () => {
  it('sends security headers, compresses, and answers unknown pages with a friendly 404', async () => {
    const res = await get('/leaderboard?period=all', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-encoding']).toBe('gzip');
    const missing = await get('/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Page not found');
  });
});

describe('your data', () => {
  it('can be downloaded, and deleted — identities go, anonymous counts stay', async () => {
    const member = discord('700000000000000009', { displayName: 'Leaving Member' });
    fake.addUser(member.externalId, 'leaving');
    await site.fw.ingest([act('answer_posted', member, NOW - DAY, { counterpart: askers[5]!, subject: 'q5', url: 'https://discord.com/channels/1/2/9' })]);
    const before = await site.fw.boards.answerShare();
    const v = new Visitor(site.app);
    await v.signInWithDiscord(fake, member.externalId);
    const download = await v.get('/me/export', 'application/json');
    expect(download.headers['content-disposition']).toContain('attachment');
    expect(download.json()).toMatchObject({ identities: [{ platform: 'discord', external_id: member.externalId }], activities: [{ kind: 'answer_posted', source_url: 'https://discord.com/channels/1/2/9' }] });

    const token = await v.csrf('/me');
    expect((await v.post('/me/delete', { _csrf: token, confirm: 'nope' }, 'application/json')).statusCode).toBe(400);
    expect((await v.post('/me/delete', { _csrf: token, confirm: 'DELETE' })).statusCode).toBe(303);
    expect((await api(`/api/v1/members/lookup?platform=discord&externalId=${member.externalId}`)).status).toBe(404);
    expect((await site.fw.boards.leaderboard({ period: 'all', limit: 100 })).entries.map((e) => e.member.displayName)).not.toContain('Leaving Member');
    expect(await site.fw.boards.answerShare()).toEqual(before);
    expect((await v.get('/me')).statusCode).toBe(303); // signed out
  });
});
