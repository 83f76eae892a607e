/**
 * The team's pages as a manager works in them (issue 27): members found by name wherever one is
 * asked for (a name that fits several answers with a page to pick from), names instead of ids,
 * a confirmation step before every final decision, the open-questions list paged with titles,
 * and the fair-play queue limited to what matters — on SQLite and on PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityInput, IdentityRef } from '../../src/domain/activity.js';
import { groupBadges } from '../../src/app/champions.js';
import { act, discord, thanks } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { testSite, type TestSite } from '../support/web.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
const T = Date.parse('2026-11-02T10:00:00Z');
const ana = discord('11', { username: 'ana', displayName: 'Ana Lima' });
const ana2 = discord('12', { username: 'ana_s', displayName: 'Ana Souza' });
const ben = discord('13', { username: 'ben', displayName: 'Ben Okoro' });

let site: TestSite;
let admin: Visitor;

beforeEach(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD });
  site.fw.clock.now = T + 20 * DAY;
  await site.fw.ingest([ana, ana2, ben].map((m) => act('member_joined', m, T - 30 * DAY)));
  admin = new Visitor(site.app);
  await admin.signInWithPassword(PASSWORD);
});
afterEach(() => site.close());

const idOf = async (m: IdentityRef) => (await site.fw.members.lookup('discord', m.externalId)).id;
const section = (body: string, attr: string) => body.match(new RegExp(`<section[^>]*${attr}[^>]*>[\\s\\S]*?</section>`))?.[0] ?? '';

describe('nominating by name', () => {
  it('takes a name, says what happened, and shows the nomination by name with its badges by name', async () => {
    await site.fw.ingest([act('question_asked', ben, T, { subject: 'q1' })]);
    const csrf = await admin.csrf('/admin/nominations');
    const res = await admin.post('/admin/nominations', { _csrf: csrf, member: 'ben', reason: 'Welcomes every newcomer by name', space: 'support' });
    expect(res.statusCode).toBe(303);
    const page = await admin.get(res.headers.location as string);
    expect(page.body).toContain('Ben Okoro is nominated');
    const card = section(page.body, 'data-nomination=');
    expect(card).toContain(`<a href="/members/${await idOf(ben)}" class="said">Ben Okoro</a>`);
    // The badge's name, never its id.
    expect(card).toContain('Badges: <span class="badge-name">Curious Mind</span>');
    expect(card).not.toContain('first-question');
    // A JSON client gets JSON: the outcome, and the decision.
    const json = await admin.post('/admin/nominations', { _csrf: csrf, member: 'Ana Souza', reason: 'Patient with every beginner question', space: 'support' }, 'application/json');
    expect(json.json()).toMatchObject({ outcome: 'nominated', kind: 'nomination', nominationId: expect.any(Number) });
    const decided = await admin.post(`/admin/nominations/${json.json().nominationId}/decline`, { _csrf: csrf, note: 'not yet' }, 'application/json');
    expect(decided.json()).toEqual({ id: json.json().nominationId, decision: 'declined' });
    // The form asks for a name, not a number.
    expect(page.body).toContain('Member (a name, a username or #number)');
    expect(page.body).not.toContain('Member id');
  });

  it('answers a name that fits several members with a page to pick one, which nominates with one click', async () => {
    const csrf = await admin.csrf('/admin/nominations');
    const form = { _csrf: csrf, member: 'ana', reason: 'Answers every question within the hour', space: 'support', evidence: '' };
    // `ana` is Ana Lima's username exactly: one member, no question asked.
    expect((await admin.post('/admin/nominations', { ...form, member: 'Ana' })).statusCode).toBe(303);
    const pick = await admin.post('/admin/nominations', { ...form, member: 'Souza Lima' });
    // The error page leads back to the form it came from (never to another site).
    const back = await site.app.inject({ method: 'POST', url: '/admin/nominations', headers: { accept: 'text/html', cookie: admin.cookieHeader, referer: 'http://localhost:3000/admin/nominations?x=1', host: 'localhost:3000', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...form, member: 'Souza Lima' }).toString() });
    expect(back.body).toContain('<a href="/admin/nominations?x&#x3D;1">Back to the form</a>');
    const elsewhere = await site.app.inject({ method: 'POST', url: '/admin/nominations', headers: { accept: 'text/html', cookie: admin.cookieHeader, referer: 'https://evil.example/x', host: 'localhost:3000', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ ...form, member: 'Souza Lima' }).toString() });
    expect(elsewhere.body).not.toContain('evil.example');
    expect(pick.statusCode).toBe(404);
    expect(pick.body).toContain('no member is called “Souza Lima”');

    // "an" fits both Anas (and nobody else).
    const ambiguous = await admin.post('/admin/nominations', { ...form, member: 'an', reason: 'Patient with every beginner question' });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.body).toContain('<h1>Which member?</h1>');
    const [souza, lima] = [await idOf(ana2), await idOf(ana)];
    for (const [id, name] of [[lima, 'Ana Lima'], [souza, 'Ana Souza']] as const) {
      expect(ambiguous.body).toContain(`<input type="hidden" name="member" value="#${id}">`);
      expect(ambiguous.body).toContain(`This one: <span class="said">${name}</span>`);
    }
    // What the manager typed travels with each choice; nothing was recorded yet.
    expect(ambiguous.body).toContain('<input type="hidden" name="reason" value="Patient with every beginner question">');
    expect(await site.fw.db('nominations').where({ member_id: souza })).toHaveLength(0);
    const choice = ambiguous.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const chosen = await admin.post('/admin/nominations', { _csrf: choice, member: `#${souza}`, reason: 'Patient with every beginner question', space: 'support', evidence: '' });
    expect(chosen.statusCode).toBe(303);
    expect(await site.fw.db('nominations').where({ member_id: souza })).toHaveLength(1);

    // A JSON client gets the error as JSON, naming the matches.
    const json = await admin.post('/admin/nominations', { ...form, member: 'an' }, 'application/json');
    expect(json.json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringContaining(`#${lima} Ana Lima`) });
  });

  it('offers the same choice on the contributions forms (a manual award by an ambiguous name)', async () => {
    const csrf = await admin.csrf('/admin/contributions');
    const res = await admin.post('/admin/contributions/award', { _csrf: csrf, member: 'an', points: '10', reason: 'Ran the meetup' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Which member?');
    expect(res.body).toContain('<input type="hidden" name="points" value="10">');
    expect(res.body).toContain(`action="/admin/contributions/award"`);
  });
});

describe('an attendee list’s unmatched rows', () => {
  it('are named by the manager, checked again (a name fitting several says so), and recorded with the rest', async () => {
    const csv = ['Name,Email,Discord ID', 'Ben,ben@example.org,13', 'Ana at the door,,', 'Dee Newcomer,dee@example.org,'].join('\n');
    const csrf = await admin.csrf('/admin/contributions');
    const form = { _csrf: csrf, kind: 'event_attended', event: 'Lisbon meetup', date: '2026-11-18', csv };
    const first = await admin.post('/admin/contributions/attendees/preview', form);
    expect(first.body).toContain('1 row matches a member, 2 match nobody');
    expect(first.body).toContain('<input name="pick_3" form="repreview" value=""');
    // Line 3 is "Ana" (two members), line 4 is nobody the manager can name.
    const again = await admin.post('/admin/contributions/attendees/preview', { ...form, pick_3: 'an', pick_4: 'Dee' });
    expect(again.body).toContain('“an” fits several members: #');
    expect(again.body).toContain('no member is called “Dee”');
    const souza = await idOf(ana2);
    const named = await admin.post('/admin/contributions/attendees/preview', { ...form, pick_3: `#${souza}` });
    expect(named.body).toContain('2 rows match a member, 1 match nobody');
    expect(named.body).toContain('named by you');
    expect(named.body).toContain(`<input type="hidden" form="record" name="pick_3" value="#${souza}">`);
    expect(await site.fw.db('activities').where({ kind: 'event_attended' })).toEqual([]);
    const recorded = await admin.post('/admin/contributions/attendees', { ...form, pick_3: `#${souza}` });
    expect(recorded.body).toContain('Recorded 2 members; 1 row matched nobody and was left out');
    expect((await site.fw.db('activities').where({ kind: 'event_attended' }).pluck('member_id')).sort()).toEqual([await idOf(ben), souza].sort());
  });
});

describe('final decisions ask to confirm', () => {
  it('approve and decline are two different, confirmed steps on nominations, submissions, champions and tokens', async () => {
    await site.fw.champions.nominate({ member: ben, by: ana, as: 'nomination', reason: 'Kind to every newcomer, every day', space: 'support', evidence: [], origin: 't1' });
    const page = (await admin.get('/admin/nominations')).body;
    const card = section(page, 'data-nomination=');
    // Each decision sits behind a summary that opens it; the button inside says what it does.
    expect(card).toMatch(/<details class="confirm">\s*<summary class="action approve">Approve…<\/summary>\s*<form method="post" action="\/admin\/nominations\/\d+\/approve"[\s\S]*?<button type="submit" class="approve">Yes, approve <span class="said">Ben Okoro<\/span><\/button>/);
    expect(card).toMatch(/<details class="confirm">\s*<summary class="action decline">Decline…<\/summary>\s*<form method="post" action="\/admin\/nominations\/\d+\/decline"[\s\S]*?<button type="submit" class="decline">Yes, decline this nomination<\/button>/);

    const csrf = await admin.csrf('/admin/tokens');
    await admin.post('/admin/tokens', { _csrf: csrf, name: 'Luma check-ins' });
    expect((await admin.get('/admin/tokens')).body).toMatch(/<details class="confirm"><summary class="action decline">Revoke…<\/summary><form method="post" action="\/admin\/tokens\/\d+\/revoke"/);
    expect((await admin.get('/admin/audit')).body).toContain('api token created “<span class="said">Luma check-ins</span>”');
  });
});

describe('/admin/submissions', () => {
  it('shows who submitted what and for which day, linked to the member', async () => {
    await site.fw.contributions.submit({ memberId: await idOf(ben), kind: 'event_spoke', evidence: { day: '2026-11-18', event: 'Lisbon meetup' }, origin: 's1' });
    const card = section((await admin.get('/admin/submissions')).body, 'data-submission=');
    expect(card).toContain(`<a href="/members/${await idOf(ben)}" class="said">Ben Okoro</a>`);
    expect(card).toContain('a talk on 2026-11-18 · submitted');
    expect(card).not.toContain('[object');
  });
});

describe('/admin/insights: open questions', () => {
  it('pages the open questions 20 at a time, with their titles and links, and says how many there are', async () => {
    const questions: ActivityInput[] = Array.from({ length: 45 }, (_, i) =>
      act('question_asked', i % 2 ? ana : ben, T + i * 60_000, { key: `q${i}`, subject: `q${i}`, payload: { title: `Question number ${i}` }, url: `https://forum.example.org/t/${i}` }),
    );
    await site.fw.ingest(questions);
    const first = await admin.get('/admin/insights');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Open, unanswered questions <span class="count">(45)</span>');
    expect(first.body).toContain('1–20 of 45');
    expect(first.body).toContain('<a href="https://forum.example.org/t/0" rel="nofollow noopener"><span class="said">Question number 0</span></a>');
    expect(first.body).toContain('Question number 19<');
    expect(first.body).not.toContain('Question number 20<');
    expect(first.body.replaceAll('&#x3D;', '=')).toContain('href="/admin/insights?open=2#open"');
    const last = await admin.get('/admin/insights?open=3');
    expect(last.body).toContain('41–45 of 45');
    expect(last.body).toContain('Question number 44<');
    expect(last.body).not.toContain('Question number 39<');
    expect(last.body).toContain('Page 3 of 3');
    expect((await admin.get('/admin/insights?open=zero', 'application/json')).json()).toMatchObject({ code: 'invalid_parameter' });
  });
});

describe('the fair-play queue', () => {
  /** `payer` asks `n` questions that `member` answers and `payer` accepts: 20 points paid each. */
  const accepted = (n: number, payer: IdentityRef, member: IdentityRef, start: number): ActivityInput[] =>
    Array.from({ length: n }, (_, i) => {
      const q = `${payer.externalId}-${member.externalId}-${i}`;
      const at = start + i * 8 * DAY;
      return [
        act('question_asked', payer, at, { key: q, subject: q }),
        act('answer_posted', member, at + 60_000, { key: `${q}:a`, subject: q, counterpart: payer }),
        act('answer_accepted', member, at + 120_000, { key: `${q}:ok`, subject: q, counterpart: payer }),
      ];
    }).flat();

  it('lists only material cases, ignores staff paying, orders by weight, counts, confirms what was done, and answers JSON clients with JSON', async () => {
    const ring = [discord('21', { displayName: 'Ring A' }), discord('22', { displayName: 'Ring B' }), discord('23', { displayName: 'Ring C' })];
    const staff = discord('30', { displayName: 'Sam (team)', isStaff: true });
    const small = discord('31', { displayName: 'Small Fry' });
    const helped = discord('32', { displayName: 'Helped By Staff' });
    const start = T - 100 * DAY;
    site.fw.clock.now = T + 20 * DAY;
    await site.fw.ingest([...[...ring, staff, small, helped].map((m) => act('member_joined', m, start - DAY))]);
    await site.fw.ingest([
      // Ring B is paid a lot by Ring A alone; Ring C a little less; both are material.
      ...accepted(3, ring[0]!, ring[1]!, start),
      ...accepted(2, ring[0]!, ring[2]!, start + DAY),
      // Small Fry has points of its own, and one thank-you from one member: 100% concentrated, but 5 points.
      act('content_published', small, start, { key: 'post', url: 'https://blog.example.org/small' }),
      ...thanks(ben, small, start + 4 * DAY),
      // Helped By Staff is paid only by staff: trusted, not a ring.
      ...accepted(3, staff, helped, start),
    ]);
    const page = await admin.get('/admin/fair-play');
    expect(page.statusCode).toBe(200);
    const listed = [...page.body.matchAll(/<section class="card" data-member="(\d+)">\s*<h3><a href="\/members\/\d+" class="said">([^<]+)<\/a>/g)].map((m) => m[2]);
    expect(listed).toEqual(['Ring B', 'Ring C']);
    expect(page.body).toContain('To review <span class="count">(2)</span>');
    // The overview says how many wait.
    expect((await admin.get('/admin')).body).toContain('2 members to review for fair play');

    // Exclude from the card: a 303 back, then the page says what happened.
    const csrf = await admin.csrf('/admin/fair-play');
    const ringB = await idOf(ring[1]!);
    const done = await admin.post(`/admin/fair-play/${ringB}/exclude`, { _csrf: csrf, reason: 'paid by one account only' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/admin/fair-play?done=excluded&member=${ringB}`);
    expect((await admin.get(done.headers.location as string)).body).toContain('<p class="notice" role="status">Ring B is excluded from the boards');
    // A JSON client gets JSON, both ways.
    const json = await admin.post(`/admin/fair-play/${ringB}/reinstate`, { _csrf: csrf, note: 'talked' }, 'application/json');
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ member: ringB, excluded: false });
    // Someone not in the queue, by name.
    const byName = await admin.post('/admin/fair-play/exclude', { _csrf: csrf, member: 'Small Fry', reason: 'sock puppet, reported' }, 'application/json');
    expect(byName.json()).toEqual({ member: await idOf(small), excluded: true });
    expect((await admin.get('/admin/fair-play')).body).toContain('Excluded members <span class="count">(1)</span>');
    // The audit log names whom each step was about.
    const audit = (await admin.get('/admin/audit')).body;
    expect(audit).toContain(`excluded <a href="/members/${ringB}" class="said">Ring B</a></td>`);
    expect(audit).toContain(`reinstated <a href="/members/${ringB}" class="said">Ring B</a></td>`);
  });

  it('pages a long queue 20 at a time', async () => {
    const payers = Array.from({ length: 23 }, (_, i) => discord(String(100 + i), { displayName: `Payer ${i}` }));
    const paid = Array.from({ length: 23 }, (_, i) => discord(String(200 + i), { displayName: `Paid ${i}` }));
    const start = T - 100 * DAY;
    await site.fw.ingest([...payers, ...paid].map((m) => act('member_joined', m, start - DAY)));
    await site.fw.ingest(paid.flatMap((m, i) => accepted(2 + (i % 2), payers[i]!, m, start)));
    const first = await admin.get('/admin/fair-play');
    expect(first.body).toContain('To review <span class="count">(23)</span>');
    expect(first.body).toContain('Showing 1–20 of 23');
    expect(first.body.match(/<section class="card" data-member=/g)).toHaveLength(20);
    const second = await admin.get('/admin/fair-play?page=2');
    expect(second.body.match(/<section class="card" data-member=/g)).toHaveLength(3);
    expect(second.body).toContain('Page 2 of 2');
  });
});

describe('badges on a nomination card', () => {
  it('are named once each, with how many times they were earned, most recent first', () => {
    const catalog = [
      { id: 'podium', name: 'Podium' },
      { id: 'first-question', name: 'Curious Mind' },
    ];
    expect(groupBadges(['podium', 'first-question', 'podium', 'podium', 'gone-badge'], catalog)).toEqual([
      { id: 'podium', name: 'Podium', count: 3 },
      { id: 'first-question', name: 'Curious Mind', count: 1 },
      { id: 'gone-badge', name: 'gone-badge', count: 1 },
    ]);
  });
});
