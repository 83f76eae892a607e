import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord, thanks } from '../support/builders.js';
import { testSite, type TestSite } from '../support/web.js';

let site: TestSite;
const alice = discord('111', { displayName: 'Alice' });
const bob = discord('222', { displayName: 'Bob' });
const hidden = discord('333', { displayName: 'Hidden Helper' });
const nov = (d: number, h = 10) => Date.parse(`2026-11-${String(d).padStart(2, '0')}T${h}:00:00Z`);

beforeAll(async () => {
  site = await testSite();
  await site.fw.ingest([
    act('question_asked', alice, nov(2), { key: 'q1' }),
    act('answer_posted', bob, nov(2, 11), { counterpart: alice, subject: 'q1' }),
    act('answer_accepted', bob, nov(3), { counterpart: alice, subject: 'q1' }),
    ...thanks(alice, bob, nov(3, 12)),
    act('answer_accepted', hidden, nov(4), { counterpart: alice }),
    act('answer_accepted', bob, Date.parse('2026-10-10T10:00:00Z'), { counterpart: alice }),
  ]);
  await site.fw.db('members').where({ origin: 'discord|333' }).update({ hidden: true });
});
afterAll(() => site.close());

const get = (url: string) => site.app.inject({ method: 'GET', url });

describe('GET /healthz', () => {
  it('answers ok when the database answers', async () => {
    const res = await get('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /api/v1/leaderboard', () => {
  it('defaults to this month in the community time zone, ranked', async () => {
    const res = await get('/api/v1/leaderboard');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ period: 'month', from: '2026-11-01', to: '2026-11-30', previous: '2026-10-01' });
    expect(body.entries).toEqual([
      { rank: 1, points: 25, member: { id: expect.any(Number), displayName: 'Bob', stage: 'contributor', badges: 4, avatarUrl: null }, movement: expect.objectContaining({ direction: expect.any(String) }) },
      { rank: 2, points: 3, member: { id: expect.any(Number), displayName: 'Alice', stage: 'participant', badges: 1, avatarUrl: null }, movement: expect.objectContaining({ direction: expect.any(String) }) },
    ]);
  });

  it('browses into past periods and filters by space and platform', async () => {
    expect((await get('/api/v1/leaderboard?period=month&at=2026-10-15')).json().entries.map((e: { points: number }) => e.points)).toEqual([15]);
    expect((await get('/api/v1/leaderboard?period=all')).json().entries[0].points).toBe(40);
    expect((await get('/api/v1/leaderboard?period=week&at=2026-11-04')).json().entries.map((e: { points: number }) => e.points)).toEqual([25, 3]);
    expect((await get('/api/v1/leaderboard?period=week&at=2026-11-18')).json().entries).toEqual([]);
    expect((await get('/api/v1/leaderboard?space=engagement')).json().entries.map((e: { member: { displayName: string } }) => e.member.displayName)).toEqual(['Alice']);
    expect((await get('/api/v1/leaderboard?platform=discourse')).json().entries).toEqual([]);
    expect((await get('/api/v1/leaderboard?limit=1&offset=1')).json().entries).toEqual([{ rank: 2, points: 3, member: expect.objectContaining({ displayName: 'Alice' }), movement: expect.any(Object) }]);
  });

  it('leaves hidden members off entirely', async () => {
    const body = (await get('/api/v1/leaderboard?period=all')).json();
    expect(JSON.stringify(body)).not.toContain('Hidden Helper');
  });

  it.each([
    ['period=fortnight', 'period'],
    ['at=2026-02-30', 'at'],
    ['at=yesterday', 'at'],
    ['space=gaming', 'space'],
    ['platform=slack', 'platform'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['sort=points', 'sort'],
  ])('refuses %s with a 400 naming the parameter', async (query, name) => {
    const res = await get(`/api/v1/leaderboard?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('invalid_parameter');
    expect(body.error).toContain(name);
  });

  it('refuses a repeated parameter instead of guessing', async () => {
    const res = await get('/api/v1/leaderboard?period=week&period=month');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain('period');
  });
});

describe('GET /api/v1/badges', () => {
  it('lists the catalog with how many visible members hold each badge', async () => {
    const { badges } = (await get('/api/v1/badges')).json();
    expect(badges).toHaveLength(30);
    // Bob and the hidden helper both have a first solution; only Bob is counted.
    expect(badges.find((b: { id: string }) => b.id === 'first-solution')).toEqual({
      id: 'first-solution',
      name: 'First Solution',
      tier: 'bronze',
      description: 'An answer was accepted as the solution for the first time.',
      howToEarn: '1 accepted answer',
      holders: 1,
    });
    expect(badges.find((b: { id: string }) => b.id === 'oracle').holders).toBe(0);
  });
});

describe('GET /api/v1/members', () => {
  it('shows a member with stage, journey, points per period and identities', async () => {
    const lookup = await get('/api/v1/members/lookup?platform=discord&externalId=222');
    expect(lookup.statusCode).toBe(200);
    const member = lookup.json();
    expect(member).toMatchObject({
      displayName: 'Bob',
      stage: 'contributor',
      points: { all: 40, year: 40, quarter: 40, month: 25, week: 0, day: 0 },
      identities: [{ platform: 'discord', externalId: '222', username: 'user222' }],
    });
    expect(member.stages).toEqual([{ stage: 'contributor', at: '2026-10-10T10:00:00.000Z' }]);
    expect((await get(`/api/v1/members/${member.id}`)).json()).toEqual(member);
  });

  it('lists a member’s badges, newest first, dated when earned', async () => {
    const member = (await get('/api/v1/members/lookup?platform=discord&externalId=222')).json();
    expect(member.badges).toEqual([
      { awardId: expect.any(Number), id: 'appreciated', name: 'Appreciated', tier: 'bronze', awardedAt: '2026-11-03T12:00:00.000Z', earnedBy: { kind: 'thanks_received', url: null } },
      // Earned when the answer was paid: on its acceptance, which endorsed it (fair play).
      { awardId: expect.any(Number), id: 'first-answer', name: 'First Answer', tier: 'bronze', awardedAt: '2026-11-03T10:00:00.000Z', earnedBy: { kind: 'answer_posted', url: null } },
      { awardId: expect.any(Number), id: 'contributor', name: 'Contributor', tier: 'bronze', awardedAt: '2026-10-10T10:00:00.000Z', earnedBy: null },
      { awardId: expect.any(Number), id: 'first-solution', name: 'First Solution', tier: 'bronze', awardedAt: '2026-10-10T10:00:00.000Z', earnedBy: { kind: 'answer_accepted', url: null } },
    ]);
    const page = await site.app.inject({ method: 'GET', url: `/members/${member.id}`, headers: { accept: 'text/html' } });
    expect(page.body).toContain('<strong>First Solution</strong></a><br><span class="muted">bronze · 2026-10-10 · for an accepted answer</span>');
  });

  it('answers 404 for unknown and hidden members alike — hidden is not found, even by id', async () => {
    for (const url of ['/api/v1/members/999999', '/api/v1/members/lookup?platform=discord&externalId=333', '/api/v1/members/lookup?platform=discord&externalId=404']) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'member not found', code: 'not_found' });
    }
    const id = (await site.fw.db('members').where({ origin: 'discord|333' }).first()).id;
    expect((await get(`/api/v1/members/${id}`)).statusCode).toBe(404);
  });

  it('refuses bad ids and lookups with a 400 naming the parameter', async () => {
    for (const [url, name] of [['/api/v1/members/abc', 'id'], ['/api/v1/members/-3', 'id'], ['/api/v1/members/lookup?platform=myspace&externalId=1', 'platform'], ['/api/v1/members/lookup?platform=discord', 'externalId']]) {
      const res = await get(url!);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toContain(name);
    }
  });
});

describe('the site', () => {
  it('renders the front page with this month’s top helpers', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Bob');
    expect(res.body).not.toContain('Hidden Helper');
  });

  it('renders a member’s page (where /profile in Discord points), and not a hidden member’s', async () => {
    const bob = (await site.fw.db('identities').where({ external_id: '222' }).first()).member_id;
    const page = await site.app.inject({ method: 'GET', url: `/members/${bob}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<h1>Bob<\/h1>/);
    const hidden = (await site.fw.db('members').where({ origin: 'discord|333' }).first()).id;
    const gone = await site.app.inject({ method: 'GET', url: `/members/${hidden}`, headers: { accept: 'text/html' } });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).not.toContain('Hidden Helper');
    const bad = await site.app.inject({ method: 'GET', url: '/members/abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_parameter');
  });

  it('answers unknown routes with JSON for the API and a friendly page for people', async () => {
    expect((await get('/api/v1/nothing')).json()).toEqual({ error: 'No route for GET /api/v1/nothing', code: 'not_found' });
    const page = await site.app.inject({ method: 'GET', url: '/nothing', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page not found');
  });

  it('escapes member names on pages', async () => {
    await site.fw.ingest([act('answer_accepted', discord('666', { displayName: '<img src=x onerror=alert(1)>' }), nov(5), { counterpart: alice })]);
    const res = await get('/');
    expect(res.body).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(res.body).not.toContain('<img src=x');
  });
});
