/**
 * A guard for routes added later: every route the app registers reads its input through zod
 * schemas (params, query string, body), and every route that answers JSON has a response schema
 * (so its answer is serialised through it and, for the API, documented). A route that answers
 * something else — a page, a redirect, a file, a text format — says so with `config: { json: false }`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testSite, type TestSite } from '../support/web.js';

let site: TestSite;
beforeAll(async () => {
  site = await testSite();
});
afterAll(() => site.close());

const isZod = (value: unknown): boolean => value instanceof z.ZodType;
// Files under /static/* are served by @fastify/static: no input to read, no JSON to answer.
const routes = () => site.app.routeList.filter((r) => !r.url.includes('*'));

describe('every route', () => {
  it('reads its params, query string and body through zod schemas', () => {
    expect(routes().length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const { method, url, schema } of routes()) {
      const s = (schema ?? {}) as Record<string, unknown>;
      if (url.includes('/:') && !isZod(s.params)) missing.push(`${method} ${url}: params`);
      if (method === 'GET' && !isZod(s.querystring)) missing.push(`${method} ${url}: querystring (z.object({}) — noQuery — when it reads none)`);
      if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) && !isZod(s.body)) missing.push(`${method} ${url}: body`);
    }
    expect(missing).toEqual([]);
  });

  it('that answers JSON has a zod response schema for its success and for its refusals ({ error, code })', () => {
    const missing: string[] = [];
    for (const { method, url, schema, config } of routes()) {
      if ((config as { json?: boolean } | undefined)?.json === false) continue;
      const response = ((schema ?? {}) as { response?: Record<string, unknown> }).response ?? {};
      const success = Object.entries(response).filter(([status, s]) => /^2\d\d$/.test(status) && isZod(s));
      if (success.length === 0) missing.push(`${method} ${url}: no 2xx response schema (or config: { json: false } if it answers no JSON)`);
      if (!isZod(response['500'])) missing.push(`${method} ${url}: no 500 error schema (errors() in src/web/openapi.ts)`);
    }
    expect(missing).toEqual([]);
  });

  it('marked as answering no JSON really answers no JSON when it succeeds', async () => {
    const pages = routes().filter((r) => r.method === 'GET' && !r.url.includes(':') && (r.config as { json?: boolean } | undefined)?.json === false);
    expect(pages.length).toBeGreaterThan(10);
    for (const { url } of pages) {
      const res = await site.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      if (res.statusCode < 300) expect([url, String(res.headers['content-type'])]).not.toEqual([url, expect.stringContaining('json')]);
    }
  });
});

describe('a refused query on a page', () => {
  it('gets the friendly error page with status 400, naming the parameter, not JSON', async () => {
    for (const [url, named] of [
      ['/leaderboard?period=fortnight', 'period: expected one of'],
      ['/leaderboard?page=0', 'page:'],
      ['/members/abc', 'id: expected a member id'],
      ['/badges/awards/-1', 'id: expected an award id'],
    ] as const) {
      const res = await site.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect([url, res.statusCode, String(res.headers['content-type'])]).toEqual([url, 400, expect.stringContaining('text/html')]);
      expect(res.body).toContain(named);
    }
  });

  it('answers JSON in the project’s shape when JSON is asked for, never Fastify’s own', async () => {
    const res = await site.app.inject({ method: 'GET', url: '/leaderboard?period=fortnight', headers: { accept: 'application/json' } });
    expect([res.statusCode, Object.keys(res.json()).sort(), res.json().code]).toEqual([400, ['code', 'error'], 'invalid_parameter']);
  });
});
