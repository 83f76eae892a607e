/**
 * Hostile input: thousands of generated malformed, oversized, wrongly typed bodies and query
 * strings against every route the app serves — no 5xx, every refusal a 4xx with { error, code } —
 * plus the admin guard matrix over every admin route the app registers, concurrency on one member,
 * and rate limits.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/discourse/signature.js';
import { Visitor } from '../support/browser-session.js';
import { act, discord } from '../support/builders.js';
import { testSite, type TestSite } from '../support/web.js';

const SECRET = 'webhook-secret-123';
let site: TestSite;
let signedIn: Visitor;

beforeAll(async () => {
  site = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, ADMIN_PASSWORD: 'correct horse battery staple' });
  // Signed in before the fuzzing below uses up the sign-in rate limit.
  signedIn = new Visitor(site.app);
  await signedIn.signInWithPassword('correct horse battery staple');
  await site.fw.ingest([act('answer_accepted', discord('1', { displayName: 'Ana' }), site.fw.clock.now, { counterpart: discord('2') })]);
});
afterAll(() => site.close());

const hostile = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom("' OR 1=1 --", '<script>alert(1)</script>', '\u202Eevil\u202C', '../../etc/passwd', '%00', '{{constructor}}', '__proto__', 'null', '-1', '1e309', '9'.repeat(400)),
  fc.integer().map(String),
);
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"post":', '[]', 'null', '{"like":{"post":{},"user":{}}}', '{"__proto__":{"x":1}}'),
  fc.dictionary(fc.constantFrom('post', 'topic', 'like', 'solved', 'user', 'password', '_csrf', 'code', 'member', 'reason'), fc.anything({ maxDepth: 2 })).map((o) => JSON.stringify(o)),
);

// Times outside the accepted range (1980-01-01 to one day after now), on every time field the HTTP
// surface accepts: webhook created_at fields, board days, insights months.
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-22T12:00:00Z'); // the test clock
const EARLIEST = Date.UTC(1980, 0, 1);
const LATEST = NOW + DAY;
const JS_DATES = 8.64e15;
const early = (min = -JS_DATES) => fc.date({ min: new Date(min), max: new Date(EARLIEST - 1), noInvalidDate: true });
const late = (from = LATEST + 1) => fc.date({ min: new Date(from), max: new Date(JS_DATES), noInvalidDate: true });
const badTime = fc.oneof(
  fc.double({ min: -1e300, max: EARLIEST - 1, noNaN: true }),
  fc.double({ min: LATEST + 1, max: 1e300, noNaN: true }),
  early().map((d) => d.toISOString()),
  late().map((d) => d.toISOString()),
  fc.constantFrom<unknown>(99999999999999999, JS_DATES + 1, -JS_DATES - 1, 0, -1, 1_700_000_000, Number.MAX_SAFE_INTEGER, 1e308, '+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59Z', '0000-01-01', '1979-12-31T23:59:59.999Z'),
);
// Calendar days from year 100 (what Date.UTC reads as written) and months, outside the range.
const YEAR_100 = Date.UTC(100, 0, 1);
const badDay = fc.oneof(early(YEAR_100), late(NOW + 4 * DAY).filter((d) => d.getUTCFullYear() <= 9999)).map((d) => d.toISOString().slice(0, 10));
const badMonth = fc.oneof(early(YEAR_100), late(Date.UTC(2027, 0, 1)).filter((d) => d.getUTCFullYear() <= 9999)).map((d) => d.toISOString().slice(0, 7));

const forumPost = (created_at: unknown) => ({ id: 9001, topic_id: 9000, post_number: 2, user_id: 77, username: 'popular', created_at });
const WEBHOOK_TIMES: Array<[group: string, event: string, field: string, body: (t: unknown) => unknown]> = [
  ['topic', 'topic_created', 'topic', (t) => ({ topic: { id: 9000, title: 'When?', category_id: 5, created_at: t, details: { created_by: { id: 76, username: 'asker' } } } })],
  ['post', 'post_created', 'post', (t) => ({ post: forumPost(t) })],
  ['user', 'user_created', 'user', (t) => ({ user: { id: 78, username: 'newbie', created_at: t } })],
  ['like', 'post_liked', 'like.post', (t) => ({ like: { post: forumPost(t), user: { id: 79, username: 'fan' } } })],
  ['solved', 'accepted_solution', 'solved', (t) => ({ solved: forumPost(t) })],
  ['solved', 'unaccepted_solution', 'solved', (t) => ({ solved: forumPost(t) })],
  ['post', 'post_destroyed', 'post', (t) => ({ post: forumPost(t) })],
  ['topic', 'topic_destroyed', 'topic', (t) => ({ topic: { id: 9000, title: 'When?', created_at: t } })],
];

type Hostile = { method: string; url: string; headers: Record<string, string>; payload?: string; remoteAddress?: string; refusal?: string };

/** A request with an out-of-range time in one field, and the field its 400 must name. */
const timeAttack: fc.Arbitrary<Hostile> = fc.oneof(
  fc.tuple(fc.constantFrom(...WEBHOOK_TIMES), badTime, fc.nat(250)).map(([[group, event, field, body], t, ip]) => {
    const payload = JSON.stringify(body(t));
    return {
      method: 'POST',
      url: '/webhooks/discourse',
      headers: { 'content-type': 'application/json', 'x-discourse-event-type': group, 'x-discourse-event': event, 'x-discourse-event-signature': signatureOf(payload, SECRET) },
      payload,
      remoteAddress: `198.51.100.${ip}`,
      refusal: `${field}.created_at: expected a time from`,
    };
  }),
  fc.tuple(fc.constantFrom('/api/v1/leaderboard', '/leaderboard'), fc.constantFrom('week', 'month', 'year'), badDay, fc.nat(250)).map(([path, period, at, ip]) => ({
    method: 'GET',
    url: `${path}?period=${period}&at=${at}`,
    headers: { accept: 'application/json' },
    remoteAddress: `203.0.113.${ip}`,
    refusal: 'at: expected a',
  })),
  fc.tuple(fc.constantFrom('from', 'to'), badMonth).map(([name, month]) => ({
    method: 'GET',
    url: `/admin/insights?${name}=${month}`,
    headers: { accept: 'application/json', cookie: signedIn.cookieHeader },
    refusal: `${name}: expected a`,
  })),
);

describe('hostile input', () => {
  it('never answers 5xx to 10,000 generated requests against every route, and every refusal says why', async () => {
    const routes = site.app.routeList.filter((r) => !r.url.includes('*'));
    expect(routes.length).toBeGreaterThan(30);
    const generic: fc.Arbitrary<Hostile> = fc.tuple(fc.nat(routes.length - 1), hostile, hostile, body, fc.boolean()).map(([pick, segment, query, payload, signed]) => {
      const route = routes[pick]!;
      const url = route.url.replace(/:[a-zA-Z]+/g, encodeURIComponent(segment)) + `?x=${encodeURIComponent(query)}&period=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}`;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-discourse-event-type': segment, 'x-discourse-event': query };
      if (signed) headers['x-discourse-event-signature'] = signatureOf(payload, SECRET);
      return { method: route.method, url, headers, ...(route.method === 'GET' ? {} : { payload }) };
    });
    const ledger = await site.fw.db('activities').count({ n: '*' }).first();
    let sent = 0;
    let timed = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: generic, weight: 3 }, { arbitrary: timeAttack, weight: 1 }), async ({ method, url, headers, payload, remoteAddress, refusal }) => {
        const res = await site.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }), ...(remoteAddress ? { remoteAddress } : {}) });
        sent++;
        if (res.statusCode >= 500) throw new Error(`${method} ${url} ${payload ?? ''} → ${res.statusCode}: ${res.body.slice(0, 200)}`);
        if (res.statusCode >= 400 && String(res.headers['content-type'] ?? '').includes('json') && Object.keys(res.json()).length !== 2) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (refusal === undefined) return;
        timed++;
        // An out-of-range time is a 400 naming its field, never a board, a 202 or a record.
        const answer = res.statusCode === 400 ? (res.json() as { code?: string; error?: string }) : null;
        if (answer?.code !== 'invalid_parameter' || !answer.error?.startsWith(refusal)) throw new Error(`${method} ${url} ${payload ?? ''} → ${res.statusCode}: ${res.body.slice(0, 300)} (expected 400 "${refusal}…")`);
      }),
      { numRuns: 10_000 },
    );
    expect(sent).toBe(10_000);
    expect(timed).toBeGreaterThan(1_500);
    // Nothing dated outside the range was recorded, and the ledger holds what it held.
    expect(await site.fw.db('activities').where('occurred_at', '<', EARLIEST).orWhere('occurred_at', '>', LATEST).count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(await site.fw.db('activities').count({ n: '*' }).first()).toEqual(ledger);
  }, 300_000);

  it('refuses oversized bodies with 413', async () => {
    const res = await site.app.inject({ method: 'POST', url: '/webhooks/discourse', headers: { 'content-type': 'application/json' }, payload: `{"x":"${'a'.repeat(300_000)}"}` });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });
});

describe('every admin route the app registers', () => {
  it('is refused without a session, with a forged cookie, and (for posts) without a CSRF token', async () => {
    const admin = site.app.routeList.filter((r) => r.url.startsWith('/admin'));
    expect(admin.length).toBeGreaterThanOrEqual(14);
    const forged = new Visitor(site.app);
    forged.setCookie('fw_session', 'eyJyb2xlIjoiYWRtaW4ifQ.forged');
    for (const r of admin) {
      const url = r.url.replace(/:[a-zA-Z]+/g, '1');
      for (const v of [new Visitor(site.app), forged]) {
        const res = r.method === 'GET' ? await v.get(url) : await v.post(url, {}, 'application/json');
        expect([r.method, url, res.statusCode]).toEqual([r.method, url, r.method === 'GET' ? 303 : 401]);
      }
      if (r.method === 'POST') expect([url, (await signedIn.post(url, {}, 'application/json')).statusCode]).toEqual([url, 403]);
    }
  });
});

describe('concurrency', () => {
  it('50 concurrent webhook deliveries for one member give exact totals, and no SQLITE_BUSY reaches a client', async () => {
    const deliveries = Array.from({ length: 50 }, (_, i) => {
      const raw = JSON.stringify({ like: { post: { id: 5000 + i, topic_id: 1, post_number: 2, user_id: 77, username: 'popular', created_at: new Date(site.fw.clock.now).toISOString() }, user: { id: 100 + i, username: `fan${i}` } } });
      return site.app.inject({ method: 'POST', url: '/webhooks/discourse', headers: { 'content-type': 'application/json', 'x-discourse-event-type': 'like', 'x-discourse-event': 'post_liked', 'x-discourse-event-signature': signatureOf(raw, SECRET) }, payload: raw });
    });
    const results = await Promise.all(deliveries);
    expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    expect((await site.fw.members.standing('discourse', '77'))!.all.points).toBe(50);
  });
});

describe('rate limits', () => {
  it('limit the public API per client', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 305; i++) codes.push((await site.app.inject({ method: 'GET', url: '/api/v1/badges', remoteAddress: '10.9.9.9' })).statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(300);
    const limited = await site.app.inject({ method: 'GET', url: '/api/v1/badges', remoteAddress: '10.9.9.9' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    expect((await site.app.inject({ method: 'GET', url: '/api/v1/badges', remoteAddress: '10.9.9.10' })).statusCode).toBe(200);
  });
});

describe('webhook rate limit', () => {
  const ping = (remoteAddress: string, headers: Record<string, string> = {}) => {
    const payload = JSON.stringify({ ping: 'OK' });
    return site.app.inject({
      method: 'POST',
      url: '/webhooks/discourse',
      remoteAddress,
      headers: { 'content-type': 'application/json', 'x-discourse-event-type': 'ping', 'x-discourse-event': 'ping', 'x-discourse-event-signature': signatureOf(payload, SECRET), ...headers },
      payload,
    });
  };

  it('holds one forum to 600 deliveries a minute; a forged X-Forwarded-For from outside does not reset it', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 600; i++) codes.push((await ping('203.0.113.7')).statusCode);
    expect(new Set(codes)).toEqual(new Set([200]));
    const limited = await ping('203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited', error: expect.any(String) });
    // Not a trusted proxy: its X-Forwarded-For is not believed.
    expect((await ping('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' })).statusCode).toBe(429);
    expect((await ping('203.0.113.8')).statusCode).toBe(200);
  });

  it('never limits an allow-listed address (RATE_LIMIT_ALLOW)', async () => {
    const allowed = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, RATE_LIMIT_ALLOW: '203.0.113.9' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 650; i++) codes.push((await allowed.app.inject({ method: 'GET', url: '/api/v1/badges', remoteAddress: '203.0.113.9' })).statusCode);
      expect(new Set(codes)).toEqual(new Set([200]));
      expect((await allowed.app.inject({ method: 'GET', url: '/api/v1/badges', remoteAddress: '203.0.113.10' })).statusCode).toBe(200);
    } finally {
      await allowed.close();
    }
  });
});
