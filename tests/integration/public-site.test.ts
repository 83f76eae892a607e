/**
 * The public site as a member sees it (issue 27): the community's own name and look, faces,
 * the podium, the day tab, rank movement, finding yourself and others, and member pages that say
 * what comes next. Real HTTP semantics (inject), on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord, thanks } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { APP_ID, FakeDiscord } from '../support/fake-discord.js';
import { testSite, type TestSite } from '../support/web.js';
import type { IdentityRef } from '../../src/domain/activity.js';

const ANA_AVATAR = 'a'.repeat(32);
const DEE_AVATAR = 'b'.repeat(32);
const ana = discord('710000000000000001', { displayName: 'Ana Lima', username: 'ana', avatar: ANA_AVATAR });
const bob: IdentityRef = { platform: 'discourse', externalId: '42', username: 'bob', displayName: 'Bob Stone', avatar: '/user_avatar/forum.test/bob/{size}/1_2.png' };
const cy = discord('710000000000000003', { displayName: 'Cy Quinn', username: 'cy' });
const dee = discord('710000000000000004', { displayName: 'Dee Hidden', username: 'dee', avatar: DEE_AVATAR });
const askers = Array.from({ length: 30 }, (_, i) => discord(`7100000000000001${String(i).padStart(2, '0')}`, { displayName: `Asker ${i}` }));
const at = (iso: string) => Date.parse(iso);

let site: TestSite;
let fake: FakeDiscord;
let ids: Record<string, number>;

const decode = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const get = async (url: string) => {
  const res = await site.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
  return Object.assign(res, { html: decode(res.body) });
};
const api = (url: string) => site.app.inject({ method: 'GET', url }).then((r) => ({ status: r.statusCode, body: r.json() }));

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  // The first asker signs in: their row is on the second page.
  fake.addUser(askers[0]!.externalId, 'asker0', { nick: 'Asker 0' });
  site = await testSite({ PUBLIC_URL: 'http://rust.test', DISCORD_APPLICATION_ID: APP_ID, DISCORD_CLIENT_SECRET: fake.oauthClient.secret, DISCORD_API_URL: fake.apiUrl, DISCORD_OAUTH_URL: fake.baseUrl }, (c) => {
    c.community.name = 'Rustaceans';
    c.community.tagline = 'Where builders help builders';
    c.community.accentColor = '#aa3311';
    c.community.links = [{ label: 'Website', url: 'https://rust.example/' }];
    c.discourse.url = 'https://forum.test';
  });
  await site.fw.ingest([
    // The askers come first: the oldest member sorts last among equals, on page 2.
    ...askers.map((a, i) => act('question_asked', a, at('2026-11-20T10:00:00Z') + i * 1000, { key: `pq${i}`, subject: `pq${i}` })),
    // October: Bob leads, Ana second.
    act('answer_accepted', bob, at('2026-10-05T10:00:00Z'), { counterpart: askers[1]!, subject: 'pq1' }),
    act('answer_accepted', bob, at('2026-10-06T10:00:00Z'), { counterpart: askers[2]!, subject: 'pq2' }),
    act('answer_accepted', ana, at('2026-10-27T10:00:00Z'), { counterpart: askers[3]!, subject: 'pq3' }),
    // November: Ana leads (top of three weeks), Bob second, Cy new, Dee (hidden) would be first.
    act('answer_accepted', ana, at('2026-11-03T10:00:00Z'), { counterpart: askers[4]!, subject: 'pq4', url: 'https://forum.test/t/borrowing/4' }),
    act('answer_accepted', ana, at('2026-11-10T10:00:00Z'), { counterpart: askers[5]!, subject: 'pq5' }),
    act('answer_accepted', bob, at('2026-11-18T10:00:00Z'), { counterpart: askers[6]!, subject: 'pq6' }),
    ...thanks(askers[7]!, cy, at('2026-11-19T10:00:00Z')),
    act('answer_accepted', dee, at('2026-11-19T11:00:00Z'), { counterpart: askers[8]!, subject: 'pq8' }),
    act('answer_accepted', dee, at('2026-11-19T12:00:00Z'), { counterpart: askers[9]!, subject: 'pq9' }),
    act('answer_accepted', dee, at('2026-11-19T13:00:00Z'), { counterpart: askers[10]!, subject: 'pq10' }),
    // Today.
    ...thanks(askers[11]!, cy, at('2026-11-22T09:00:00Z')),
  ]);
  await site.fw.ingest([act('topic_created', askers[4]!, at('2026-11-01T09:00:00Z'), { key: 'title-of-pq4', subject: 'pq4', payload: { title: 'How does borrowing work?' } })]);
  await site.fw.maintenance.closePeriods();
  await site.fw.members.setHidden(dee, true);
  ids = Object.fromEntries(
    (await site.fw.db('identities').select('external_id', 'member_id')).map((r: { external_id: string; member_id: number }) => [r.external_id, r.member_id]),
  );
});
afterAll(async () => {
  await site?.close();
  await fake?.stop();
});

describe('the community’s own site', () => {
  it('says the community’s name in every title and header, in its colour, with its links', async () => {
    for (const url of ['/', '/leaderboard', `/members/${ids[ana.externalId]}`, '/badges', '/champions', '/nothing-here']) {
      const res = await get(url);
      expect([url, res.body.match(/<title>([^<]*)<\/title>/)?.[1]]).toEqual([url, expect.stringContaining('Rustaceans')]);
      expect(res.body).toMatch(/<a href="\/" class="brand">[^<]*Rustaceans<\/a>/);
      expect(res.body).toContain(':root { --accent: #aa3311; }');
      expect(res.body).toContain('<a href="https://rust.example/" rel="noopener">Website</a>');
      expect(res.body).not.toMatch(/<title>[^<]*Flywheel/);
    }
    expect((await get('/')).body).toContain('Where builders help builders');
  });

  it('has a favicon instead of a 404 on every page load', async () => {
    const ico = await get('/favicon.ico');
    expect(ico.statusCode).toBe(301);
    expect(ico.headers.location).toBe('/favicon.svg');
    const svg = await get('/favicon.svg');
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('>R</text>');
    expect((await get('/')).body).toContain('<link rel="icon" href="/favicon.svg">');
  });

  it('gives public pages link previews: title, description and an image', async () => {
    const home = await get('/');
    expect(home.html).toContain('<meta property="og:title" content="Rustaceans">');
    expect(home.html).toContain('<meta property="og:image" content="http://rust.test/brand.png">');
    const png = await get('/brand.png');
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    const member = await get(`/members/${ids[ana.externalId]}`);
    expect(member.html).toContain('<meta property="og:title" content="Ana Lima">');
    expect(member.html).toMatch(/<meta property="og:description" content="#1 all time in Rustaceans, [a-z]+ · \d+ points · \d+ badges">/);
    // The member's preview is their rank card, shown wide.
    expect(member.html).toContain(`<meta property="og:image" content="http://rust.test/members/${ids[ana.externalId]}/card.png">`);
    expect(member.html).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(member.html).toContain(`<meta property="og:url" content="http://rust.test/members/${ids[ana.externalId]}">`);
    // Every other public page has one too, from the community's name and tagline.
    const badges = await get('/badges');
    expect(badges.html).toContain('<meta property="og:title" content="Badges — Rustaceans">');
    expect(badges.html).toContain('<meta property="og:description" content="Where builders help builders">');
  });
});

describe('members with faces', () => {
  const anaUrl = `https://cdn.discordapp.com/avatars/${ana.externalId}/${ANA_AVATAR}.png`;
  it('shows the Discord and forum avatars of visible members, on the board, the home page and their page', async () => {
    const board = await get('/leaderboard');
    expect(board.html).toContain(`<img class="avatar" src="${anaUrl}?size=128"`);
    expect(board.html).toContain('<img class="avatar" src="https://forum.test/user_avatar/forum.test/bob/96/1_2.png"');
    expect((await get('/')).html).toContain(anaUrl);
    const page = await get(`/members/${ids[ana.externalId]}`);
    expect(page.html).toContain(`<img class="avatar" src="${anaUrl}?size=256"`);
    const json = (await api(`/api/v1/members/${ids[bob.externalId]}`)).body;
    expect(json.avatarUrl).toBe('https://forum.test/user_avatar/forum.test/bob/160/1_2.png');
    expect(json.identities).toEqual([expect.objectContaining({ platform: 'discourse', profileUrl: 'https://forum.test/u/bob' })]);
    const entries = (await api('/api/v1/leaderboard?period=month')).body.entries;
    expect(entries.find((e: { member: { id: number } }) => e.member.id === ids[ana.externalId]).member.avatarUrl).toBe(`${anaUrl}?size=128`);
  });

  it('draws initials on a colour of their own for a member without one', async () => {
    const board = await get('/leaderboard');
    expect(board.body).toMatch(/<svg class="avatar"[^>]*aria-hidden="true"[^>]*><circle[^>]*fill="hsl\(\d+ 45% 34%\)"\/><text[^>]*>CQ<\/text><\/svg><span><a href="\/members\/\d+">Cy Quinn<\/a>/);
    expect((await api(`/api/v1/members/${ids[cy.externalId]}`)).body.avatarUrl).toBeNull();
  });

  it('never shows a hidden member’s avatar', async () => {
    for (const url of ['/', '/leaderboard', '/leaderboard?period=all', '/leaderboard?period=day', '/leaderboard?name=Dee', '/badges', `/members/${ids[dee.externalId]}`, '/api/v1/leaderboard', `/api/v1/members/${ids[dee.externalId]}`]) {
      const res = await get(url);
      expect([url, res.body.includes(DEE_AVATAR)]).toEqual([url, false]);
      expect([url, res.body.includes('Dee Hidden')]).toEqual([url, false]);
    }
  });
});

describe('the leaderboard', () => {
  it('stands the top three on a podium, first to third', async () => {
    const res = await get('/leaderboard');
    const podium = res.body.match(/<ol class="podium"[\s\S]*?<\/ol>/)?.[0] ?? '';
    const names = [...podium.matchAll(/<li class="place-(\d)[^"]*">[\s\S]*?<a href="\/members\/\d+">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(names).toEqual(['1 Ana Lima', '2 Bob Stone', '3 Cy Quinn']);
    expect((await get('/leaderboard?page=2')).body).not.toContain('class="podium"');
  });

  it('has a day tab that shows today', async () => {
    const res = await get('/leaderboard?period=day');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('aria-current="page" class="current">Today</a>');
    expect(res.body).toContain('<strong>2026-11-22</strong>');
    expect(res.body).toMatch(/<a href="\/members\/\d+">Cy Quinn<\/a>/);
    expect(res.body).not.toContain('Bob Stone');
  });

  it('shows how each rank moved since the previous period, from the scores', async () => {
    const res = await get('/leaderboard?period=month');
    const row = (name: string) => res.body.split('<tr id=').slice(1).find((r) => r.includes(`>${name}</a>`))!.match(/<td class="num rank">(\d+)\s*([\s\S]*?)<\/td>/)!;
    expect(row('Ana Lima')[1]).toBe('1');
    expect(row('Ana Lima')[2]).toContain('<span aria-hidden="true">▲1</span>');
    expect(row('Bob Stone')[2]).toContain('<span aria-hidden="true">▼1</span>');
    expect(row('Cy Quinn')[2]).toContain('>new</span>');
    expect(res.body).toContain('rank change since last month');
    // All time has no previous period, so no arrows.
    expect((await get('/leaderboard?period=all')).body).not.toContain('class="move');
  });

  it('finds someone by name, with their rank and a link to their row', async () => {
    const res = await get('/leaderboard?name=bo');
    expect(res.statusCode).toBe(200);
    expect(res.html).toMatch(new RegExp(`<a href="/leaderboard\\?period=month#member-${ids[bob.externalId]}" class="said">Bob Stone</a> — #2, 15 points`));
    expect(res.body).toContain('class="found"');
    expect((await get('/leaderboard?name=nobody')).body).toContain('Nobody by that name has points on this board.');
    expect((await get(`/leaderboard?name=${'x'.repeat(101)}`)).statusCode).toBe(400);
  });

  it('takes a signed-in member to their own row, even beyond the first page', async () => {
    const v = new Visitor(site.app);
    await v.signInWithDiscord(fake, askers[0]!.externalId);
    const first = decode((await v.get('/leaderboard')).body);
    const me = ids[askers[0]!.externalId];
    expect(first).toMatch(new RegExp(`You are <strong>#\\d+</strong> with 2 points · <a href="/leaderboard\\?period=month&page=2#member-${me}">jump to your row</a>`));
    const second = (await v.get('/leaderboard?period=month&page=2')).body;
    expect(second).toContain(`<tr id="member-${me}" class="mine" aria-current="true">`);
    expect(second).not.toContain('jump to your row');
  });

  it('right-aligns every number', async () => {
    const res = await get('/leaderboard');
    expect(res.body).toContain('<th scope="col" class="num">Rank</th><th scope="col">Member</th><th scope="col" class="num">Points</th><th scope="col" class="num">Badges</th>');
  });
});

describe('a member page', () => {
  it('says what the next stage still needs, with a bar', async () => {
    const res = await get(`/members/${ids[ana.externalId]}`);
    expect(res.body).toContain('Next: advocate');
    expect(res.body).toMatch(/<progress max="100" value="\d+"/);
    expect(res.body).toContain('Help in 1 more month (2 of 3 in the last 6 months so far).');
    expect(res.body).toMatch(/Help \d more people \(\d people helped so far\)\./);
    expect(res.body).not.toMatch(/\(s\)/);
  });

  it('groups badges with their images, newest first, ×N for repeats', async () => {
    const res = await get(`/members/${ids[ana.externalId]}`);
    expect(res.body).toMatch(/<img src="\/badges\/helper-of-the-week.svg"[^>]*><span><a href="\/badges\/awards\/\d+"><strong>Helper of the Week<\/strong><\/a> <span class="times">×3<\/span>/);
    const json = (await api(`/api/v1/members/${ids[ana.externalId]}`)).body;
    expect(json.badgeGroups.find((g: { id: string }) => g.id === 'helper-of-the-week')).toMatchObject({ count: 3, image: '/badges/helper-of-the-week.svg' });
    const days = json.badgeGroups.map((g: { newestAt: string }) => g.newestAt);
    expect(days).toEqual([...days].sort().reverse());
    expect(res.body.match(/Helper of the Week/g)).toHaveLength(1);
  });

  it('lists recent contributions with the title of what they answered, and the numbers managers see', async () => {
    const res = await get(`/members/${ids[ana.externalId]}`);
    expect(res.body).toContain('<a href="https://forum.test/t/borrowing/4" rel="nofollow noopener">How does borrowing work?</a> <span class="muted">an accepted answer · 2026-11-03');
    expect(res.body).toMatch(/<dt>Accepted answers<\/dt><dd>3<\/dd>/);
    expect(res.body).toMatch(/<dt>People helped<\/dt><dd>3<\/dd>/);
    expect(res.body).toMatch(/<dt>Active months <span class="muted">\(of the last 6\)<\/span><\/dt><dd>2<\/dd>/);
    expect((await api(`/api/v1/members/${ids[ana.externalId]}`)).body.numbers).toEqual({ acceptedAnswers: 3, membersHelped: 3, activeMonths: 2 });
  });
});
