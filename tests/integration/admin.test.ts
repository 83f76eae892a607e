/**
 * The community team's side of the site: sign-in (Discord OAuth2 against the fake Discord, and the
 * admin password), the guards on every admin route, and the champion program end to end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, discord, thanks } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { FakeDiscord, MANAGER_ROLE_ID } from '../support/fake-discord.js';
import { testSite, type TestSite } from '../support/web.js';

const PASSWORD = 'correct horse battery staple';
const MANAGER = '500000000000000001';
const MEMBER = '500000000000000002';
const HELPER = '500000000000000003';
const OTHER = '500000000000000004';

let site: TestSite;
let fake: FakeDiscord;

beforeEach(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(MANAGER, 'manny', { roles: [MANAGER_ROLE_ID] });
  fake.addUser(MEMBER, 'mem');
  fake.addUser(HELPER, 'helper');
  fake.addUser(OTHER, 'other');
  site = await testSite({
    ADMIN_PASSWORD: PASSWORD,
    PUBLIC_URL: 'http://flywheel.test',
    ...fake.signInEnv(),
    DISCORD_MANAGER_ROLE_ID: MANAGER_ROLE_ID,
  });
});
afterEach(async () => {
  await site.close();
  await fake.stop();
});

const ADMIN_PAGES = ['/admin', '/admin/nominations', '/admin/candidates', '/admin/champions', '/admin/insights', '/admin/export/members.csv', '/admin/export/members.json', '/admin/export/leads.csv', '/admin/audit', '/admin/contributions', '/admin/contributions/members?q=a', '/admin/submissions', '/admin/tokens'];
const ADMIN_POSTS = [
  '/admin/nominations',
  '/admin/nominations/1/approve',
  '/admin/nominations/1/decline',
  '/admin/champions/1/renew',
  '/admin/champions/1/end',
  '/admin/contributions',
  '/admin/contributions/award',
  '/admin/contributions/attendees/preview',
  '/admin/contributions/attendees',
  '/admin/submissions/1/approve',
  '/admin/submissions/1/decline',
  '/admin/tokens',
  '/admin/tokens/1/revoke',
];

async function manager(): Promise<Visitor> {
  const v = new Visitor(site.app);
  const res = await v.signInWithDiscord(fake, MANAGER);
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/admin');
  return v;
}

describe('signing in', () => {
  it('with Discord: a member of the manager role becomes a manager, anyone else a member', async () => {
    const m = await manager();
    expect((await m.get('/admin/nominations')).statusCode).toBe(200);
    const member = new Visitor(site.app);
    const res = await member.signInWithDiscord(fake, MEMBER);
    expect(res.headers.location).toBe('/me');
    expect((await member.get('/me')).body).toContain('Hello, mem');
    expect((await member.get('/admin')).statusCode).toBe(403);
  });

  it('refuses a callback whose state this browser did not start, and a code used twice', async () => {
    const v = new Visitor(site.app);
    fake.oauthUser = MEMBER;
    const start = await v.get('/login/discord');
    const consent = await fetch(start.headers.location as string, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const stranger = new Visitor(site.app);
    const forged = await stranger.get(`${back.pathname}${back.search}`);
    expect(forged.statusCode).toBe(400);
    expect(forged.cookies.some((c) => c.name === 'fw_session')).toBe(false);
    expect((await v.get(`${back.pathname}${back.search}`)).statusCode).toBe(303);
    const again = new Visitor(site.app);
    await again.get('/login/discord'); // a fresh state, but the old code
    const state = new URL((await again.get('/login/discord')).headers.location as string).searchParams.get('state')!;
    const reused = await again.get(`/auth/discord/callback?code=${back.searchParams.get('code')}&state=${state}`);
    expect(reused.statusCode).toBe(400);
  });

  it('with the admin password, limited to five tries a minute', async () => {
    const v = new Visitor(site.app);
    const wrong = await v.signInWithPassword('not it at all');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('That password is not right.');
    expect(wrong.body).toContain('name="password"'); // to try again
    const ok = await v.signInWithPassword(PASSWORD);
    expect(ok.statusCode).toBe(303);
    expect((await v.get('/admin/audit')).statusCode).toBe(200);

    const attacker = new Visitor(site.app);
    const token = await attacker.csrf();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await attacker.post('/login', { _csrf: token, password: `guess ${i}` })).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429, 429]); // the first two attempts above count too
  });
});

describe('every admin route', () => {
  it('sends visitors without a session to sign in, and refuses their posts with 401', async () => {
    const v = new Visitor(site.app);
    for (const url of ADMIN_PAGES) {
      const res = await v.get(url);
      expect([url, res.statusCode, res.headers.location]).toEqual([url, 303, `/login?next=${encodeURIComponent(url)}`]);
    }
    for (const url of ADMIN_POSTS) {
      const res = await v.post(url, { note: 'x' }, 'application/json');
      expect([url, res.statusCode, res.json()]).toEqual([url, 401, { error: 'sign in first', code: 'unauthorized' }]);
    }
  });

  it('refuses a member’s session with 403', async () => {
    const v = new Visitor(site.app);
    await v.signInWithDiscord(fake, MEMBER);
    for (const url of ADMIN_PAGES) expect([url, (await v.get(url)).statusCode]).toEqual([url, 403]);
    const token = await v.csrf('/me');
    for (const url of ADMIN_POSTS) expect([url, (await v.post(url, { _csrf: token }, 'application/json')).statusCode]).toEqual([url, 403]);
  });

  it('treats a forged session cookie as no session', async () => {
    const v = new Visitor(site.app);
    const forged = Buffer.from(JSON.stringify({ memberId: null, discordId: null, name: 'Mallory', role: 'admin', exp: Date.now() + 3600_000 })).toString('base64url');
    v.setCookie('fw_session', `${forged}.bm90LWEtc2lnbmF0dXJl`);
    for (const url of ADMIN_PAGES) expect((await v.get(url)).statusCode).toBe(303);
    for (const url of ADMIN_POSTS) expect((await v.post(url, {}, 'application/json')).statusCode).toBe(401);
  });

  it('refuses a manager’s form post without its CSRF token, and changes nothing', async () => {
    const m = await manager();
    const member = (await site.fw.ingest([act('answer_accepted', discord(HELPER), site.fw.clock.now, { counterpart: discord(MEMBER) })])).outcomes[0]!;
    expect(member.status).toBe('awarded');
    for (const url of ADMIN_POSTS) {
      const res = await m.post(url, { member: '1', reason: 'a perfectly good reason here' }, 'application/json');
      expect([url, res.statusCode, res.json().code]).toEqual([url, 403, 'forbidden']);
    }
    expect(await site.fw.db('nominations').count({ n: '*' }).first()).toMatchObject({ n: expect.anything() });
    expect(Number((await site.fw.db('nominations').count({ n: '*' }).first())!.n)).toBe(0);
  });

  it('keeps the audit log from managers who are not admins', async () => {
    const m = await manager();
    expect((await m.get('/admin/audit')).statusCode).toBe(403);
  });
});

describe('the champion program', () => {
  async function memberId(discordId: string) {
    return (await site.fw.db('identities').where({ external_id: discordId }).first()).member_id as number;
  }

  it('goes nomination → endorsement → approval → champion → renewal → alumni, with every step audited', async () => {
    const now = Date.now();
    site.fw.clock.now = now;
    await site.fw.ingest([
      act('question_asked', discord(MEMBER), now - 86_400_000),
      act('answer_accepted', discord(HELPER), now - 3600_000, { counterpart: discord(MEMBER) }),
      ...thanks(discord(MEMBER), discord(HELPER), now - 1800_000),
    ]);
    const helper = await memberId(HELPER);
    const m = await manager();

    // The candidates page suggests the helper, with the evidence.
    const candidates = await m.get('/admin/candidates');
    expect(candidates.body).toContain('helped 1 different member');

    let token = await m.csrf('/admin/nominations');
    expect((await m.post('/admin/nominations', { _csrf: token, member: String(helper), reason: 'Answers every question within the hour', space: 'support' })).statusCode).toBe(303);
    // A second nomination of the same member is an endorsement, not a second entry.
    await site.fw.champions.nominate({ member: discord(HELPER), by: discord(OTHER, { displayName: 'other' }), as: 'nomination', reason: 'Helped me ship my first release', space: 'support', evidence: [], origin: 'test:2' });
    const queue = await m.get('/admin/nominations');
    expect(queue.body).toContain('Answers every question within the hour');
    expect(queue.body).toContain('<li><span class="said">other</span>: <span class="said">Helped me ship my first release</span></li>');
    expect(queue.body).toContain('1 accepted answers');
    const nomination = (await site.fw.db('nominations').first()).id;
    expect(Number((await site.fw.db('nominations').count({ n: '*' }).first())!.n)).toBe(1);

    // Approval needs a citation; then the helper is a champion, an advocate, with the badge.
    token = await m.csrf('/admin/nominations');
    expect((await m.post(`/admin/nominations/${nomination}/approve`, { _csrf: token }, 'application/json')).json()).toMatchObject({ code: 'invalid_parameter' });
    expect((await m.post(`/admin/nominations/${nomination}/approve`, { _csrf: token, citation: 'The fastest helper in the forum', note: 'unanimous' })).statusCode).toBe(303);
    expect((await site.fw.members.profile(helper)).stage).toBe('advocate');
    expect((await site.fw.members.profile(helper)).badges.map((b) => b.id)).toContain('champion');
    const api = (await site.app.inject({ method: 'GET', url: '/api/v1/champions' })).json();
    expect(api.champions).toEqual([
      { member: { id: helper, displayName: 'user500000000000000003' }, space: 'support', termStart: new Date(now).toISOString(), termEnd: expect.stringMatching(/^\d{4}-/), citation: 'The fastest helper in the forum' },
    ]);
    expect(new Date(api.champions[0].termEnd).getUTCFullYear()).toBe(new Date(now).getUTCFullYear() + 1);
    expect((await new Visitor(site.app).get('/champions')).body).toContain('The fastest helper in the forum');

    // Decisions are final.
    const again = await m.post(`/admin/nominations/${nomination}/decline`, { _csrf: token }, 'application/json');
    expect(again.statusCode).toBe(409);

    // Nominating a serving champion puts them up for renewal; approving extends the term.
    const renewal = await site.fw.champions.nominate({ member: discord(HELPER), by: discord(MANAGER), as: 'nomination', reason: 'Another great year of answers', space: 'support', evidence: [], origin: 'test:3' });
    expect(renewal).toMatchObject({ outcome: 'nominated', kind: 'renewal' });
    const champion = (await site.fw.db('champions').first()).id;
    const before = Number((await site.fw.db('champions').first()).term_end);
    await site.fw.champions.decide(renewal.nominationId, 'approve', { memberId: null, label: 'test' }, {});
    expect(Number((await site.fw.db('champions').first()).term_end)).toBeGreaterThan(before);

    // Ending the term moves them to the past champions, and takes the badge back.
    token = await m.csrf('/admin/champions');
    const ended = await m.post(`/admin/champions/${champion}/end`, { _csrf: token, note: 'stepping back' });
    expect(ended.statusCode).toBe(303);
    // The page says what was done, by name.
    expect((await m.get(ended.headers.location as string)).body).toContain('user500000000000000003’s term has ended');
    const roster = (await site.app.inject({ method: 'GET', url: '/api/v1/champions' })).json();
    expect(roster.champions).toEqual([]);
    expect(roster.past.map((c: { member: { id: number } }) => c.member.id)).toEqual([helper]);
    expect((await site.fw.members.profile(helper)).badges.map((b) => b.id)).not.toContain('champion');

    // The audit log tells the story, newest first.
    const admin = new Visitor(site.app);
    await admin.signInWithPassword(PASSWORD);
    const log = (await site.fw.champions.auditLog(20)).map((e) => e.action);
    expect(log).toEqual(['ended', 'renewed', 'approved', 'nominated', 'appointed', 'approved', 'endorsed', 'nominated']);
    // Each entry names the member it is about, linked, not only a number.
    expect((await admin.get('/admin/audit')).body).toMatch(new RegExp(`appointed <a href="/members/${helper}" class="said">user500000000000000003</a> <span class="muted">\\(champion #\\d+\\)</span>`));
  });

  it('declines with a private note, refuses self-nominations and hides hidden members from the roster', async () => {
    await site.fw.ingest([act('member_joined', discord(HELPER), site.fw.clock.now), act('member_joined', discord(OTHER), site.fw.clock.now)]);
    await expect(
      site.fw.champions.nominate({ member: discord(OTHER), by: discord(OTHER), as: 'suggestion', reason: 'I am simply the best at this', space: 'support', evidence: [], origin: 'self' }),
    ).rejects.toThrow(/nobody nominates themself/);
    const n = await site.fw.champions.nominate({ member: discord(OTHER), by: discord(HELPER), as: 'nomination', reason: 'Kind to every newcomer', space: 'engagement', evidence: [], origin: 'x1' });
    await site.fw.champions.decide(n.nominationId, 'decline', { memberId: null, label: 'test' }, { note: 'not yet' });
    expect((await site.fw.db('nominations').first()).decision_note).toBe('not yet');
    expect((await site.app.inject({ method: 'GET', url: '/api/v1/champions' })).body).not.toContain('not yet');

    const h = await site.fw.champions.nominate({ member: discord(HELPER), by: discord(OTHER), as: 'nomination', reason: 'Answers patiently, every day', space: 'support', evidence: [], origin: 'x2' });
    await site.fw.champions.decide(h.nominationId, 'approve', { memberId: null, label: 'test' }, { citation: 'Patient and kind' });
    await site.fw.members.setHidden(discord(HELPER), true);
    expect((await site.app.inject({ method: 'GET', url: '/api/v1/champions' })).json().champions).toEqual([]);
  });

  it('ends terms that ran out, and shows terms ending within 30 days for renewal', async () => {
    const t0 = Date.parse('2026-01-10T10:00:00Z');
    site.fw.clock.now = t0;
    await site.fw.ingest([act('member_joined', discord(HELPER), t0)]);
    const n = await site.fw.champions.nominate({ member: discord(HELPER), by: discord(OTHER), as: 'nomination', reason: 'Answers patiently, every day', space: 'support', evidence: [], origin: 'y1' });
    await site.fw.champions.decide(n.nominationId, 'approve', { memberId: null, label: 'test' }, { citation: 'Patient' });
    site.fw.clock.now = Date.parse('2026-06-01T10:00:00Z'); // recorded as it happens: no activity is dated ahead of the clock
    await site.fw.ingest([act('answer_accepted', discord(HELPER), site.fw.clock.now, { counterpart: discord(OTHER) })]);
    site.fw.clock.now = Date.parse('2026-12-20T10:00:00Z');
    expect((await site.fw.champions.champions())[0]).toMatchObject({ status: 'active', dueForRenewal: true, since: { points: 15, contributions: 1 } });
    const m = await manager();
    expect((await m.get('/admin')).body).toContain('since appointment 15 points, 1 contributions for others');
    site.fw.clock.now = Date.parse('2027-01-11T10:00:00Z');
    const news = await site.fw.champions.expireTerms();
    expect(news.revoked).toEqual([{ memberId: await memberId(HELPER), badgeId: 'champion' }]);
    expect((await site.fw.champions.champions())[0]).toMatchObject({ status: 'alumni', endedAt: Date.parse('2027-01-10T10:00:00Z') });
  });
});

describe('a member’s own page', () => {
  it('shows their numbers even when hidden, switches privacy, and takes suggestions when the community allows them', async () => {
    await site.fw.ingest([act('answer_accepted', discord(MEMBER), site.fw.clock.now, { counterpart: discord(OTHER) }), act('member_joined', discord(HELPER), site.fw.clock.now)]);
    const v = new Visitor(site.app);
    await v.signInWithDiscord(fake, MEMBER);
    let token = await v.csrf('/me');
    expect((await v.post('/me/privacy', { _csrf: token, visibility: 'hide' })).statusCode).toBe(303);
    const page = await v.get('/me');
    expect(page.body).toContain('You are <strong>hidden</strong>');
    expect(page.body).toContain('15 points this month');
    expect((await site.fw.boards.leaderboard({ period: 'month' })).entries).toEqual([]);

    expect((await v.post('/me/suggestions', { _csrf: token, member: '1', reason: 'Always kind to newcomers' }, 'application/json')).statusCode).toBe(403);
    site.fw.config.champions.memberSuggestions = true;
    token = await v.csrf('/me');
    const helper = (await site.fw.db('identities').where({ external_id: HELPER }).first()).member_id;
    expect((await v.post('/me/suggestions', { _csrf: token, member: String(helper), reason: 'Always kind to newcomers' })).statusCode).toBe(303);
    expect(await site.fw.db('nominations').select('kind', 'member_id')).toEqual([{ kind: 'suggestion', member_id: helper }]);
  });
});

describe('a fresh install with no password and no Discord sign-in', () => {
  it('prints a one-time admin password to the log, which works once', async () => {
    const { Writable } = await import('node:stream');
    const { pino } = await import('pino');
    const { buildWebApp } = await import('../../src/web/app.js');
    const { testFlywheel } = await import('../support/db.js');
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
    const printed: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const fw = await testFlywheel({ PUBLIC_URL: 'http://flywheel.test' });
    const app = await buildWebApp(fw, fw.config, pino({ level: 'info' }, sink)).finally(() => stderr.mockRestore());
    try {
      // On its own plain line, easy to find; never inside a JSON log line a collector keeps.
      const password = printed.join('').match(/^ *One-time admin password: (\S+)$/m)?.[1];
      expect(password).toBeTruthy();
      expect(printed.join('')).toContain('Sign in at http://flywheel.test/admin');
      expect(lines.join('')).toMatch(/one-time admin password is printed/);
      expect(lines.join('')).not.toContain(password);
      const first = new Visitor(app);
      expect((await first.signInWithPassword(password!)).statusCode).toBe(303);
      // Used up: the form is gone, and the page says how to sign in from now on.
      const page = await new Visitor(app).get('/login?next=%2Fadmin');
      expect(page.body).not.toContain('name="password"');
      expect(page.body).toContain('set <code>DISCORD_CLIENT_SECRET</code> (Discord) or <code>DISCOURSE_CONNECT_SECRET</code> (the forum)');
      // A member on their way to /me is not shown the operator's configuration keys.
      const member = await new Visitor(app).get('/login?next=%2Fme');
      expect(member.body).toContain('Signing in is not open to members yet');
      expect(member.body).not.toContain('DISCORD_CLIENT_SECRET');
    } finally {
      await app.close();
      await fw.close();
    }
  });
});
