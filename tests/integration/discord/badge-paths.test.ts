/**
 * Every badge of the default catalog that is not a manager's grant can be earned the way a real
 * community earns it — nothing here calls `ingest`: a summer of help-forum questions, answers,
 * accepted solutions and thanks in Discord (through the real discord.js client and the fake
 * Discord); a post recorded on the site's form, a talk submitted with /submit and approved in the
 * admin queue, feedback sent by an automation through the API, referrals on the form, an attendee
 * list uploaded; and the periodic closing of weeks and months that `serve` runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../../src/logger.js';
import { buildWebApp } from '../../../src/web/app.js';
import { Visitor } from '../../support/browser-session.js';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { FORUM_ID, GENERAL_ID, MANAGER_ROLE_ID } from '../../support/fake-discord.js';

const DAY = 86_400_000;
const D0 = Date.parse('2026-06-01T09:00:00Z');
const QUESTIONS = 150;
const PASSWORD = 'a long enough admin password';
const BEN = '900000000000000001';
const CY = '900000000000000002';
const BOSS = '900000000000000003';
const asker = (i: number) => String(910000000000000000n + BigInt(i));
const friend = (i: number) => String(920000000000000000n + BigInt(i));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let h: BotHarness;
let web: FastifyInstance | undefined;
afterEach(async () => {
  await web?.close();
  // Redelivery of Discord events is proven scenario by scenario elsewhere; replaying this whole summer three times would only be slow.
  h.discord.delivered.length = 0;
  await h.close();
});

describe('the default badge catalog, through the paths a deployment has', () => {
  it('has no badge, apart from managers’ grants, that members cannot earn', async () => {
    h = await startBotHarness({ env: { ADMIN_PASSWORD: PASSWORD } });
    const later = (ms: number) => (h.fw.clock.now += ms);
    h.discord.addUser(BEN, 'ben');
    h.discord.addUser(CY, 'cy');
    h.discord.addUser(BOSS, 'boss', { roles: [MANAGER_ROLE_ID] });
    for (let i = 0; i < QUESTIONS; i++) h.discord.addUser(asker(i), `asker${i}`);

    // Two questions a day for 75 days in the help forum: Ben answers each, the asker marks it and thanks him.
    for (let i = 0; i < QUESTIONS; i++) {
      h.fw.clock.now = D0 + Math.floor(i / 2) * DAY + (i % 2) * 3 * 3600_000;
      const { thread } = h.discord.openPost(FORUM_ID, asker(i), `Question ${i}`, 'How do I do this?');
      later(600_000);
      const answer = h.discord.say(thread.id, BEN, 'Like this: …');
      later(600_000);
      await h.settle();
      expect((await h.discord.command('Mark as answer', asker(i), { target: answer })).response.body.type).toBe(4);
      later(600_000);
      h.discord.say(thread.id, asker(i), 'thanks, that was it!', { replyTo: answer });
    }
    await h.settle();
    // The first asker learns: answers someone else's question, and thanks ten people.
    h.fw.clock.now = D0 + 3 * DAY;
    const { thread } = h.discord.openPost(FORUM_ID, asker(7), 'One more question', 'And this?');
    later(60_000);
    h.discord.say(thread.id, asker(0), 'I had that too: …');
    for (let i = 1; i <= 10; i++) {
      h.fw.clock.now = D0 + 4 * DAY + i * 60_000;
      h.discord.say(GENERAL_ID, asker(0), `thanks <@${asker(i)}> for the help`);
    }
    h.discord.say(GENERAL_ID, CY, 'Hi all, I write about this product on my blog');
    for (let i = 0; i < 3; i++) h.discord.join(friend(i), `friend${i}`);
    await h.settle();

    // The community team works on the site, signed in with the admin password.
    h.fw.clock.now = D0 + 20 * DAY;
    web = await buildWebApp(h.fw, h.fw.config, createLogger('silent'));
    const team = new Visitor(web);
    expect((await team.signInWithPassword(PASSWORD)).statusCode).toBe(303);
    const token = await team.csrf('/admin/contributions');
    const form = (body: Record<string, string>) => team.post('/admin/contributions', { _csrf: token, ...body }, 'application/json');
    // Author: a post recorded on the form.
    expect((await form({ kind: 'content_published', member: 'cy', url: 'https://blog.example.org/cy/tutorial', date: day(D0 + 5 * DAY) })).json()).toMatchObject({ status: 'recorded' });
    // Ambassador: three referrals.
    for (let i = 0; i < 3; i++) expect((await form({ kind: 'member_referred', member: 'cy', referred: `friend${i}`, date: day(D0 + (12 + i) * DAY) })).json()).toMatchObject({ status: 'recorded' });
    // An attendee list from the meetup.
    const upload = await team.post(
      '/admin/contributions/attendees',
      { _csrf: token, kind: 'event_attended', event: 'Summer meetup', date: day(D0 + 6 * DAY), csv: `name,discord id\nCy,${CY}\nBen,${BEN}\n` },
      'application/json',
    );
    expect(upload.json()).toMatchObject({ recorded: 2 });
    // Speaker: Cy submits her talk with /submit; the team approves it in the queue.
    const submitted = await h.discord.command('submit', CY, { options: [{ name: 'what', type: 3, value: 'event_spoke' }, { name: 'date', type: 3, value: day(D0 + 6 * DAY) }, { name: 'event', type: 3, value: 'Summer meetup' }] });
    expect(submitted.response.body.data.content).toMatch(/^Thank you/);
    const queue = await team.get('/admin/submissions');
    const id = queue.body.match(/data-submission="(\d+)"/)![1]!;
    expect((await team.post(`/admin/submissions/${id}/approve`, { _csrf: await team.csrf('/admin/submissions') })).statusCode).toBe(303);
    // Idea Maker: an automation sends five pieces of feedback with an API token.
    const created = await team.post('/admin/tokens', { _csrf: await team.csrf('/admin/tokens') }, 'text/html');
    expect(created.statusCode).toBe(400); // a token needs a name
    const apiToken = (await team.post('/admin/tokens', { _csrf: await team.csrf('/admin/tokens'), name: 'feedback board' }, 'application/json')).json().token as string;
    const feedback = Array.from({ length: 5 }, (_, i) => ({ kind: 'feedback_submitted', member: { discordId: CY }, title: `Idea ${i}`, date: day(D0 + (7 + i) * DAY) }));
    const api = await web.inject({ method: 'POST', url: '/api/v1/contributions', headers: { authorization: `Bearer ${apiToken}` }, payload: { contributions: feedback } });
    expect(api.statusCode).toBe(201);

    // The weeks and months of the summer close, as `serve` closes them.
    h.fw.clock.now = D0 + 100 * DAY;
    await h.fw.maintenance.closePeriods();

    const granted = new Set<string>((await h.fw.db('badge_awards').whereNull('revoked_at').distinct('badge_id')).map((r: { badge_id: string }) => r.badge_id));
    const earnable = h.fw.config.badges.filter((b) => b.criterion.type !== 'manual').map((b) => b.id);
    expect(earnable).toEqual(expect.arrayContaining(['author', 'speaker', 'idea-maker', 'ambassador', 'oracle', 'community-favourite', 'month-streak', 'advocate']));
    expect(earnable.filter((id) => !granted.has(id))).toEqual([]);
    const cy = (await h.fw.members.lookup('discord', CY)).id;
    expect((await h.fw.members.profile(cy)).badges.map((b) => b.id)).toEqual(expect.arrayContaining(['author', 'speaker', 'idea-maker', 'ambassador']));
  }, 180_000);
});
