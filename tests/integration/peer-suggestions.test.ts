/**
 * A signed-in member suggests a peer as a champion by name, from their own page: one visible
 * member fitting the name takes the suggestion; several are listed to pick from; a hidden member
 * is never found nor listed (a member is not a manager); their own name is refused; a name that
 * fits nobody, or no name at all, answers a friendly page and writes nothing — on SQLite and on
 * PostgreSQL, through the real site and the real Discord sign-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityRef } from '../../src/domain/activity.js';
import { act, discord } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { testSite, type TestSite } from '../support/web.js';

const T = Date.parse('2026-11-02T10:00:00Z');
const ME = '5001';
const forum = (id: string, extra: Partial<IdentityRef>): IdentityRef => ({ platform: 'discourse', externalId: id, ...extra });
const samKim = discord('6001', { username: 'sam_k', displayName: 'Sam Kim' });
const samLee = forum('7001', { username: 'slee', displayName: 'Sam Lee' });
const samHidden = discord('6002', { username: 'sam_h', displayName: 'Sam Hidden' });
const quinn = discord('6003', { username: 'quinn', displayName: 'Quinn Hart' });
const REASON = 'Answers every newcomer kindly, every single week';

let site: TestSite;
let fake: FakeDiscord;
let me: Visitor;

beforeEach(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(ME, 'mira');
  site = await testSite({ PUBLIC_URL: 'http://flywheel.test', ...fake.signInEnv() });
  site.fw.config.champions.memberSuggestions = true;
  site.fw.clock.now = T;
  await site.fw.ingest([samKim, samLee, samHidden, quinn].map((m) => act('member_joined', m, T - 86_400_000)));
  await site.fw.members.setHidden(samHidden, true);
  await site.fw.members.setHidden(quinn, true);
  me = new Visitor(site.app);
  await me.signInWithDiscord(fake, ME);
});
afterEach(async () => {
  await site.close();
  await fake.stop();
});

const idOf = async (m: IdentityRef): Promise<number> => (await site.fw.db('identities').where({ platform: m.platform, external_id: m.externalId }).first()).member_id;
const suggested = async () => (await site.fw.db('nominations').select('kind', 'member_id')) as Array<{ kind: string; member_id: number }>;
const suggest = async (member: string, extra: Record<string, string> = {}) => me.post('/me/suggestions', { _csrf: await me.csrf('/me'), member, reason: REASON, space: 'support', ...extra });

describe('suggesting a champion by name from /me', () => {
  it('asks for a name, not a number', async () => {
    const page = (await me.get('/me')).body;
    const form = page.match(/<form method="post" action="\/me\/suggestions[^"]*"[\s\S]*?<\/form>/)?.[0] ?? '';
    expect(form).toContain('name="member"');
    expect(form).not.toContain('Member id');
    expect(form).not.toContain('inputmode="numeric"');
    expect(form).toMatch(/<label[^>]*>\s*Their name/);
  });

  it('records the suggestion for the one visible member a name fits, on any platform, and says so', async () => {
    const res = await suggest('sam_k');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/me?suggested=1#suggest');
    expect(await suggested()).toEqual([{ kind: 'suggestion', member_id: await idOf(samKim) }]);
    // The forum's display name finds the forum member.
    expect((await suggest('Sam Lee')).statusCode).toBe(303);
    const queue = await site.fw.champions.queue();
    expect(queue.map((n) => [n.memberId, n.kind]).sort()).toEqual([
      [await idOf(samKim), 'suggestion'],
      [await idOf(samLee), 'suggestion'],
    ]);
    expect((await me.get('/me?suggested=1')).body).toContain('Thank you — the community team will look at your suggestion.');
  });

  it('lists the visible members several fit (never a hidden one), and records the one picked', async () => {
    const res = await suggest('sam');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<h1>Which member?</h1>');
    const [kim, lee, hidden] = [await idOf(samKim), await idOf(samLee), await idOf(samHidden)];
    expect(res.body).toContain(`<input type="hidden" name="member" value="#${kim}">`);
    expect(res.body).toContain(`<input type="hidden" name="member" value="#${lee}">`);
    expect(res.body).toContain('This one: <span class="said">Sam Kim</span>');
    expect(res.body).toContain('discourse: slee');
    expect(res.body).toContain('class="avatar"');
    expect(res.body).not.toContain('Sam Hidden');
    expect(res.body).not.toContain('sam_h');
    expect(res.body).not.toContain(`#${hidden}"`);
    expect(await suggested()).toEqual([]);
    // The choice keeps what was typed: the reason and the space go with the picked member.
    expect(res.body).toContain(`<input type="hidden" name="reason" value="${REASON}">`);
    const csrf = res.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const picked = await me.post('/me/suggestions', { _csrf: csrf, member: `#${lee}`, reason: REASON, space: 'support' });
    expect(picked.statusCode).toBe(303);
    expect(await suggested()).toEqual([{ kind: 'suggestion', member_id: lee }]);
  });

  it('never finds a hidden member: by name, by their number, nor among several', async () => {
    const byName = await suggest('Quinn Hart');
    const nobody = await suggest('Nobody Atall');
    expect(byName.statusCode).toBe(404);
    expect(nobody.statusCode).toBe(404);
    // Told the same way as a name nobody has: nothing says a hidden member is there.
    const problem = (body: string) => body.match(/<p class="problem[^"]*"[^>]*>([\s\S]*?)<\/p>/)?.[1];
    expect(problem(nobody.body)).toContain('No member is called “Nobody Atall”');
    expect(problem(byName.body)?.replace('Quinn Hart', 'Nobody Atall')).toBe(problem(nobody.body));
    expect((await suggest('sam_h')).statusCode).toBe(404);
    expect((await suggest(`#${await idOf(quinn)}`)).statusCode).toBe(404);
    // The choose page a second search for 'quinn' alone would show: none, quinn is hidden.
    expect((await suggest('quin')).body).not.toContain('Quinn');
    expect(await suggested()).toEqual([]);
  });

  it('keeps what the member typed when the name fits nobody', async () => {
    const res = await suggest('Nobody Atall');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('No member is called “Nobody Atall”');
    expect(res.body).toMatch(/<input[^>]*name="member"[^>]*value="Nobody Atall"/);
    expect(res.body).toContain(`>${REASON}</textarea>`);
    expect(await suggested()).toEqual([]);
  });

  it('refuses the member’s own name with the rule’s own words', async () => {
    const res = await suggest('mira');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('nobody nominates themself');
    expect(await suggested()).toEqual([]);
  });

  it('answers an empty or overlong name with a friendly 400 page, writing nothing', async () => {
    for (const name of ['', '   ', 'x'.repeat(201)]) {
      const res = await suggest(name);
      expect([name.length, res.statusCode]).toEqual([name.length, 400]);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('member: expected their name');
      expect(res.body).not.toMatch(/at .+\.ts:\d+/);
    }
    expect(await suggested()).toEqual([]);
  });

  it('still takes a member id from other pages and JSON clients, and answers JSON with { error, code }', async () => {
    const json = await me.post('/me/suggestions', { _csrf: await me.csrf('/me'), member: 'Nobody Atall', reason: REASON }, 'application/json');
    expect(json.statusCode).toBe(404);
    expect(json.json()).toMatchObject({ code: 'not_found' });
    expect((await me.post('/me/suggestions', { _csrf: await me.csrf('/me'), member: String(await idOf(quinn)), reason: REASON }, 'application/json')).statusCode).toBe(404);
    // A number past any id is nobody's (PostgreSQL's integer would refuse it with a 500).
    for (const huge of ['99999999999', '#99999999999']) expect([huge, (await suggest(huge)).statusCode]).toEqual([huge, 404]);
    expect((await suggest(String(await idOf(samKim)))).statusCode).toBe(303);
    expect(await suggested()).toEqual([{ kind: 'suggestion', member_id: await idOf(samKim) }]);
  });
});
