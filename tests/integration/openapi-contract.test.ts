/**
 * The OpenAPI document is a contract: every documented route is called over HTTP (Fastify's inject)
 * with good and bad input, and each real answer — its status and its body — must be one the
 * document describes, checked with a JSON Schema validator (ajv), not with our own zod schemas.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord, thanks } from '../support/builders.js';
import { testSite, type TestSite } from '../support/web.js';

interface Operation {
  parameters?: Array<{ in: string; name: string; schema: Record<string, unknown> }>;
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

interface Call {
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  payload?: object;
  remoteAddress?: string;
  /** The status this call must get. */
  status: number;
}

let site: TestSite;
let doc: Doc;
const alice = discord('111', { displayName: 'Alice' });
const bob = discord('222', { displayName: 'Bob' });
const hidden = discord('333', { displayName: 'Hidden Helper' });
const nov = (d: number, h = 10) => Date.parse(`2026-11-${String(d).padStart(2, '0')}T${h}:00:00Z`);
const ids: Record<string, number> = {};
let token = '';
let revoked = '';

beforeAll(async () => {
  site = await testSite();
  await site.fw.ingest([
    act('question_asked', alice, nov(2), { key: 'q1' }),
    act('answer_posted', bob, nov(2, 11), { counterpart: alice, subject: 'q1' }),
    act('answer_accepted', bob, nov(3), { counterpart: alice, subject: 'q1' }),
    ...thanks(alice, bob, nov(3, 12)),
    act('answer_accepted', hidden, nov(4), { counterpart: alice }),
  ]);
  await site.fw.db('members').where({ origin: 'discord|333' }).update({ hidden: true });
  for (const [name, origin] of [['bob', 'discord|222'], ['hidden', 'discord|333']] as const) ids[name] = (await site.fw.db('members').where({ origin }).first()).id;
  const manager = { memberId: null, label: 'test' };
  token = (await site.fw.contributions.createToken('contract test', manager)).token;
  const old = await site.fw.contributions.createToken('revoked', manager);
  await site.fw.contributions.revokeToken(old.id, manager);
  revoked = old.token;
  doc = (await site.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
});
afterAll(() => site.close());

/** Good and bad calls for each documented operation. A route added to the document without calls here fails the test. */
function callsFor(): Record<string, Call[]> {
  const record = { kind: 'event_attended', member: { discordUsername: 'user222' }, event: 'Meetup', date: '2026-11-21' };
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  return {
    'GET /api/v1/leaderboard': [
      { url: '/api/v1/leaderboard', status: 200 },
      { url: '/api/v1/leaderboard?period=all&space=support&platform=discord&limit=1&offset=1', status: 200 },
      { url: '/api/v1/leaderboard?period=week&at=2026-11-04', status: 200 },
      { url: '/api/v1/leaderboard?limit=0', status: 400 },
      { url: '/api/v1/leaderboard?limit=abc', status: 400 },
      { url: '/api/v1/leaderboard?period=fortnight', status: 400 },
      { url: '/api/v1/leaderboard?at=2026-02-30', status: 400 },
      { url: '/api/v1/leaderboard?sort=points', status: 400 },
      { url: '/api/v1/leaderboard?period=week&period=month', status: 400 },
    ],
    'GET /api/v1/members/lookup': [
      { url: '/api/v1/members/lookup?platform=discord&externalId=222', status: 200 },
      { url: '/api/v1/members/lookup?platform=discord&externalId=404', status: 404 },
      { url: '/api/v1/members/lookup?platform=discord&externalId=333', status: 404 },
      { url: '/api/v1/members/lookup?platform=myspace&externalId=1', status: 400 },
      { url: '/api/v1/members/lookup?platform=discord', status: 400 },
    ],
    'GET /api/v1/members/{id}': [
      { url: `/api/v1/members/${ids.bob}`, status: 200 },
      { url: '/api/v1/members/999999', status: 404 },
      { url: `/api/v1/members/${ids.hidden}`, status: 404 },
      { url: '/api/v1/members/abc', status: 400 },
      { url: '/api/v1/members/-3', status: 400 },
    ],
    'GET /api/v1/badges': [{ url: '/api/v1/badges', status: 200 }],
    'GET /api/v1/badges/{id}': [
      { url: '/api/v1/badges/first-solution', status: 200 },
      { url: '/api/v1/badges/no-such-badge', status: 404 },
      { url: '/api/v1/badges/NOT_A_BADGE', status: 400 },
    ],
    'GET /api/v1/community': [{ url: '/api/v1/community', status: 200 }],
    'GET /api/v1/champions': [{ url: '/api/v1/champions', status: 200 }],
    'POST /api/v1/contributions': [
      { method: 'POST', url: '/api/v1/contributions', headers: auth(token), payload: record, status: 201 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth(token), payload: record, status: 200 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth(token), payload: { contributions: [{ ...record, event: 'Second meetup' }] }, status: 201 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth(token), payload: { ...record, member: { discordUsername: 'nobody' } }, status: 404 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth(token), payload: { ...record, kind: 'bogus' }, status: 400 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth(token), payload: { contributions: [] }, status: 400 },
      { method: 'POST', url: '/api/v1/contributions', headers: { ...auth(token), 'content-type': 'application/xml' }, payload: '<x/>' as unknown as object, status: 415 },
      { method: 'POST', url: '/api/v1/contributions', payload: record, status: 401 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth('fw_not-a-token'), payload: { kind: 'bogus' }, status: 401 },
      { method: 'POST', url: '/api/v1/contributions', headers: auth(revoked), payload: record, status: 403 },
    ],
  };
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every answer of every route with a JSON schema, errors as { error, code } — no "Default Response"', () => {
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const statuses = Object.keys(op.responses);
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '429', '500']));
        for (const [status, answer] of Object.entries(op.responses)) {
          expect(answer.description, `${method} ${path} ${status}`).not.toBe('Default Response');
          const schema = answer.content?.['application/json']?.schema as { properties?: Record<string, unknown>; required?: string[] } | undefined;
          expect(schema, `${method} ${path} ${status}`).toBeDefined();
          if (Number(status) >= 400) expect([status, schema!.required?.sort()]).toEqual([status, ['code', 'error']]);
        }
      }
  });

  it('matches what every documented route really answers, good input and bad (unknown and hidden members, no token, revoked token)', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const compiled = new Map<object, ValidateFunction>();
    const calls = callsFor();
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    // Every documented operation is called, and only documented ones.
    expect(Object.keys(calls).sort()).toEqual(documented.sort());
    const seen = new Set<string>();
    for (const [operation, list] of Object.entries(calls)) {
      const [method, path] = operation.split(' ') as [string, string];
      const op = doc.paths[path]![method.toLowerCase()]!;
      for (const call of list) {
        const res = await site.app.inject({ method: call.method ?? 'GET', url: call.url, headers: call.headers ?? {}, ...(call.payload === undefined ? {} : { payload: call.payload }), ...(call.remoteAddress ? { remoteAddress: call.remoteAddress } : {}) });
        const where = `${call.method ?? 'GET'} ${call.url} → ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, where).toBe(call.status);
        const answer = op.responses[String(res.statusCode)];
        expect(answer, `${where}: status not in the document`).toBeDefined();
        expect(res.headers['content-type'], where).toMatch(/^application\/json/);
        const schema = answer!.content!['application/json']!.schema;
        if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
        const validate = compiled.get(schema)!;
        expect([where, validate(res.json()) ? 'valid' : ajv.errorsText(validate.errors)]).toEqual([where, 'valid']);
        seen.add(`${operation} ${res.statusCode}`);
      }
    }
    // The refusals were really exercised, not only the happy paths.
    for (const status of [400, 401, 403, 404]) expect([...seen].some((s) => s.endsWith(` ${status}`)), `a ${status} answer`).toBe(true);
  });

  it('names the refused field in a 400, in the project’s shape', async () => {
    const res = await site.app.inject({ method: 'GET', url: '/api/v1/leaderboard?limit=500' });
    expect([res.statusCode, res.json()]).toEqual([400, { error: 'limit: expected a whole number from 1 to 100', code: 'invalid_parameter' }]);
    const batch = await site.app.inject({ method: 'POST', url: '/api/v1/contributions', headers: { authorization: `Bearer ${token}` }, payload: { contributions: [{ kind: 'bogus' }] } });
    expect(batch.json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringMatching(/^contributions\.0\.kind: expected one of/) });
  });

  it('answers a client over its rate limit with a documented 429', async () => {
    const op = doc.paths['/api/v1/community']!.get!;
    let last = await site.app.inject({ method: 'GET', url: '/api/v1/community', remoteAddress: '198.51.100.7' });
    for (let i = 0; i < 300 && last.statusCode !== 429; i++) last = await site.app.inject({ method: 'GET', url: '/api/v1/community', remoteAddress: '198.51.100.7' });
    expect(last.statusCode).toBe(429);
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(op.responses['429']!.content!['application/json']!.schema, last.json())).toBe(true);
  });
});
