/**
 * A rank card costs about 0.1 s of CPU to draw, and a signed-in visitor's card is drawn afresh every
 * time (the page cache serves anonymous visitors only): so one client may ask for 120 a minute, and
 * no more, kept or not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from '../../support/browser-session.js';
import { act, discord } from '../../support/builders.js';
import { testSite, type TestSite } from '../../support/web.js';

const PASSWORD = 'correct horse battery staple';
let site: TestSite;
let id: number;
beforeAll(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD });
  const ana = discord('750000000000000001', { displayName: 'Ana' });
  await site.fw.ingest([act('answer_accepted', ana, site.fw.clock.now - 3_600_000, { counterpart: discord('750000000000000009', { displayName: 'Asker' }), subject: 'q1' })]);
  id = (await site.fw.members.lookup('discord', ana.externalId)).id;
});
afterAll(() => site.close());

describe('rank cards per client', () => {
  it('are drawn afresh for a signed-in visitor', async () => {
    const admin = new Visitor(site.app);
    expect((await admin.signInWithPassword(PASSWORD)).statusCode).toBe(303);
    for (let i = 0; i < 2; i++) {
      const res = await admin.get(`/members/${id}/card.png`, 'image/png');
      expect([res.statusCode, res.headers['x-flywheel-cache'], res.headers['cache-control']]).toEqual([200, undefined, 'private, no-store']);
    }
  });

  it('are limited to 120 a minute, HEAD and kept answers counted; another client is not held back', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 125; i++) codes.push((await site.app.inject({ method: i % 3 ? 'GET' : 'HEAD', url: `/members/${id}/card.png`, remoteAddress: '203.0.113.7' })).statusCode);
    expect(codes).toEqual([...Array(120).fill(200), ...Array(5).fill(429)]);
    const refused = await site.app.inject({ method: 'GET', url: `/members/${id}/card.png`, remoteAddress: '203.0.113.7' });
    expect(refused.json()).toMatchObject({ code: 'rate_limited' });
    expect((await site.app.inject({ method: 'GET', url: `/members/${id}/card.png`, remoteAddress: '203.0.113.8' })).statusCode).toBe(200);
  });
});
