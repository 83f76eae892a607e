/**
 * A number in a request has one spelling: plain decimal digits (a minus sign only where a negative
 * number is meant). Every other way JavaScript can read a number — 0x10, 0b11, 1e1, +1, 1.0, 01,
 * " 1", "" — is refused with 400 naming the field (the error page for a person), so no page has a
 * second address and no check can be walked around. Every route with a numeric parameter is walked;
 * a route added later with one, and not listed here, fails the guard at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { act, discord, thanks } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { testSite, type TestSite } from '../support/web.js';

const PASSWORD = 'correct horse battery staple';
const alice = discord('510000000000000002', { displayName: 'Alice' });
const bob = discord('510000000000000003', { displayName: 'Bob' });
const MAX_ID = 2 ** 31 - 1;
/** A plain value whose answer depends on the data (found, not found, already done): anything but a refusal of the value. */
const HANDLED = -1;

let site: TestSite;
let admin: Visitor;
let bobId = 0;
let award = 0;
let token = '';

/** Spellings that JavaScript's Number() reads as n, but that are not n written plainly. */
function oddSpellings(n: number): string[] {
  const odd = [`0x${n.toString(16)}`, `0b${n.toString(2)}`, `0o${n.toString(8)}`, `${n}e0`, `+${n}`, `${n}.0`, `0${n}`, ` ${n}`, `${n} `, `${n}\n`];
  if (n === 0) odd.push('-0', '');
  return odd;
}

beforeAll(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD, PUBLIC_URL: 'http://flywheel.test' }, (c) => {
    c.community.email = 'team@flywheel.test';
  });
  const now = site.fw.clock.now;
  await site.fw.ingest([
    act('question_asked', alice, now - 7_200_000, { key: 'q1' }),
    act('answer_posted', bob, now - 7_000_000, { counterpart: alice, subject: 'q1' }),
    act('answer_accepted', bob, now - 6_000_000, { counterpart: alice, subject: 'q1' }),
    ...thanks(alice, bob, now - 5_000_000),
  ]);
  bobId = (await site.fw.members.lookup('discord', bob.externalId)).id;
  award = (await site.fw.db('badge_awards').where({ member_id: bobId }).orderBy('id').first('id')).id;
  token = (await site.fw.contributions.createToken('spellings', { memberId: null, label: 'test' })).token;
  admin = new Visitor(site.app);
  expect((await admin.signInWithPassword(PASSWORD)).statusCode).toBe(303);
});
afterAll(async () => {
  await site?.close();
});

interface Answer {
  status: number;
  body: string;
  json(): unknown;
}

/** One numeric parameter of one route: how to send a value in it, and what a plain value gets. */
interface Param {
  route: string; // "METHOD /url" as Fastify lists it
  field: string;
  /** Sends `value` as this parameter: raw text, or (a JSON body) whatever JSON value is given. */
  send(value: string | number): Promise<Answer>;
  /** A person's page (the error page) or JSON (`{ error, code }`). */
  html: boolean;
  /** The parameter's plain values and the status each must get (the handler ran: not a refusal). */
  plain: () => Array<[string | number, number]>;
  /** Values just outside the range. */
  outside: Array<string | number>;
  /** JSON bodies: numbers that are not whole. */
  fractions?: number[];
}

const inject = async (method: 'GET' | 'POST', url: string, accept: string, visitor?: Visitor, payload?: object): Promise<Answer> => {
  const headers: Record<string, string> = { accept, ...(visitor ? { cookie: visitor.cookieHeader } : {}) };
  const res = await site.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body, json: () => res.json() };
};
const enc = encodeURIComponent;
const pathParam = (route: string, url: (v: string) => string, html: boolean, plain: () => Array<[string, number]>): Param => ({
  route,
  field: 'id',
  html,
  send: (v) => inject('GET', url(enc(String(v))), html ? 'text/html' : 'application/json'),
  plain,
  outside: ['0', '-1', String(MAX_ID + 1), String(2 ** 31)],
});
const queryParam = (route: string, field: string, url: (v: string) => string, html: boolean, min: number, max: number, visitor?: () => Visitor): Param => ({
  route,
  field,
  html,
  send: (v) => inject('GET', url(enc(String(v))), html ? 'text/html' : 'application/json', visitor?.()),
  plain: () => [
    [String(min), 200],
    [String(max), 200],
  ],
  outside: [String(min - 1), String(max + 1)],
});
/** A form the team posts (its CSRF token fetched first), answered as a page or, asked for JSON, as JSON. */
const formPost = (visitor: () => Visitor, page: string, url: (v: string) => string, fields: (v: string) => Record<string, string>, html: boolean) => async (v: string | number) => {
  const token = await visitor().csrf(page);
  const res = await visitor().post(url(enc(String(v))), { _csrf: token, ...fields(String(v)) }, html ? 'text/html' : 'application/json');
  return { status: res.statusCode, body: res.body, json: () => res.json() };
};
const jsonPost = (visitor: () => Visitor, page: string, url: string, body: (v: string | number) => object) => async (v: string | number) => {
  const csrf = await visitor().csrf(page);
  const res = await site.app.inject({ method: 'POST', url, headers: { accept: 'application/json', cookie: visitor().cookieHeader, 'x-csrf-token': csrf }, payload: { _csrf: csrf, ...body(v) } });
  return { status: res.statusCode, body: res.body, json: () => res.json() };
};

const idPosts = [
  '/admin/nominations/:id/approve',
  '/admin/nominations/:id/decline',
  '/admin/champions/:id/renew',
  '/admin/champions/:id/end',
  '/admin/fair-play/:id/exclude',
  '/admin/fair-play/:id/reinstate',
  '/admin/submissions/:id/approve',
  '/admin/submissions/:id/decline',
  '/admin/tokens/:id/revoke',
];

const PARAMS: Param[] = [
  pathParam('GET /api/v1/members/:id', (v) => `/api/v1/members/${v}`, false, () => [[String(bobId), 200]]),
  pathParam('GET /members/:id', (v) => `/members/${v}`, true, () => [[String(bobId), 200]]),
  pathParam('GET /members/:id/card.png', (v) => `/members/${v}/card.png`, false, () => [[String(bobId), 200]]),
  pathParam('GET /badges/awards/:id', (v) => `/badges/awards/${v}`, true, () => [[String(award), 200]]),
  pathParam('GET /ob/v2/assertions/:id', (v) => `/ob/v2/assertions/${v}`, false, () => [[String(award), 200]]),
  { ...pathParam('GET /ob/v3/credentials/:file', (v) => `/ob/v3/credentials/${v}.jwt`, false, () => [[String(award), 200]]), field: 'file' },
  queryParam('GET /api/v1/leaderboard', 'limit', (v) => `/api/v1/leaderboard?limit=${v}`, false, 1, 100),
  queryParam('GET /api/v1/leaderboard', 'offset', (v) => `/api/v1/leaderboard?offset=${v}`, false, 0, 100_000),
  queryParam('GET /leaderboard', 'page', (v) => `/leaderboard?page=${v}`, true, 1, 4000),
  queryParam('GET /embed/leaderboard', 'limit', (v) => `/embed/leaderboard?limit=${v}`, true, 1, 25),
  queryParam('GET /admin/fair-play', 'page', (v) => `/admin/fair-play?page=${v}`, true, 1, 100_000, () => admin),
  queryParam('GET /admin/fair-play', 'member', (v) => `/admin/fair-play?done=excluded&member=${v}`, true, 1, MAX_ID, () => admin),
  queryParam('GET /admin/insights', 'open', (v) => `/admin/insights?open=${v}`, true, 1, 100_000, () => admin),
  ...idPosts.flatMap((route): Param[] =>
    [true, false].map((html) => ({
      route: `POST ${route}`,
      field: 'id',
      html,
      send: formPost(() => admin, '/admin/contributions', (v) => route.replace(':id', v), () => ({ note: 'a note', reason: 'spelled oddly, on purpose' }), html),
      // A real member for fair play; elsewhere no such nomination, term, submission or token: either way the handler ran.
      plain: () => [[route.includes('fair-play') ? String(bobId) : '999', HANDLED]],
      outside: ['0', '-1', String(MAX_ID + 1)],
    })),
  ),
  ...[true, false].map(
    (html): Param => ({
      route: 'POST /admin/contributions/award',
      field: 'points',
      html,
      send: formPost(() => admin, '/admin/contributions', () => '/admin/contributions/award', (v) => ({ member: 'Bob', points: v, reason: 'For the spelling test' }), html),
      plain: () => [
        ['5', 200],
        ['-5', 200],
      ],
      outside: ['1001', '-1001'],
    }),
  ),
  {
    route: 'POST /admin/contributions/award',
    field: 'points',
    html: false,
    send: jsonPost(() => admin, '/admin/contributions', '/admin/contributions/award', (v) => ({ member: 'Bob', points: v, reason: 'For the spelling test' })),
    plain: () => [
      [7, 200],
      [-7, 200],
      ['7', 200],
    ],
    outside: [1001, -1001, '1001'],
    fractions: [1.5, -0.5],
  },
  // POST /me/suggestions takes a peer's name (tests/integration/peer-suggestions.test.ts), not a number.
  ...(['member', 'referred'] as const).map(
    (who): Param => ({
      route: 'POST /api/v1/contributions',
      field: `${who}.id`,
      html: false,
      send: async (v) => {
        const contribution = { kind: 'event_spoke', member: { id: bobId }, event: 'Meetup', date: '2026-11-21', [who]: { id: v } };
        const res = await site.app.inject({ method: 'POST', url: '/api/v1/contributions', headers: { authorization: `Bearer ${token}` }, payload: contribution });
        return { status: res.statusCode, body: res.body, json: () => res.json() };
      },
      plain: () => [[bobId, HANDLED]],
      outside: [0, -1, MAX_ID + 1],
      fractions: [1.5],
    }),
  ),
];

/** What is wrong with the answer to an odd or out-of-range value, or null when it is the refusal it should be. */
const problemWith = (answer: Answer, p: Param, value: string | number): string | null => {
  const what = `${p.route} ${p.field}=${JSON.stringify(value)} (${p.html ? 'page' : 'JSON'})`;
  if (answer.status !== 400) return `${what}: ${answer.status}`;
  if (p.html) return answer.body.includes('That did not work') && answer.body.includes(`${p.field}: `) ? null : `${what}: not the error page naming ${p.field}`;
  const body = answer.json() as { error: string; code: string };
  return body.code === 'invalid_parameter' && body.error.startsWith(`${p.field}: `) ? null : `${what}: ${JSON.stringify(body)}`;
};

describe('a number in a request', () => {
  it('is read in its plain spelling', async () => {
    for (const p of PARAMS)
      for (const [value, status] of p.plain()) {
        const answer = await p.send(value);
        const what = `${p.route} ${p.field}=${JSON.stringify(value)} (${p.html ? 'page' : 'JSON'})`;
        if (status === HANDLED) expect([what, answer.status < 500 && answer.status !== 400]).toEqual([what, true]);
        else expect([what, answer.status]).toEqual([what, status]);
      }
  });

  it('is refused in any other spelling, and just outside its range, naming the field', async () => {
    const problems: Array<string | null> = [];
    for (const p of PARAMS) {
      const n = Number(p.plain()[0]![0]);
      // A path cannot carry an empty segment to the route; a query, a form and a JSON body can.
      const spellings = [...oddSpellings(n), ...(p.route.includes(':') ? [] : [''])];
      for (const value of [...spellings, ...p.outside, ...(p.fractions ?? []), 'abc', '1 2', '١']) problems.push(problemWith(await p.send(value), p, value));
    }
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it('in a notice link the team follows, spelled oddly, names nobody (the page still answers)', async () => {
    await site.fw.champions.nominate({ member: { memberId: bobId }, by: { memberId: null, label: 'test' }, as: 'nomination', reason: 'Helps everyone in the forum every week', space: 'support', evidence: [], origin: 'spellings:1' });
    const plain = await admin.get(`/admin/nominations?done=nominated&member=${bobId}`);
    expect(plain.body).toContain('Bob is nominated');
    for (const odd of oddSpellings(bobId)) {
      const page = await admin.get(`/admin/nominations?done=nominated&member=${enc(odd)}`);
      expect([odd, page.statusCode, page.body.includes('Bob is nominated')]).toEqual([odd, 200, false]);
    }
  });
});

describe('a member named by number (#12) on the team’s forms', () => {
  it('is found by the plain number only; another spelling, or a number no id can be, is a name (here nobody’s)', async () => {
    const award = async (said: string) => {
      const csrf = await admin.csrf('/admin/contributions');
      return admin.post('/admin/contributions/award', { _csrf: csrf, member: said, points: '3', reason: 'For the spelling test' }, 'application/json');
    };
    expect((await award(`#${bobId}`)).json()).toMatchObject({ status: 'recorded', member: { id: bobId } });
    expect((await award(String(bobId))).json()).toMatchObject({ status: 'recorded', member: { id: bobId } });
    // Not a 500 either: the database refuses a number no id column holds.
    for (const said of [`#0${bobId}`, `#00${bobId}`, '#0', `#${MAX_ID + 1}`, '#99999999999999999999', `#${'9'.repeat(199)}`]) {
      const res = await award(said);
      expect([said, res.statusCode, (res.json() as { code: string }).code]).toEqual([said, 404, 'not_found']);
    }
  });
});

describe('the guard', () => {
  /** Fields whose input the route's zod schema types as a number, anywhere in params, query or body. */
  const numericFields = (schema: unknown, prefix = ''): string[] => {
    if (!(schema instanceof z.ZodType)) return [];
    const walk = (node: Record<string, unknown>, at: string): string[] => {
      const out: string[] = [];
      if ((node.type === 'integer' || node.type === 'number') && at) out.push(at);
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) out.push(...walk(child, at ? `${at}.${name}` : name));
      for (const branch of [...((node.anyOf ?? []) as Array<Record<string, unknown>>), ...((node.oneOf ?? []) as Array<Record<string, unknown>>)]) out.push(...walk(branch, at));
      return out;
    };
    return walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>, prefix);
  };

  it('knows every route that reads a number', () => {
    const found = new Set<string>();
    for (const { method, url, schema } of site.app.routeList) {
      if (method === 'HEAD') continue;
      const s = (schema ?? {}) as Record<string, unknown>;
      for (const part of ['params', 'querystring', 'body']) for (const field of numericFields(s[part])) found.add(`${method} ${url} ${field}`);
    }
    // The credential's file name (<award id>.jwt) carries its number inside a string: walked above, not typed as one.
    const walked = new Set(PARAMS.filter((p) => p.field !== 'file').map((p) => `${p.route} ${p.field}`));
    // The notice links (walked in the test before): an odd spelling there shows no notice.
    for (const page of ['/admin/nominations', '/admin/champions']) walked.add(`GET ${page} member`);
    expect([...found].filter((f) => !walked.has(f))).toEqual([]);
    expect([...found].length).toBeGreaterThanOrEqual(walked.size);
  });

  it('the API document still says integer, with the bounds', async () => {
    const doc = (await site.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters: Array<{ name: string; schema: Record<string, unknown> }> }>> };
    const param = (path: string, name: string) => doc.paths[path]!.get!.parameters.find((p) => p.name === name)!.schema;
    expect(param('/api/v1/members/{id}', 'id')).toMatchObject({ type: 'integer', maximum: MAX_ID });
    expect(param('/api/v1/members/{id}', 'id').minimum ?? (param('/api/v1/members/{id}', 'id').exclusiveMinimum as number) + 1).toBe(1);
    expect(param('/api/v1/leaderboard', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
    expect(param('/api/v1/leaderboard', 'offset')).toMatchObject({ type: 'integer', minimum: 0, maximum: 100_000, default: 0 });
  });
});
