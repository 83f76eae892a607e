/**
 * Rate limits shared by the instances over one database: two sites behind one load balancer allow
 * five sign-in attempts a minute between them, not five each.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlywheel, type Flywheel } from '../../src/app/flywheel.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, createReadDb } from '../../src/db/knex.js';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { Visitor } from '../support/browser-session.js';
import { dialect, freshDatabaseUrl } from '../support/db.js';

const PASSWORD = 'correct horse battery staple';
const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

type Instance = Flywheel & { config: Config };

async function instances(n: number): Promise<Instance[]> {
  const url = dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-limits-')), 'fw.sqlite')}` : await freshDatabaseUrl();
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ADMIN_PASSWORD: PASSWORD }, '/nonexistent');
  const all: Instance[] = [];
  for (let i = 0; i < n; i++) {
    const db = createDb(config.database);
    const fw = Object.assign(createFlywheel(db, config, () => clock.now, createReadDb(config.database, db)), { config });
    if (i === 0) await fw.maintenance.migrate();
    all.push(fw);
    open.push(fw);
  }
  return all;
}

async function site(fw: Instance): Promise<FastifyInstance> {
  const app = await buildWebApp(fw, fw.config, createLogger('silent'));
  await app.ready();
  open.push(app);
  return app;
}

async function guess(app: FastifyInstance, visitor: Visitor, token: string): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: '203.0.113.7',
    headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, password: 'a guess' }).toString(),
  });
  return res.statusCode;
}

describe('rate limits in the database', () => {
  it('count every hit once across instances, per key, in a window that starts again when it ends', async () => {
    const [a, b] = await instances(2);
    const counts = await Promise.all([...Array(6)].map((_, i) => (i % 2 ? a! : b!).rateLimits.hit('POST /login|203.0.113.7', 60_000)));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(counts.map((c) => c.resetAt))).toEqual(new Set([clock.now + 60_000]));
    expect((await a!.rateLimits.hit('POST /login|198.51.100.1', 60_000)).count).toBe(1);
    clock.now += 60_000;
    expect((await b!.rateLimits.hit('POST /login|203.0.113.7', 60_000)).count).toBe(1);
  });

  it('allow five sign-in attempts a minute between two sites over one PostgreSQL, not five each', async () => {
    const [a, b] = await instances(2);
    const [siteA, siteB] = [await site(a!), await site(b!)];
    // Sessions and CSRF tokens are signed with a secret both sites read from the database.
    const visitor = new Visitor(siteA);
    const token = await visitor.csrf();
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push(await guess(siteA, visitor, token), await guess(siteB, visitor, token));
    if (dialect() === 'postgres') {
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      // The refusal says when to come back: the shared window's end, as either site sees it.
      const refused = await siteB.inject({ method: 'POST', url: '/login', remoteAddress: '203.0.113.7', headers: { cookie: visitor.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: token, password: 'a guess' }).toString() });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'rate_limited' });
      expect(Number(refused.headers['retry-after'])).toBe(60);
    }
    // SQLite serves one process (README): each site counts in memory, off the single writer connection.
    else expect(codes).toEqual(Array(8).fill(401));
  });
});
