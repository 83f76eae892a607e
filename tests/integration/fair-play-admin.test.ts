/**
 * The managers' side of fair play, through HTTP: the review queue with its evidence, and excluding
 * a member from boards and badges — recorded, audited, reversible, and respected by recompute.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityInput, IdentityRef } from '../../src/domain/activity.js';
import { discord } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { testSite, type TestSite } from '../support/web.js';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
const T = Date.parse('2026-11-02T10:00:00Z');
const main = discord('1', { displayName: 'Mara' });
const alt = discord('2', { displayName: 'Mara Two' });
const helper = discord('3', { displayName: 'Helper' });
const askers = [4, 5, 6, 7].map((n) => discord(String(n), { displayName: `Asker ${n}` }));

/** `asker` asks, `answerer` answers and the asker accepts it: three activities of one question. */
function solved(n: number, asker: IdentityRef, answerer: IdentityRef, at: number): ActivityInput[] {
  const q = `q${n}`;
  return [
    { key: q, kind: 'question_asked', platform: 'discord', actor: asker, occurredAt: at, subject: q },
    { key: `${q}:a`, kind: 'answer_posted', platform: 'discord', actor: answerer, counterpart: asker, occurredAt: at + 60_000, subject: q },
    { key: `${q}:a:accepted`, kind: 'answer_accepted', platform: 'discord', actor: answerer, counterpart: asker, occurredAt: at + 120_000, subject: q },
  ];
}

let site: TestSite;
let admin: Visitor;
let altId: number;

beforeEach(async () => {
  site = await testSite({ ADMIN_PASSWORD: PASSWORD });
  site.fw.clock.now = T + 20 * DAY;
  // An established community (members for two months); Mara accepts her new second account's
  // answers, the helper answers four different askers.
  const joined = [main, helper, ...askers].map((m): ActivityInput => ({ key: `join:${m.externalId}`, kind: 'member_joined', platform: 'discord', actor: m, occurredAt: T - 60 * DAY }));
  await site.fw.ingest([
    ...joined,...[0, 1, 2].flatMap((n) => solved(n, main, alt, T + n * DAY)), ...askers.flatMap((a, n) => solved(10 + n, a, helper, T + n * DAY))]);
  altId = (await site.fw.members.lookup('discord', '2')).id;
  admin = new Visitor(site.app);
  await admin.signInWithPassword(PASSWORD);
});
afterEach(() => site.close());

const boardNames = async () => (await site.fw.boards.leaderboard({ period: 'all' })).entries.map((e) => e.member.displayName);

describe('/admin/fair-play', () => {
  it('lists a member paid by one counterpart, with the evidence, and not the helper of many', async () => {
    const res = await admin.get('/admin/fair-play');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/admin/fair-play" aria-current="page">Fair play</a>');
    const row = res.body.match(new RegExp(`<section class="card" data-member="${altId}">[\\s\\S]*?</section>`))?.[0];
    expect(row).toMatch(/class="said">Mara<\/a>: 60/);
    // Each counterpart's own amount and share, so one point from a second payer is not read as half the evidence.
    expect(row).toContain('100% of what others paid came from Mara (60 points, 100%)');
    expect(res.body).not.toContain('>Helper</a>');
  });

  it('excludes a member from boards and badges, in the audit log, and reinstates them', async () => {
    expect(await boardNames()).toContain('Mara Two');
    const csrf = await admin.csrf('/admin/fair-play');
    const bad = await admin.post(`/admin/fair-play/${altId}/exclude`, { _csrf: csrf }, 'application/json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_parameter' });
    const res = await admin.post(`/admin/fair-play/${altId}/exclude`, { _csrf: csrf, reason: 'alt account of Mara' });
    expect(res.statusCode).toBe(303);
    expect(await boardNames()).not.toContain('Mara Two');
    expect((await admin.post(`/admin/fair-play/${altId}/exclude`, { _csrf: csrf, reason: 'again, twice' }, 'application/json')).statusCode).toBe(409);
    expect((await admin.post('/admin/fair-play/99999/exclude', { _csrf: csrf, reason: 'nobody at all' }, 'application/json')).statusCode).toBe(404);

    // Excluded, the alt earns no new badge (a first question would earn "first-question").
    await site.fw.ingest([{ key: 'alt-asks', kind: 'question_asked', platform: 'discord', actor: alt, occurredAt: T + 10 * DAY, subject: 'alt-asks' }]);
    const badgesOf = async () => (await site.fw.db('badge_awards').where({ member_id: altId }).whereNull('revoked_at').pluck('badge_id')) as string[];
    expect(await badgesOf()).not.toContain('first-question');
    // Recompute keeps the exclusion: still off the board, still no new badge.
    await site.fw.maintenance.recompute();
    expect(await boardNames()).not.toContain('Mara Two');
    expect(await badgesOf()).not.toContain('first-question');
    expect((await admin.get('/admin/fair-play')).body).toMatch(new RegExp(`<section class="card" data-excluded="${altId}">[\\s\\S]*alt account of Mara`));

    expect((await admin.post(`/admin/fair-play/${altId}/reinstate`, { _csrf: csrf, note: 'talked to her' })).statusCode).toBe(303);
    expect(await boardNames()).toContain('Mara Two');
    expect(await badgesOf()).toContain('first-question');
    expect((await admin.post(`/admin/fair-play/${altId}/reinstate`, { _csrf: csrf }, 'application/json')).statusCode).toBe(409);

    const audit = await admin.get('/admin/audit');
    expect(audit.body).toContain('excluded');
    expect(audit.body).toContain('alt account of Mara');
    expect(audit.body).toContain('reinstated');
    const records = await site.fw.db('exclusions').where({ member_id: altId });
    expect(records).toHaveLength(1);
    expect(records[0].reinstated_at).not.toBeNull();
  });

  it('answers a post without a session 401', async () => {
    const anonymous = new Visitor(site.app);
    expect((await anonymous.post(`/admin/fair-play/${altId}/exclude`, { reason: 'no session here' }, 'application/json')).statusCode).toBe(401);
  });
});
