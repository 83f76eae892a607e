/** One member, two platforms: linking that proves both accounts, and managers' merge and unmerge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../src/web/app.js';
import { createLogger } from '../../src/logger.js';
import type { FastifyInstance } from 'fastify';
import { startBotHarness, type BotHarness } from '../support/discord.js';
import { Visitor } from '../support/browser-session.js';
import { FakeDiscourse } from '../support/fake-discourse.js';
import { act } from '../support/builders.js';

const DISCORD_ID = '800000000000000001';
const OTHER_DISCORD = '800000000000000002';
const T = Date.parse('2026-11-20T10:00:00Z');
let h: BotHarness;
let forum: FakeDiscourse;
let site: FastifyInstance;

beforeAll(async () => {
  forum = await new FakeDiscourse().start();
  h = await startBotHarness({ env: { DISCOURSE_URL: forum.url, DISCOURSE_CONNECT_SECRET: forum.connectSecret } });
  h.discord.addUser(DISCORD_ID, 'dora');
  h.discord.addUser(OTHER_DISCORD, 'mallory');
  site = await buildWebApp(h.fw, h.fw.config, createLogger('silent'));
});
afterAll(async () => {
  await site.close();
  await h.close();
  await forum.stop();
});

const discourse = (id: string, username: string) => ({ platform: 'discourse' as const, externalId: id, username, displayName: username });
const discordRef = { platform: 'discord' as const, externalId: DISCORD_ID, username: 'dora' };

async function codeFor(userId: string): Promise<string> {
  const { response } = await h.discord.command('link', userId);
  expect(response.body.data.flags).toBe(64); // for the member's eyes only
  return response.body.data.content.match(/\*\*([A-Z0-9]{8})\*\*/)![1]!;
}

async function proveForum(v: Visitor, user: { id: number; username: string; name: string }) {
  forum.connectUser = user;
  const start = await v.get('/link/discourse');
  const back = await fetch(start.headers.location as string, { redirect: 'manual' });
  const url = new URL(back.headers.get('location')!);
  return v.get(`${url.pathname}${url.search}`);
}

describe('linking a forum account to a Discord account', () => {
  it('joins the two into one member once both are proven: points, stage and badges add up', async () => {
    await h.fw.ingest([
      act('answer_accepted', discordRef, T, { counterpart: { platform: 'discord', externalId: '3' } }),
      act('answer_posted', discourse('501', 'dora_forum'), T + 1000, { counterpart: discourse('502', 'asker'), subject: 't1', key: 'discourse:post:1' }),
      // The asker likes the answer: it earns once endorsed (fair play), 5 + 1 for the like.
      act('reaction_received', discourse('501', 'dora_forum'), T + 1500, { counterpart: discourse('502', 'asker'), source: 'discourse:post:1:liked_by:502' }),
    ]);
    const code = await codeFor(DISCORD_ID);
    const v = new Visitor(site);
    expect((await proveForum(v, { id: 501, username: 'dora_forum', name: 'Dora' })).headers.location).toBe('/link');
    expect((await v.get('/link')).body).toContain('Signed in to the forum as <strong>dora_forum</strong>');
    const done = await v.post('/link', { _csrf: await v.csrf('/link'), code });
    expect(done.body).toContain('your accounts are one member now');

    const viaDiscord = await h.fw.members.lookup('discord', DISCORD_ID);
    const viaForum = await h.fw.members.lookup('discourse', '501');
    expect(viaForum.id).toBe(viaDiscord.id);
    expect(viaDiscord.points.all).toBe(21);
    expect(viaDiscord.identities.map((i) => i.platform).sort()).toEqual(['discord', 'discourse']);
    expect(viaDiscord.badges.map((b) => b.id)).toEqual(expect.arrayContaining(['first-solution', 'first-answer']));
  });

  it('never lets one person claim another’s account: a code works once, for the account that asked for it, and only with a forum sign-in', async () => {
    const code = await codeFor(OTHER_DISCORD);
    const noForum = new Visitor(site);
    expect((await noForum.post('/link', { _csrf: await noForum.csrf(), code }, 'application/json')).statusCode).toBe(401);
    const v = new Visitor(site);
    await proveForum(v, { id: 601, username: 'mallory_forum', name: 'Mallory' });
    expect((await v.post('/link', { _csrf: await v.csrf('/link'), code: 'WRONGCODE' }, 'application/json')).statusCode).toBe(400);
    await v.post('/link', { _csrf: await v.csrf('/link'), code });
    const again = new Visitor(site);
    await proveForum(again, { id: 602, username: 'someone_else', name: 'Else' });
    const reused = await again.post('/link', { _csrf: await again.csrf('/link'), code }, 'application/json');
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error).toMatch(/unknown, used or expired/);
    // A forged forum answer is refused.
    const forged = await new Visitor(site).get('/link/discourse/callback?sso=bm9uY2U9eA%3D%3D&sig=' + '0'.repeat(64));
    expect(forged.statusCode).toBe(400);
  });
});

describe('managers', () => {
  it('see members sharing a username as suggestions, merge them, and can split them again', async () => {
    await h.fw.ingest([
      act('answer_accepted', { platform: 'discord', externalId: '800000000000000009', username: 'samesame' }, T, { counterpart: { platform: 'discord', externalId: '3' } }),
      act('answer_posted', discourse('909', 'samesame'), T + 2000, { counterpart: discourse('502', 'asker'), subject: 't9', key: 'discourse:post:9' }),
      act('reaction_received', discourse('909', 'samesame'), T + 2500, { counterpart: discourse('502', 'asker'), source: 'discourse:post:9:liked_by:502' }),
    ]);
    const suggestion = (await h.fw.links.suggestions()).find((s) => s.username === 'samesame')!;
    expect(suggestion.members.map((m) => m.platform).sort()).toEqual(['discord', 'discourse']);
    const [a, b] = suggestion.members.map((m) => m.id) as [number, number];
    // Nothing merged by itself.
    expect((await h.fw.members.profile(a)).points.all + (await h.fw.members.profile(b)).points.all).toBe(21);

    await h.fw.links.merge(a, b);
    expect((await h.fw.members.profile(a)).points.all).toBe(21);
    await expect(h.fw.members.profile(b)).rejects.toThrow(/not found/);
    expect((await h.fw.links.suggestions()).some((s) => s.username === 'samesame')).toBe(false);

    const { merged: split } = await h.fw.links.unmerge(a, 'discourse');
    expect((await h.fw.members.profile(a)).points.all).toBe(15);
    expect((await h.fw.members.profile(split)).points.all).toBe(6);
    expect((await h.fw.members.lookup('discourse', '909')).id).toBe(split);
  });
});
