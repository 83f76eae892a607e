/**
 * Contributions that do not happen in chat, over real HTTP on both databases: a manager's forms
 * (members found by name), an attendee list (preview, then all at once), manual awards with the
 * same rules as /award, members' submissions and their approval, and the token-guarded JSON API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, discord } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { FakeDiscord, MANAGER_ROLE_ID } from '../support/fake-discord.js';
import { testSite, type TestSite } from '../support/web.js';

const MANAGER = '600000000000000001';
const ANA = '600000000000000002';
const BEN = '600000000000000003';
const SAM1 = '600000000000000004';
const SAM2 = '600000000000000005';
const OTHER_MANAGER = '600000000000000006';
const TODAY = '2026-11-22';

let site: TestSite;
let fake: FakeDiscord;

beforeEach(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(MANAGER, 'manny', { roles: [MANAGER_ROLE_ID] });
  fake.addUser(OTHER_MANAGER, 'olga', { roles: [MANAGER_ROLE_ID] });
  fake.addUser(ANA, 'ana');
  fake.addUser(BEN, 'ben');
  site = await testSite({
    PUBLIC_URL: 'http://flywheel.test',
    ...fake.signInEnv(),
    DISCORD_MANAGER_ROLE_ID: MANAGER_ROLE_ID,
  });
  site.fw.clock.now = Date.parse(`${TODAY}T15:00:00Z`);
  const at = site.fw.clock.now - 86_400_000;
  await site.fw.ingest([
    act('member_joined', discord(ANA, { username: 'ana', displayName: 'Ana Lima' }), at),
    act('member_joined', discord(BEN, { username: 'ben', displayName: 'Ben' }), at),
    act('member_joined', discord(SAM1, { username: 'sam_w', displayName: 'Sam' }), at),
    act('member_joined', discord(SAM2, { username: 'sam_k', displayName: 'Sam' }), at),
    act('member_joined', { platform: 'discourse', externalId: '77', username: 'cora' }, at),
  ]);
});
afterEach(async () => {
  await site.close();
  await fake.stop();
});

async function signIn(userId: string): Promise<Visitor> {
  const v = new Visitor(site.app);
  expect((await v.signInWithDiscord(fake, userId)).statusCode).toBe(303);
  return v;
}
const memberOf = async (platform: string, externalId: string) => (await site.fw.db('identities').where({ platform, external_id: externalId }).first()).member_id as number;
const pointsOf = async (platform: string, externalId: string) => (await site.fw.members.profile(await memberOf(platform, externalId))).points.all;
const badgesOf = async (platform: string, externalId: string) => (await site.fw.members.profile(await memberOf(platform, externalId))).badges.map((b) => b.id);
const unescape = (html: string) => html.replace(/&(quot|#x27|#x3D|#x60|lt|gt|amp);/g, (_, e: string) => ({ quot: '"', '#x27': "'", '#x3D': '=', '#x60': '`', lt: '<', gt: '>', amp: '&' })[e]!);
const count = async (table: string) => Number((await site.fw.db(table).count({ n: '*' }).first())!.n);

describe('a manager records contributions on the site', () => {
  it('records a post by the member’s name, once, with the Author badge and an audit entry naming the manager', async () => {
    const m = await signIn(MANAGER);
    expect((await m.get('/admin/contributions')).body).toContain('Published content');
    const token = await m.csrf('/admin/contributions');
    const form = { _csrf: token, kind: 'content_published', member: 'Ana Lima', url: 'https://blog.example.org/posts/scaling/', date: '2026-11-20' };
    const res = await m.post('/admin/contributions', form);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Recorded published content for Ana Lima (+25 points).');
    expect(await pointsOf('discord', ANA)).toBe(25);
    expect(await badgesOf('discord', ANA)).toContain('author');

    // The same post again (another spelling of its link) changes nothing.
    const again = await m.post('/admin/contributions', { ...form, member: 'ana', url: 'https://BLOG.example.org/posts/scaling#comments' });
    expect(again.body).toContain('Already recorded for Ana Lima: nothing changed.');
    expect(await pointsOf('discord', ANA)).toBe(25);

    const audit = await site.fw.db('audit_log').where({ action: 'contribution_recorded' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: `discord:${MANAGER}`, subject_type: 'activity' });
    expect(audit[0].note).toContain('https://blog.example.org/posts/scaling/');
  });

  it('asks which member is meant when a name fits several, and takes the number', async () => {
    const m = await signIn(MANAGER);
    const token = await m.csrf('/admin/contributions');
    const form = { _csrf: token, kind: 'event_spoke', member: 'Sam', event: 'Community Day', date: '2026-11-21' };
    const ambiguous = await m.post('/admin/contributions', form, 'application/json');
    expect(ambiguous.statusCode).toBe(400);
    const sam2 = await memberOf('discord', SAM2);
    expect(ambiguous.json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringContaining(`#${sam2} Sam (discord: sam_k)`) });
    expect((await m.post('/admin/contributions', { ...form, member: 'nobody-like-this' }, 'application/json')).statusCode).toBe(404);
    const search = (await m.get('/admin/contributions/members?q=sam', 'application/json')).json();
    expect(search.members.map((x: { accounts: string }) => x.accounts)).toEqual(['discord: sam_w', 'discord: sam_k']);
    const ok = await m.post('/admin/contributions', { ...form, member: `#${sam2}` }, 'application/json');
    expect(ok.json()).toMatchObject({ status: 'recorded', points: 30, member: { id: sam2 } });
    expect(await badgesOf('discord', SAM2)).toContain('speaker');
    expect(await pointsOf('discord', SAM1)).toBe(0);
  });

  it('refuses bad evidence, posts without the CSRF token, members and visitors, and records nothing', async () => {
    const m = await signIn(MANAGER);
    const token = await m.csrf('/admin/contributions');
    const base = { _csrf: token, kind: 'review_written', member: 'ben', date: '2026-11-20', url: 'https://www.g2.com/products/x/reviews/1' };
    for (const [change, code] of [
      [{ url: '' }, 'invalid_parameter'],
      [{ url: 'javascript:alert(1)' }, 'invalid_parameter'],
      [{ date: '2026-13-01' }, 'invalid_parameter'],
      [{ date: '2027-06-01' }, 'invalid_parameter'],
      [{ kind: 'manual_award' }, 'invalid_parameter'],
      [{ _csrf: '' }, 'forbidden'],
    ] as const) {
      const res = await m.post('/admin/contributions', { ...base, ...change }, 'application/json');
      expect([change, res.statusCode < 500, res.json().code]).toEqual([change, true, code]);
    }
    const member = await signIn(ANA);
    expect((await member.get('/admin/contributions')).statusCode).toBe(403);
    expect((await member.post('/admin/contributions', { ...base, _csrf: await member.csrf('/me') }, 'application/json')).statusCode).toBe(403);
    const visitor = new Visitor(site.app);
    expect((await visitor.get('/admin/contributions')).headers.location).toBe('/login?next=%2Fadmin%2Fcontributions');
    expect((await visitor.post('/admin/contributions', base, 'application/json')).json()).toEqual({ error: 'sign in first', code: 'unauthorized' });
    expect(await count('audit_log')).toBe(0);
    expect(await site.fw.db('activities').where({ kind: 'review_written' })).toEqual([]);
  });

  it('records a referral once per newcomer, and a manager cannot record their own contribution', async () => {
    const m = await signIn(MANAGER);
    const token = await m.csrf('/admin/contributions');
    const referral = { _csrf: token, kind: 'member_referred', member: 'ana', referred: 'cora', date: '2026-11-19' };
    expect((await m.post('/admin/contributions', referral, 'application/json')).json()).toMatchObject({ status: 'recorded', points: 10 });
    // Someone else claiming the same newcomer: counted once.
    expect((await m.post('/admin/contributions', { ...referral, member: 'ben' }, 'application/json')).json()).toMatchObject({ status: 'already_recorded' });
    const own = await m.post('/admin/contributions', { _csrf: token, kind: 'content_published', member: 'manny', url: 'https://example.org/mine', date: '2026-11-19' }, 'application/json');
    expect(own.json()).toMatchObject({ code: 'forbidden' });
  });
});

describe('an attendee list', () => {
  const csv = [
    'Name,Email,Discord ID,Forum username,Checked in',
    `Ana Lima,ana@example.org,${ANA},,yes`,
    '"Cora, the forum one",cora@example.org,,cora,yes',
    'Dee Newcomer,dee@example.org,,,yes',
    `Ben,ben@example.org,${BEN},,yes`,
  ].join('\r\n');

  it('is previewed (nothing recorded), then recorded all at once; unmatched rows are listed; a second upload records nothing twice', async () => {
    const m = await signIn(MANAGER);
    const token = await m.csrf('/admin/contributions');
    const form = { _csrf: token, kind: 'event_attended', event: 'Berlin Meetup #4', date: '2026-11-18', csv };
    const preview = await m.post('/admin/contributions/attendees/preview', form);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('3 rows match a member, 1 match nobody');
    expect(preview.body).toContain('only an email: Flywheel does not know members’ emails');
    expect(await site.fw.db('activities').where({ kind: 'event_attended' })).toEqual([]);

    // The preview's form carries the list on; confirming records the matched rows.
    const carried = unescape(preview.body.match(/<textarea name="csv" hidden readonly>([\s\S]*?)<\/textarea>/)![1]!);
    expect(carried).toBe(csv);
    const done = await m.post('/admin/contributions/attendees', { ...form, csv: carried, _csrf: await m.csrf('/admin/contributions') }, 'application/json');
    expect(done.json()).toEqual({ recorded: 3, alreadyRecorded: 0, unmatched: [{ line: 4, name: 'Dee Newcomer', why: 'only an email: Flywheel does not know members’ emails' }] });
    expect(await pointsOf('discord', ANA)).toBe(3);
    expect(await pointsOf('discourse', '77')).toBe(3);

    const again = await m.post('/admin/contributions/attendees', { ...form, _csrf: await m.csrf('/admin/contributions') }, 'application/json');
    expect(again.json()).toMatchObject({ recorded: 0, alreadyRecorded: 3 });
    expect(await site.fw.db('activities').where({ kind: 'event_attended' })).toHaveLength(3);
  });

  it('refuses a list with no column to match on, or with a bad date, and records nothing', async () => {
    const m = await signIn(MANAGER);
    const token = await m.csrf('/admin/contributions');
    const noColumns = await m.post('/admin/contributions/attendees', { _csrf: token, event: 'X', date: '2026-11-18', csv: 'Name,Ticket\nAna,1' }, 'application/json');
    expect(noColumns.json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^csv: expected a header row/) });
    const badDate = await m.post('/admin/contributions/attendees', { _csrf: token, event: 'X', date: 'yesterday', csv }, 'application/json');
    expect(badDate.json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^date:/) });
    expect(await site.fw.db('activities').where({ kind: 'event_attended' })).toEqual([]);
  });
});

describe('manual awards on the site', () => {
  it('follow the same rules as /award: limits, a reason, no self-award; the form’s id makes a resubmission count once', async () => {
    const m = await signIn(MANAGER);
    const token = await m.csrf('/admin/contributions');
    const origin = '4b1f0c51-3e0e-4a4e-9a57-0e6d1f1f6b8a';
    const award = { _csrf: token, member: 'ben', points: '50', reason: 'ran the hack night', space: '', origin };
    expect((await m.post('/admin/contributions/award', award)).body).toContain('Awarded +50 points (success) to Ben: “ran the hack night”.');
    expect((await m.post('/admin/contributions/award', award)).body).toContain('That award was already recorded');
    expect(await pointsOf('discord', BEN)).toBe(50);
    for (const [change, code] of [
      [{ points: '1001' }, 'invalid_parameter'],
      [{ points: '0' }, 'invalid_parameter'],
      [{ reason: 'x' }, 'invalid_parameter'],
      [{ member: 'manny' }, 'forbidden'],
    ] as const) {
      const res = await m.post('/admin/contributions/award', { ...award, ...change, origin: '9e4a1c2b-1111-4c4c-8d8d-222233334444' }, 'application/json');
      expect([change, res.json().code]).toEqual([change, code]);
    }
    expect(await pointsOf('discord', BEN)).toBe(50);
    expect(await site.fw.db('audit_log').where({ action: 'manual_award' }).pluck('actor')).toEqual([`discord:${MANAGER}`]);
  });
});

describe('a member’s own submission', () => {
  it('waits for a manager, is recorded on approval, and the member sees it on /me', async () => {
    const ana = await signIn(ANA);
    const token = await ana.csrf('/me');
    const submit = { _csrf: token, kind: 'review_written', url: 'https://www.g2.com/products/flywheel/reviews/42', date: '2026-11-21', note: 'my honest review', origin: '0f8fad5b-d9cb-469f-a165-70867728950e' };
    expect((await ana.post('/me/contributions', submit)).headers.location).toBe('/me?submitted=1#contributions');
    expect((await ana.post('/me/contributions', submit)).statusCode).toBe(303); // a double click submits once
    expect(await count('contribution_submissions')).toBe(1);
    const mine = (await ana.get('/me')).body;
    expect(mine).toContain('waiting for review');
    // The day it happened, not the day helper's text of its own options.
    expect(mine).toContain('<td>2026-11-21</td>');
    expect(mine).not.toContain('[object');
    expect(await pointsOf('discord', ANA)).toBe(0);

    // She cannot approve it herself; a manager can.
    const id = (await site.fw.db('contribution_submissions').first()).id as number;
    expect((await ana.post(`/admin/submissions/${id}/approve`, { _csrf: token }, 'application/json')).statusCode).toBe(403);
    const m = await signIn(MANAGER);
    const queue = await m.get('/admin/submissions');
    expect(queue.body).toContain('https://www.g2.com/products/flywheel/reviews/42');
    expect(queue.body).toContain('my honest review');
    const approved = await m.post(`/admin/submissions/${id}/approve`, { _csrf: await m.csrf('/admin/submissions') }, 'application/json');
    expect(approved.json()).toMatchObject({ submission: { status: 'approved' }, recorded: { status: 'recorded', points: 15 } });
    expect(await pointsOf('discord', ANA)).toBe(15);
    const review = await site.fw.db('awards').where({ kind: 'review_written' }).first();
    expect(review).toMatchObject({ space: 'acquisition', role: 'producer', points: 15 });
    expect((await ana.get('/me')).body).toContain('approved — it counts');
    expect((await m.post(`/admin/submissions/${id}/decline`, { _csrf: await m.csrf('/admin/contributions') }, 'application/json')).statusCode).toBe(409);
    expect(await site.fw.db('audit_log').where({ action: 'submission_approved' }).pluck('actor')).toEqual([`discord:${MANAGER}`]);
  });

  it('is declined with a note the member reads; a manager’s own submission needs another manager', async () => {
    const ana = await signIn(ANA);
    await ana.post('/me/contributions', { _csrf: await ana.csrf('/me'), kind: 'event_spoke', event: 'Nowhere Conf', date: '2026-11-21' });
    const m = await signIn(MANAGER);
    await m.post('/me/contributions', { _csrf: await m.csrf('/me'), kind: 'content_published', url: 'https://example.org/manny', date: '2026-11-21' });
    const [anas, mannys] = await site.fw.db('contribution_submissions').orderBy('id').pluck('id');
    const token = await m.csrf('/admin/submissions');
    expect((await m.post(`/admin/submissions/${anas}/decline`, { _csrf: token, note: 'we could not find this talk' })).statusCode).toBe(303);
    expect((await ana.get('/me')).body).toContain('not approved: <span class="said">we could not find this talk</span>');
    expect((await m.post(`/admin/submissions/${mannys}/approve`, { _csrf: token }, 'application/json')).json()).toMatchObject({ code: 'forbidden' });
    const olga = await signIn(OTHER_MANAGER);
    expect((await olga.post(`/admin/submissions/${mannys}/approve`, { _csrf: await olga.csrf('/admin/submissions') }, 'application/json')).json()).toMatchObject({ recorded: { status: 'recorded', points: 25 } });
    expect(await pointsOf('discord', ANA)).toBe(0);
  });

  it('refuses a submission without a date or evidence, and a visitor', async () => {
    const ana = await signIn(ANA);
    const token = await ana.csrf('/me');
    expect((await ana.post('/me/contributions', { _csrf: token, kind: 'content_published', date: '2026-11-21' }, 'application/json')).json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^url:/) });
    expect((await ana.post('/me/contributions', { _csrf: token, kind: 'member_referred', date: '2026-11-21' }, 'application/json')).json()).toMatchObject({ code: 'invalid_parameter' });
    // A day outside the accepted range is refused at the door, naming the date: stored, it could never be approved.
    for (const date of ['1979-12-31', '1970-01-01', '2026-11-25'])
      expect((await ana.post('/me/contributions', { _csrf: token, kind: 'content_published', url: 'https://example.org/old', date }, 'application/json')).json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^date: expected a day from 1980-01-01/) });
    expect((await new Visitor(site.app).post('/me/contributions', { kind: 'content_published' }, 'application/json')).json()).toEqual({ error: 'sign in first', code: 'unauthorized' });
    expect(await count('contribution_submissions')).toBe(0);
  });
});

describe('the contributions API', () => {
  const call = (token: string | null, payload: unknown) =>
    site.app.inject({ method: 'POST', url: '/api/v1/contributions', headers: token ? { authorization: `Bearer ${token}` } : {}, payload: payload as object });

  it('records with a token a manager created (shown once, stored as a hash), refuses unknown and revoked tokens', async () => {
    const m = await signIn(MANAGER);
    const created = await m.post('/admin/tokens', { _csrf: await m.csrf('/admin/tokens'), name: 'Luma check-ins' });
    const token = created.body.match(/<code id="new-token">([^<]+)<\/code>/)![1]!;
    expect((await m.get('/admin/tokens')).body).not.toContain(token);
    expect(JSON.stringify(await site.fw.db('api_tokens').select('*'))).not.toContain(token);

    const one = { kind: 'event_attended', member: { discordId: ANA }, event: 'Launch party', date: '2026-11-21' };
    const first = await call(token, one);
    expect([first.statusCode, first.json()]).toEqual([201, { key: expect.any(String), status: 'recorded', points: 3, member: { id: await memberOf('discord', ANA), name: 'Ana Lima' } }]);
    const retried = await call(token, one);
    expect([retried.statusCode, retried.json().status]).toEqual([200, 'already_recorded']);
    expect(await site.fw.db('audit_log').where({ action: 'contribution_recorded' }).pluck('actor')).toEqual([expect.stringMatching(/^api token #\d+ \(Luma check-ins\)$/)]);

    // A batch is all or nothing: one unknown member refuses it whole.
    const batch = await call(token, { contributions: [{ ...one, member: { forumUsername: 'CORA' } }, { ...one, member: { discordUsername: 'nobody' } }] });
    expect([batch.statusCode, batch.json()]).toEqual([404, { error: 'contributions[1].member: no member with Discord username nobody', code: 'not_found' }]);
    expect(await pointsOf('discourse', '77')).toBe(0);
    expect((await call(token, { ...one, kind: 'bogus' })).json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^kind: expected one of content_published/) });
    expect((await call(token, { contributions: [{ ...one, kind: 'bogus' }] })).json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^contributions.0.kind: expected one of/) });

    expect((await call(null, one)).json()).toEqual({ error: 'send an API token: Authorization: Bearer <token>', code: 'unauthorized' });
    expect((await call('fw_not-a-token', one)).statusCode).toBe(401);
    const id = (await site.fw.db('api_tokens').first()).id;
    expect((await m.post(`/admin/tokens/${id}/revoke`, { _csrf: await m.csrf('/admin/tokens') })).statusCode).toBe(303);
    const revoked = await call(token, { ...one, event: 'Another party' });
    expect([revoked.statusCode, revoked.json()]).toEqual([403, { error: 'this API token was revoked', code: 'forbidden' }]);
    expect(await site.fw.db('audit_log').whereIn('action', ['api_token_created', 'api_token_revoked']).pluck('action')).toEqual(['api_token_created', 'api_token_revoked']);
  });

  it('counts what the team records in full, past the daily cap that limits chat', async () => {
    const token = (await site.fw.contributions.createToken('feedback board', { memberId: null, label: 'test' })).token;
    const feedback = Array.from({ length: 45 }, (_, i) => ({ kind: 'feedback_submitted', member: { name: 'ben' }, title: `Idea number ${i}`, date: '2026-11-21' }));
    expect((await call(token, { contributions: feedback })).statusCode).toBe(201);
    expect(await pointsOf('discord', BEN)).toBe(225);
  });
});
