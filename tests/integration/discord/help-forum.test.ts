/**
 * A real help-forum conversation through the real discord.js client: a member asks, two others
 * answer, the asker thanks one and marks the other's answer. What the pipeline recorded and what
 * the bot sent back over REST are both checked.
 */
import { GatewayDispatchEvents } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { ANNOUNCE_ID, CONTRIBUTOR_ROLE_ID, type RestCall, FORUM_ID, GENERAL_ID, MOD_ROLE_ID, OTHER_FORUM_ID, SOLVED_TAG_ID } from '../../support/fake-discord.js';
import { recorded, totalOf } from '../../support/ledger.js';

const ASKER = '300000000000000001';
const BEA = '300000000000000002';
const CAL = '300000000000000003';
const MOD = '300000000000000004';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
  h.discord.addUser(ASKER, 'asker');
  h.discord.addUser(BEA, 'bea');
  h.discord.addUser(CAL, 'cal');
  h.discord.addUser(MOD, 'mod', { roles: [MOD_ROLE_ID] });
});
afterEach(() => h.close());

const later = (ms: number) => (h.fw.clock.now += ms);

describe('a question in a help forum', () => {
  it('keeps the avatar Discord gives a member, for their face on the site, and the post title for their answers', async () => {
    h.discord.users.get(BEA)!.avatar = 'c'.repeat(32);
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'Where is the config?', 'I cannot find it');
    later(60_000);
    const answer = h.discord.say(thread.id, BEA, 'It is in flywheel.yaml.');
    later(60_000);
    h.discord.say(thread.id, ASKER, 'thanks!', { replyTo: answer });
    await h.settle();
    const bea = await h.fw.members.lookup('discord', BEA);
    expect(bea.avatarUrl).toBe(`https://cdn.discordapp.com/avatars/${BEA}/${'c'.repeat(32)}.png?size=256`);
    // Her answer is listed under the post's title.
    expect(bea.recent).toContainEqual(expect.objectContaining({ kind: 'answer_posted', title: 'Where is the config?' }));
    // The asker uses Discord's default avatar: no face of their own, so the site draws initials.
    expect((await h.fw.members.lookup('discord', ASKER)).avatarUrl).toBeNull();
  });

  it('records the question, both answers, the thanks and the accepted answer — and tags the post solved', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'Build fails on Node 20', 'My build fails with ERR_REQUIRE_ESM, any idea?');
    later(60_000);
    const fromBea = h.discord.say(thread.id, BEA, 'You are importing an ESM-only package from CommonJS. Switch to import().');
    later(60_000);
    const fromCal = h.discord.say(thread.id, CAL, 'Or set "type": "module" in package.json.');
    later(60_000);
    h.discord.say(thread.id, ASKER, 'thanks, that was it!', { replyTo: fromBea });
    later(60_000);
    await h.settle();

    const { response } = await h.discord.command('Mark as answer', ASKER, { target: fromCal });
    expect(response.body.type).toBe(4);
    expect(response.body.data.content).toMatch(/Marked \*\*cal\*\*'s reply as the solution \(15 points\)/);
    expect(response.body.data.allowed_mentions).toEqual({ parse: [] });
    expect(response.body.data.flags ?? 0).toBe(0);

    const tag = await h.discord.waitFor((c) => c.method === 'PATCH' && c.path.endsWith(`/channels/${thread.id}`));
    expect(tag.body.applied_tags).toEqual([SOLVED_TAG_ID]);

    const ledger = await recorded(h.fw);
    const byKind = (kind: string) => ledger.filter((r) => r.kind === kind).map((r) => [r.who, r.points, r.reason]);
    expect(byKind('question_asked')).toEqual([[ASKER, 2, 'awarded']]);
    // Answers wait for an endorsement (fair play): the asker's thanks pays Bea's, the acceptance Cal's.
    expect(byKind('answer_posted')).toEqual([
      [BEA, 0, 'unendorsed'],
      [CAL, 0, 'unendorsed'],
      [BEA, 5, 'awarded'],
      [CAL, 5, 'awarded'],
    ]);
    expect(byKind('thanks_received')).toEqual([[BEA, 5, 'awarded']]);
    expect(byKind('thanks_given')).toEqual([[ASKER, 1, 'awarded']]);
    expect(byKind('answer_accepted')).toEqual([[CAL, 15, 'awarded']]);
    expect(await totalOf(h.fw, CAL)).toBe(20);
    expect(await totalOf(h.fw, BEA)).toBe(10);
  });

  it('announces new contributors without pinging them, and gives them the stage role', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'How do I paginate?', 'Any example?');
    const answer = h.discord.say(thread.id, BEA, 'Use limit and offset.');
    // The asker's thanks endorses the answer: that makes Bea a contributor (fair play).
    h.discord.say(thread.id, ASKER, 'thanks, that works', { replyTo: answer });
    await h.settle();

    const posted = (c: RestCall) => c.method === 'POST' && c.path.endsWith(`/channels/${ANNOUNCE_ID}/messages`);
    const announcement = await h.discord.waitFor((c) => posted(c) && /bea/.test(c.body.content ?? ''));
    expect(announcement.body.content).toMatch(/🎉 \*\*bea\*\* is now a \*\*contributor\*\*/);
    const badges = await h.discord.waitFor((c) => posted(c) && (c.body.embeds ?? []).some((e: { description: string }) => /bea/.test(e.description)));
    const firstAnswer = badges.body.embeds.find((e: { description: string }) => /\*\*bea\*\* earned the \*\*First Answer\*\* badge/.test(e.description));
    expect(firstAnswer).toMatchObject({ thumbnail: { url: 'https://community.example.org/badges/first-answer.png' }, url: expect.stringMatching(/^https:\/\/community\.example\.org\/badges\/awards\/\d+$/) });
    expect(badges.body.allowed_mentions).toEqual({ parse: [] });
    expect(announcement.body.allowed_mentions).toEqual({ parse: [] });
    await h.discord.waitFor((c) => c.method === 'PUT' && c.path.endsWith(`/members/${BEA}/roles/${CONTRIBUTOR_ROLE_ID}`));
    // Asking is no headline, but the first-question badge is.
    const news = JSON.stringify(h.discord.callsTo('POST', new RegExp(`/channels/${ANNOUNCE_ID}/messages$`)).map((c) => c.body));
    expect(news).not.toMatch(/asker\*\* is now/);
    expect(news).toMatch(/\*\*asker\*\* earned the \*\*Curious Mind\*\* badge/);
    // The bot's own announcements come back through the gateway; they are not recorded.
    await h.settle();
    expect((await recorded(h.fw)).filter((r) => r.kind === 'message_posted').map((r) => r.who)).toEqual([ASKER]);
  });

  it('counts only the first answer of each member, and a follow-up by the asker as a message', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'q', 'question');
    h.discord.say(thread.id, BEA, 'first try');
    later(120_000);
    h.discord.say(thread.id, BEA, 'second try');
    h.discord.say(thread.id, ASKER, 'still failing');
    await h.settle();
    const ledger = await recorded(h.fw);
    // The counted answer waits for an endorsement (fair play); the second is a repeat either way.
    expect(ledger.filter((r) => r.kind === 'answer_posted').map((r) => r.reason)).toEqual(['unendorsed', 'repeat_answer']);
    expect(ledger.filter((r) => r.who === ASKER).map((r) => r.kind)).toEqual(['question_asked', 'message_posted']);
  });

  it('treats posts in forums that are not help forums as ordinary messages', async () => {
    const { thread } = h.discord.openPost(OTHER_FORUM_ID, ASKER, 'My project', 'Look at this');
    h.discord.say(thread.id, BEA, 'Nice!');
    await h.settle();
    expect((await recorded(h.fw)).map((r) => r.kind)).toEqual(['message_posted', 'message_posted']);
  });

  it('accepts with the ✅ reaction from the asker or a moderator, never from someone else', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'q', 'question');
    const answer = h.discord.say(thread.id, BEA, 'answer');
    await h.settle();
    h.discord.react(answer, CAL, '✅'); // a bystander: just a reaction
    h.discord.react(answer, MOD, '✅'); // a moderator: accepted
    h.discord.react(answer, ASKER, '✅'); // the asker too: still one acceptance
    await h.settle();
    const ledger = await recorded(h.fw);
    expect(ledger.filter((r) => r.kind === 'answer_accepted').map((r) => [r.who, r.points])).toEqual([[BEA, 15]]);
    expect(ledger.filter((r) => r.kind.startsWith('reaction_')).map((r) => [r.kind, r.who])).toEqual([
      ['reaction_given', CAL],
      ['reaction_received', BEA],
    ]);
    await h.discord.waitFor((c) => c.method === 'PATCH' && c.path.endsWith(`/channels/${thread.id}`));
  });

  it('keeps at most five tags when it adds Solved', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'q', 'question');
    const tags = ['100000000000000101', '100000000000000102', '100000000000000103', '100000000000000104', '100000000000000105'];
    h.discord.dispatch(GatewayDispatchEvents.ThreadUpdate, Object.assign(thread, { applied_tags: tags }));
    const answer = h.discord.say(thread.id, BEA, 'answer');
    await h.settle();
    await h.discord.command('Mark as answer', MOD, { target: answer });
    const patch = await h.discord.waitFor((c) => c.method === 'PATCH' && c.path.endsWith(`/channels/${thread.id}`));
    expect(patch.body.applied_tags).toEqual([...tags.slice(1), SOLVED_TAG_ID]);
  });

  it('lets only the asker or a moderator mark an answer, and only in help threads', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'q', 'question');
    const answer = h.discord.say(thread.id, BEA, 'answer');
    const chat = h.discord.say(GENERAL_ID, BEA, 'hello');
    await h.settle();
    const byStranger = await h.discord.command('Mark as answer', CAL, { target: answer });
    expect(byStranger.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/Only the member who asked/) });
    const inChat = await h.discord.command('Mark as answer', ASKER, { target: chat });
    expect(inChat.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/help-forum posts only/) });
    expect((await recorded(h.fw)).filter((r) => r.kind === 'answer_accepted')).toEqual([]);
  });

  it('credits a bare "thanks" from the asker to the one member who answered — and to nobody when two did', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'q', 'question');
    h.discord.say(thread.id, BEA, 'try this');
    later(60_000);
    h.discord.say(thread.id, ASKER, 'thanks!');
    later(60_000);
    h.discord.say(thread.id, BEA, 'also this');
    h.discord.say(thread.id, CAL, 'or that');
    later(60_000);
    h.discord.say(thread.id, ASKER, 'thank you');
    await h.settle();
    const thanks = (await recorded(h.fw)).filter((r) => r.kind === 'thanks_received');
    expect(thanks.map((r) => r.who)).toEqual([BEA]);
  });
});
