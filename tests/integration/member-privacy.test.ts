/**
 * A member's data across merges, splits, export and deletion, and what a hidden member looks like
 * to others: a split never puts a hidden member back on the boards; a merge takes everything the
 * merged-away member held (endorsements too); the export shows it; deletion takes the member's
 * own words with it; and a suggestion by id cannot tell a hidden member from nobody.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentityRef } from '../../src/domain/activity.js';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import { act, discord } from '../support/builders.js';
import { Visitor } from '../support/browser-session.js';
import { loadConfig } from '../../src/config.js';
import { dialect, freshDatabaseUrl, flywheelOver, testFlywheel, type TestFlywheel } from '../support/db.js';
import { FakeDiscord } from '../support/fake-discord.js';

const T = Date.parse('2026-11-21T10:00:00Z');
const forum = (id: string) => ({ platform: 'discourse' as const, externalId: id, username: `f${id}` });

let fw: TestFlywheel;
let app: FastifyInstance;
let fake: FakeDiscord | null = null;

async function start(options: { hiddenByDefault?: boolean; env?: Record<string, string> } = {}): Promise<void> {
  fw = await testFlywheel(options.env ?? {}, (c) => {
    c.community.hiddenByDefault = options.hiddenByDefault ?? false;
  });
  app = await buildWebApp(fw, fw.config, createLogger('silent'));
  await app.ready();
}
afterEach(async () => {
  await app.close();
  await fw.close();
  await fake?.stop();
  fake = null;
});

const memberOf = async (platform: string, externalId: string): Promise<number> => (await fw.db('identities').where({ platform, external_id: externalId }).first()).member_id;
const api = (url: string) => app.inject({ method: 'GET', url });
const boardIds = async (): Promise<number[]> => (await api('/api/v1/leaderboard?period=all')).json().entries.map((e: { member: { id: number } }) => e.member.id);

/** A like from `from` on the post `source` by `author`, as the adapters record it (the like endorses the answer). */
const like = (author: IdentityRef, from: IdentityRef, source: string, at: number, subject: string) => [
  act('reaction_given', from, at, { counterpart: author, source: `${source}:like:${from.externalId}`, subject }),
  act('reaction_received', author, at, { counterpart: from, source: `${source}:like:${from.externalId}`, subject }),
];

/** One person on Discord and the forum, merged by a manager, each account with points of its own. */
async function mergedPair(): Promise<{ keep: number; gone: number }> {
  await fw.ingest([
    act('answer_accepted', discord('1001'), T, { counterpart: discord('9') }),
    // An answer earns once someone else endorses it (fair play): the asker likes it.
    act('answer_posted', forum('2001'), T + 1000, { counterpart: forum('9'), subject: 't1', source: 'post:2001' }),
    ...like(forum('2001'), forum('9'), 'post:2001', T + 2000, 't1'),
  ]);
  const keep = await memberOf('discord', '1001');
  const gone = await memberOf('discourse', '2001');
  return { keep, gone };
}

describe('splitting a member (members unmerge)', () => {
  it('keeps a hidden member hidden: the split-off account stays off the boards and the API', async () => {
    await start();
    const { keep, gone } = await mergedPair();
    await fw.members.setHidden(discord('1001'), true);
    await fw.links.merge(keep, gone);
    expect(await boardIds()).not.toContain(keep);

    const { merged: split } = await fw.links.unmerge(keep, 'discourse');
    expect((await api(`/api/v1/members/${split}`)).statusCode).toBe(404);
    expect((await api(`/api/v1/members/lookup?platform=discourse&externalId=2001`)).statusCode).toBe(404);
    expect(await boardIds()).not.toContain(split);
    expect((await app.inject({ method: 'GET', url: '/leaderboard?period=all' })).body).not.toContain('f2001');
    // Still the member's to see and show again.
    expect((await fw.members.standing('discourse', '2001'))!.hidden).toBe(true);
  });

  it('hides the split-off account in a community that hides new members, even when the member had chosen to be shown', async () => {
    await start({ hiddenByDefault: true });
    const { keep, gone } = await mergedPair();
    await fw.members.setHidden(discord('1001'), false);
    await fw.members.setHidden(forum('2001'), false);
    await fw.links.merge(keep, gone);
    expect(await boardIds()).toEqual([keep]);

    const { merged: split } = await fw.links.unmerge(keep, 'discourse');
    expect(await boardIds()).toEqual([keep]);
    expect((await api(`/api/v1/members/${split}`)).statusCode).toBe(404);
    expect((await api(`/api/v1/members/${keep}`)).statusCode).toBe(200);
  });

  it('through the command line: `flywheel members unmerge` leaves a hidden member off the boards', async () => {
    const url = dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-unmerge-')), 'fw.sqlite')}` : await freshDatabaseUrl();
    const open = () => {
      const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, '/nonexistent');
      return Object.assign(flywheelOver(config, () => T + 86_400_000), { clock: { now: T + 86_400_000 } });
    };
    fw = open();
    await fw.maintenance.migrate();
    const { keep, gone } = await mergedPair();
    await fw.members.setHidden(forum('2001'), true);
    await fw.links.merge(keep, gone);
    await fw.close();

    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'members', 'unmerge', String(keep), 'discourse'], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    fw = open();
    app = await buildWebApp(fw, fw.config, createLogger('silent'));
    const split = await memberOf('discourse', '2001');
    expect(split).not.toBe(keep);
    expect((await api(`/api/v1/members/${split}`)).statusCode).toBe(404);
    expect(await boardIds()).not.toContain(split);
  }, 90_000);

  it('shows the split-off account where members are shown unless they hide', async () => {
    await start();
    const { keep, gone } = await mergedPair();
    await fw.links.merge(keep, gone);
    const { merged: split } = await fw.links.unmerge(keep, 'discourse');
    expect((await boardIds()).sort()).toEqual([keep, split].sort());
  });
});

describe('a merge', () => {
  it('keeps one of two identical badges, the stayer’s (its id is a public address)', async () => {
    await start();
    // Each answer is endorsed by its asker's like, so each account earns First Answer.
    await fw.ingest([
      act('answer_posted', discord('1001'), T, { counterpart: discord('9'), subject: 't1', source: 'msg:1001' }),
      ...like(discord('1001'), discord('9'), 'msg:1001', T + 500, 't1'),
      act('answer_posted', forum('2001'), T + 1000, { counterpart: forum('9'), subject: 't2', source: 'post:2001' }),
      ...like(forum('2001'), forum('9'), 'post:2001', T + 1500, 't2'),
    ]);
    const keep = await memberOf('discord', '1001');
    const gone = await memberOf('discourse', '2001');
    const firstAnswer = async (member: number) => (await fw.db('badge_awards').select('id').where({ member_id: member, badge_id: 'first-answer' })).map((r: { id: number }) => r.id);
    const [kept] = await firstAnswer(keep);
    expect(await firstAnswer(gone)).toHaveLength(1);
    await fw.links.merge(keep, gone);
    expect(await firstAnswer(keep)).toEqual([kept]);
    expect(await firstAnswer(gone)).toEqual([]);
    expect((await api(`/api/v1/members/${keep}`)).json().badges.filter((b: { id: string }) => b.id === 'first-answer')).toHaveLength(1);
  });
});

describe('an excluded member', () => {
  const manager = { memberId: null, label: 'password' };

  it('does not escape the exclusion by being merged into another account: the member who stays is excluded', async () => {
    await start();
    const { keep, gone } = await mergedPair();
    await fw.fairPlay.exclude(gone, manager, 'spam ring');
    expect(await boardIds()).toEqual([keep]);

    await fw.links.merge(keep, gone);
    expect(await boardIds()).toEqual([]);
    expect((await fw.fairPlay.exclusions()).map((x) => [x.memberId, x.reason])).toEqual([[keep, 'spam ring']]);
    // Reinstating the member who stays lifts it: one decision, not one per former account.
    await fw.fairPlay.reinstate(keep, manager, 'reviewed');
    expect(await boardIds()).toEqual([keep]);
    expect(await fw.fairPlay.exclusions()).toEqual([]);
  });

  it('reads the decision in their export, and deleting their data does not lift it', async () => {
    await start();
    const { keep } = await mergedPair();
    await fw.fairPlay.exclude(keep, manager, 'likes from a ring of accounts');
    const data = await fw.members.export(keep);
    expect(data.member).toMatchObject({ excluded: expect.anything() });
    expect(Boolean((data.member as { excluded: unknown }).excluded)).toBe(true);
    expect(data.exclusions).toEqual([{ excluded_at: expect.anything(), reason: 'likes from a ring of accounts', reinstated_at: null }]);

    await fw.members.delete(keep);
    expect((await fw.fairPlay.exclusions()).map((x) => x.memberId)).toEqual([keep]);
  });
});

/** `by` endorses a pending nomination of `nominee`; returns the nomination's id. */
async function endorse(nominee: number, by: number, reason: string): Promise<number> {
  const manager = { memberId: null, label: 'password' };
  const first = await fw.champions.nominate({ member: { memberId: nominee }, by: manager, as: 'nomination', reason: 'Answers every week', space: 'support', evidence: [], origin: `o-${nominee}-1` });
  const second = await fw.champions.nominate({ member: { memberId: nominee }, by: { memberId: by, label: `member:${by}` }, as: 'nomination', reason, space: 'support', evidence: ['https://example.org/thread/1'], origin: `o-${nominee}-${by}` });
  expect(second).toMatchObject({ outcome: 'endorsed', nominationId: first.nominationId });
  return first.nominationId;
}

describe('endorsements are the member’s data', () => {
  it('move with a merge: the endorsement reads as the member who stays', async () => {
    await start();
    const { keep, gone } = await mergedPair();
    await fw.ingest([act('answer_posted', discord('3001'), T, { counterpart: discord('9'), subject: 't3' })]);
    const nominee = await memberOf('discord', '3001');
    const nomination = await endorse(nominee, gone, 'Helped me through my first release');

    await fw.links.merge(keep, gone);
    const [item] = (await fw.champions.queue()).filter((n) => n.id === nomination);
    expect(item!.endorsements.map((e) => e.memberName)).toEqual([(await fw.members.profile(keep)).displayName]);
    expect(await fw.db('endorsements').where({ member_id: gone })).toEqual([]);
    expect((await fw.members.export(keep)).endorsements).toEqual([expect.objectContaining({ nomination_id: nomination, reason: 'Helped me through my first release' })]);
  });

  it('are in the personal-data export, and go when the member deletes their data', async () => {
    await start();
    await fw.ingest([
      act('answer_posted', discord('3001'), T, { counterpart: discord('9'), subject: 't3' }),
      act('message_posted', discord('4001'), T),
    ]);
    const nominee = await memberOf('discord', '3001');
    const me = await memberOf('discord', '4001');
    const nomination = await endorse(nominee, me, 'Patient with every newcomer');

    const data = await fw.members.export(me);
    expect(data.endorsements).toEqual([{ nomination_id: nomination, reason: 'Patient with every newcomer', evidence: '["https://example.org/thread/1"]', created_at: expect.anything() }]);

    await fw.members.delete(me);
    expect((await fw.champions.queue()).find((n) => n.id === nomination)!.endorsements).toEqual([]);
    expect((await fw.members.export(me)).endorsements).toEqual([]);
    // The log keeps that a member endorsed, not what they wrote.
    const notes = (await fw.db('audit_log').where({ actor_member_id: me, action: 'endorsed' })).map((r: { note: string | null }) => r.note);
    expect(notes).toEqual([null]);
    // The nomination itself, another member's, stands.
    expect((await fw.champions.queue()).map((n) => n.id)).toContain(nomination);
  });
});

describe('a member suggesting a peer by id', () => {
  it('cannot tell a hidden member from an id nobody has, and the suggestion is refused', async () => {
    fake = await new FakeDiscord().start();
    fake.addUser('5001', 'mem');
    await start({
      env: {
        PUBLIC_URL: 'http://flywheel.test',
        ...fake.signInEnv(),
      },
    });
    fw.config.champions.memberSuggestions = true;
    await fw.ingest([act('answer_posted', discord('5002'), T, { counterpart: discord('9'), subject: 't5' }), act('answer_posted', discord('5003'), T, { counterpart: discord('9'), subject: 't6' })]);
    const hidden = await memberOf('discord', '5002');
    const visible = await memberOf('discord', '5003');
    await fw.members.setHidden(discord('5002'), true);
    const unknown = 999_999;

    const v = new Visitor(app);
    await v.signInWithDiscord(fake, '5001');
    const suggest = async (member: number) => v.post('/me/suggestions', { _csrf: await v.csrf('/me'), member: String(member), reason: 'Always kind to newcomers' }, 'application/json');
    const toHidden = await suggest(hidden);
    const toNobody = await suggest(unknown);
    expect(toNobody.statusCode).toBe(404);
    expect({ status: toHidden.statusCode, body: toHidden.json() }).toEqual({ status: toNobody.statusCode, body: toNobody.json() });
    expect(await fw.db('nominations').select('member_id')).toEqual([]);
    // A visible member can still be suggested.
    expect((await suggest(visible)).statusCode).toBe(303);
    expect(await fw.db('nominations').select('member_id')).toEqual([{ member_id: visible }]);
  });
});
