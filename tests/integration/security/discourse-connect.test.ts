/**
 * Proving a forum account with DiscourseConnect: the forum's signed answer is taken once — a
 * replay of the same answer, on this instance or another over the same database, is refused — and
 * the proof it leaves expires by the time signed into it, not by what the browser keeps.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlywheel } from '../../../src/app/flywheel.js';
import { createLogger } from '../../../src/logger.js';
import { buildWebApp } from '../../../src/web/app.js';
import { Visitor } from '../../support/browser-session.js';
import { discord } from '../../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../../support/db.js';
import { FakeDiscourse } from '../../support/fake-discourse.js';

let forum: FakeDiscourse;
let fw: TestFlywheel;
let a: FastifyInstance;
let b: FastifyInstance;

beforeEach(async () => {
  forum = await new FakeDiscourse().start();
  forum.connectUser = { id: 501, username: 'dora_forum', name: 'Dora' };
  fw = await testFlywheel({ PUBLIC_URL: 'http://flywheel.test', DISCOURSE_URL: forum.url, DISCOURSE_CONNECT_SECRET: forum.connectSecret, ADMIN_PASSWORD: 'correct horse battery staple' });
  a = await buildWebApp(fw, fw.config, createLogger('silent'));
  // A second instance over the same database.
  b = await buildWebApp(createFlywheel(fw.db, fw.config, () => fw.clock.now), fw.config, createLogger('silent'));
});
afterEach(async () => {
  await a.close();
  await b.close();
  await fw.close();
  await forum.stop();
});

/** Start at /link/discourse and sign in on the forum: the answer it sends back, and the browser's cookies then. */
async function forumAnswer(v: Visitor): Promise<{ callback: string; cookies: string }> {
  const start = await v.get('/link/discourse');
  const back = await fetch(start.headers.location as string, { redirect: 'manual' });
  const url = new URL(back.headers.get('location')!);
  return { callback: `${url.pathname}${url.search}`, cookies: v.cookieHeader };
}

function browserWith(app: FastifyInstance, cookies: string): Visitor {
  const v = new Visitor(app);
  for (const part of cookies.split('; ').filter(Boolean)) {
    const at = part.indexOf('=');
    v.setCookie(part.slice(0, at), decodeURIComponent(part.slice(at + 1)));
  }
  return v;
}

const signedIn = (page: string) => page.includes('Signed in to the forum as <strong>dora_forum</strong>');

describe('the forum’s answer', () => {
  it('is taken once: replayed with the same cookies, here or on another instance, it is refused', async () => {
    const v = new Visitor(a);
    const { callback, cookies } = await forumAnswer(v);
    expect((await v.get(callback)).headers.location).toBe('/link');
    expect(signedIn((await v.get('/link')).body)).toBe(true);
    for (const app of [a, b]) {
      const replay = await browserWith(app, cookies).get(callback, 'application/json');
      expect([replay.statusCode, replay.json()]).toEqual([400, { code: 'invalid_parameter', error: expect.stringMatching(/^nonce: .*already used or has expired/) }]);
      expect(replay.cookies.some((c) => c.name === 'fw_forum')).toBe(false);
    }
  });

  it('is taken by whichever instance it reaches first, and only by that one', async () => {
    const { callback, cookies } = await forumAnswer(new Visitor(a));
    const answers = await Promise.all([browserWith(a, cookies).get(callback), browserWith(b, cookies).get(callback)]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([303, 400]);
  });

  it('is refused after ten minutes', async () => {
    const v = new Visitor(a);
    const { callback } = await forumAnswer(v);
    fw.clock.now += 10 * 60_000 + 1;
    expect((await v.get(callback, 'application/json')).statusCode).toBe(400);
    expect(await fw.db('nonces')).toHaveLength(1);
    await forumAnswer(new Visitor(a)); // a new sign-in clears what expired
    expect(await fw.db('nonces')).toHaveLength(1);
  });
});

describe('the forum proof', () => {
  it('expires fifteen minutes after the forum’s answer, whatever the browser keeps', async () => {
    const v = new Visitor(a);
    await v.get((await forumAnswer(v)).callback);
    const kept = v.cookieHeader;
    fw.clock.now += 14 * 60_000;
    const late = browserWith(a, kept);
    expect(signedIn((await late.get('/link')).body)).toBe(true);
    const token = await late.csrf('/link'); // the form, as the page showed it a minute before
    fw.clock.now += 2 * 60_000;
    expect(signedIn((await browserWith(a, kept).get('/link')).body)).toBe(false);
    const { code } = await fw.links.issueCode(discord('800000000000000001', { username: 'dora' }));
    const res = await late.post('/link', { _csrf: token, code }, 'application/json');
    expect([res.statusCode, res.json().code]).toEqual([401, 'unauthorized']);
    expect((await fw.members.lookup('discord', '800000000000000001')).identities.map((i) => i.platform)).toEqual(['discord']);
  });
});

describe('starting a forum sign-in', () => {
  it('is limited to 30 a minute per client, so nobody fills the nonce table', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) codes.push((await a.inject({ method: 'GET', url: '/link/discourse', remoteAddress: '203.0.113.5' })).statusCode);
    expect(codes.filter((c) => c === 302)).toHaveLength(30);
    expect(codes[30]).toBe(429);
    expect(await fw.db('nonces')).toHaveLength(30);
  });
});
