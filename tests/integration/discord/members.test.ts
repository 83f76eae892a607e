/**
 * What members do outside help threads, through the real discord.js client: thanks (in chat and by
 * command), the fairness rules, deletes, privacy, rank and leaderboard, joins, and manager commands.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { CHAMPION_ROLE_ID, FORUM_ID, GENERAL_ID, MANAGER_ROLE_ID, STAFF_ROLE_ID } from '../../support/fake-discord.js';
import { recorded, totalOf } from '../../support/ledger.js';

const ANA = '400000000000000001';
const BEN = '400000000000000002';
const CY = '400000000000000003';
const BOSS = '400000000000000004';
const STAFFER = '400000000000000005';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
  h.discord.addUser(ANA, 'ana');
  h.discord.addUser(BEN, 'ben');
  h.discord.addUser(CY, 'cy');
  h.discord.addUser(BOSS, 'boss', { roles: [MANAGER_ROLE_ID] });
  h.discord.addUser(STAFFER, 'staffer', { roles: [STAFF_ROLE_ID] });
});
afterEach(() => h.close());

const later = (ms: number) => (h.fw.clock.now += ms);
const user = (id: string) => ({ name: 'member', type: 6, value: id });
const text = (name: string, value: string) => ({ name, type: 3, value });
const thanksOf = async (kind = 'thanks_received') => (await recorded(h.fw)).filter((r) => r.kind === kind).map((r) => [r.who, r.points, r.reason]);

describe('thanks in chat', () => {
  it('thanks the member a message replies to, and the members it mentions', async () => {
    const question = h.discord.say(GENERAL_ID, ANA, 'how do I reset my password?');
    h.discord.say(GENERAL_ID, BEN, 'Settings → Account → Reset.');
    h.discord.say(GENERAL_ID, ANA, 'thx!', { replyTo: { ...question, author: h.discord.users.get(BEN)! } });
    later(60_000);
    h.discord.say(GENERAL_ID, CY, `thank you <@${ANA}> and <@${BEN}>`);
    await h.settle();
    expect(await thanksOf()).toEqual([
      [BEN, 5, 'awarded'],
      [ANA, 5, 'awarded'],
      [BEN, 5, 'awarded'],
    ]);
  });

  it('ignores thanks in quotes, code and negations, and mentions without thanks', async () => {
    h.discord.say(GENERAL_ID, ANA, `> thanks <@${BEN}>\nwhat did you mean by this?`);
    h.discord.say(GENERAL_ID, ANA, `no thanks <@${BEN}>, I am fine`);
    h.discord.say(GENERAL_ID, ANA, `<@${BEN}> run \`git commit -m "thanks"\``);
    h.discord.say(GENERAL_ID, ANA, `<@${BEN}> can you look at this?`);
    await h.settle();
    expect(await thanksOf()).toEqual([]);
  });

  it('records a member thanking themself, worth nothing', async () => {
    h.discord.say(GENERAL_ID, ANA, `thanks <@${ANA}>, past me`);
    await h.settle();
    expect(await thanksOf()).toEqual([[ANA, 0, 'self_award']]);

    const { response } = await h.discord.command('thanks', ANA, { options: [user(ANA)] });
    expect(response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/Thanking yourself earns no points/) });
    expect(await thanksOf()).toEqual([
      [ANA, 0, 'self_award'],
      [ANA, 0, 'self_award'],
    ]);
    expect(await totalOf(h.fw, ANA)).toBe(1); // the chat message itself
  });

  it('pays a pair that thanks each other ten times in a minute only once (the cooldown counts both directions)', async () => {
    let last = h.discord.say(GENERAL_ID, BEN, 'here is the fix');
    for (let i = 0; i < 10; i++) {
      later(6_000);
      const [from, to] = i % 2 === 0 ? [ANA, BEN] : [BEN, ANA];
      last = h.discord.say(GENERAL_ID, from, 'thanks!', { replyTo: { ...last, author: h.discord.users.get(to)! } });
    }
    await h.settle();
    const received = await thanksOf();
    expect(received).toHaveLength(10);
    expect(received.filter(([, points]) => points !== 0)).toEqual([[BEN, 5, 'awarded']]);
    expect(received.slice(1).every(([, , reason]) => reason === 'pair_cooldown')).toBe(true);

    const { response } = await h.discord.command('thanks', ANA, { options: [user(BEN), text('reason', 'again')] });
    expect(response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/less than 30 minutes ago/) });
  });

  it('answers /thanks in the channel, naming both members without pinging them', async () => {
    const { response } = await h.discord.command('thanks', ANA, { options: [user(BEN), text('reason', 'for the review')] });
    expect(response.body.data.content).toBe('**ana** thanked **ben**: “for the review” (5 points to them)');
    expect(response.body.data.allowed_mentions).toEqual({ parse: [] });
    expect(response.body.data.flags ?? 0).toBe(0);
    expect(await thanksOf()).toEqual([[BEN, 5, 'awarded']]);
  });

  it('"Thank author" thanks a message once per member', async () => {
    const tip = h.discord.say(GENERAL_ID, BEN, 'pro tip: use --watch');
    await h.settle();
    await h.discord.command('Thank author', ANA, { target: tip });
    later(3_600_000);
    const again = await h.discord.command('Thank author', ANA, { target: tip });
    expect(again.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/already thanked/) });
    expect(await thanksOf()).toEqual([[BEN, 5, 'awarded']]);
  });
});

describe('deleting a message', () => {
  it('takes back what the message earned: the answer, its acceptance and the thanks it received', async () => {
    const { thread } = h.discord.openPost(FORUM_ID, ANA, 'q', 'question');
    const answer = h.discord.say(thread.id, BEN, 'answer');
    await h.settle();
    h.discord.react(answer, ANA, '✅');
    h.discord.react(answer, CY, '👍');
    await h.settle();
    await h.discord.command('Thank author', ANA, { target: answer });
    expect(await totalOf(h.fw, BEN)).toBe(5 + 15 + 1 + 5);

    h.discord.deleteMessage(answer);
    await h.settle();
    expect(await totalOf(h.fw, BEN)).toBe(0);
    expect(await totalOf(h.fw, CY)).toBe(0); // reaction_given is worth 0 anyway
    expect(await totalOf(h.fw, ANA)).toBe(2); // her question stands; the thanks she gave is taken back
    const reversals = (await recorded(h.fw)).filter((r) => r.reason === 'reversal');
    expect(reversals.map((r) => r.key).every((k) => k.startsWith(`discord:message:${answer.id}`))).toBe(true);

    h.discord.deleteMessage(answer); // delivered twice: nothing more
    await h.settle();
    expect((await recorded(h.fw)).filter((r) => r.reason === 'reversal')).toHaveLength(reversals.length);
  });

  it('a removed reaction is taken back', async () => {
    const tip = h.discord.say(GENERAL_ID, BEN, 'tip');
    await h.settle();
    h.discord.react(tip, ANA, '🎉');
    await h.settle();
    expect(await totalOf(h.fw, BEN)).toBe(2);
    h.discord.unreact(tip, ANA, '🎉');
    await h.settle();
    expect(await totalOf(h.fw, BEN)).toBe(1);
  });
});

describe('privacy, rank and leaderboard', () => {
  async function someActivity() {
    h.discord.say(GENERAL_ID, ANA, 'hello');
    h.discord.say(GENERAL_ID, BEN, `thanks <@${ANA}>`);
    await h.settle();
  }

  it('/rank shows points, rank and stage', async () => {
    await someActivity();
    const { response } = await h.discord.command('rank', BEN, { options: [user(ANA)] });
    expect(response.body.data.content).toBe(
      '**ana** — contributor\nThis month: 6 points (#1)\nAll time: 6 points (#1)\nNewest badges: Contributor (bronze), Appreciated (bronze)',
    );
    expect(response.body.data.allowed_mentions).toEqual({ parse: [] });
    const own = await h.discord.command('rank', BEN);
    expect(own.response.body.data.content).toMatch(/^\*\*ben\*\* — .*\nThis month: 2 points \(#2\)\nAll time: 2 points \(#2\)\n/);
  });

  it('a member who hides disappears from boards and other members’ /rank, but still sees their own', async () => {
    await someActivity();
    const hide = await h.discord.command('privacy', ANA, { options: [text('visibility', 'hide')] });
    expect(hide.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/now hidden/) });

    const board = await h.discord.command('leaderboard', CY);
    expect(board.response.body.data.content).not.toMatch(/ana/);
    expect(board.response.body.data.content).toMatch(/`#1` \*\*ben\*\* — 2 points/);
    expect((await h.fw.boards.leaderboard({ period: 'month' })).entries.map((e) => e.member.displayName)).toEqual(['ben']);

    const other = await h.discord.command('rank', CY, { options: [user(ANA)] });
    expect(other.response.body.data).toMatchObject({ flags: 64, content: '**ana** keeps their profile private.' });
    const own = await h.discord.command('rank', ANA);
    expect(own.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/6 points \(unranked\)[\s\S]*hidden/) });
    const profile = await h.discord.command('profile', ANA);
    expect(profile.response.body.data.content).toMatch(/hidden/);

    await h.discord.command('privacy', ANA, { options: [text('visibility', 'show')] });
    const back = await h.discord.command('profile', ANA);
    expect(back.response.body.data.content).toMatch(/^Your page: https:\/\/community\.example\.org\/members\/\d+$/);
  });

  it('/leaderboard lists the month’s top members, leaving staff off', async () => {
    h.discord.say(GENERAL_ID, STAFFER, 'official answer');
    h.discord.say(GENERAL_ID, BEN, 'me too');
    await h.settle();
    const { response } = await h.discord.command('leaderboard', ANA, { options: [text('period', 'all')] });
    expect(response.body.data.content).toMatch(/leaderboard — all time\*\*\n`#1` \*\*ben\*\* — 1 point$/);
  });
});

describe('joins and managers', () => {
  it('records a member joining the server, once', async () => {
    h.discord.join('400000000000000077', 'newbie');
    h.discord.join('400000000000000077', 'newbie');
    await h.settle();
    expect((await recorded(h.fw)).map((r) => [r.kind, r.who])).toEqual([['member_joined', '400000000000000077']]);
  });

  it('/award and /nominate work for managers and are refused, ephemerally, to everyone else', async () => {
    const refused = await h.discord.command('award', ANA, { options: [user(BEN), { name: 'points', type: 4, value: 50 }, text('reason', 'great talk')] });
    expect(refused.response.body.data).toMatchObject({ flags: 64, content: 'Only community managers can use this command.' });

    const award = await h.discord.command('award', BOSS, { options: [user(BEN), { name: 'points', type: 4, value: 50 }, text('reason', 'great talk')] });
    expect(award.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/Recorded \+50 .* for \*\*ben\*\*: “great talk”/) });
    const takeBack = await h.discord.command('award', BOSS, { options: [user(BEN), { name: 'points', type: 4, value: -20 }, text('reason', 'double counted')] });
    expect(takeBack.response.body.data.content).toMatch(/Recorded -20/);
    expect(await totalOf(h.fw, BEN)).toBe(30);

    const nominated = await h.discord.command('nominate', BOSS, { options: [user(BEN), text('reason', 'answers questions every single week'), text('evidence', 'https://example.org/t/1')] });
    expect(nominated.response.body.data).toMatchObject({ flags: 64, content: 'Nominated **ben** as a champion. The community team will review it.' });
    const badLink = await h.discord.command('nominate', BOSS, { options: [user(BEN), text('reason', 'again and again and again'), text('evidence', 'not a link')] });
    expect(badLink.response.body.data).toMatchObject({ flags: 64, content: 'evidence: expected a link (https://…)' });
    const short = await h.discord.command('nominate', BOSS, { options: [user(CY), text('reason', 'yes')] });
    expect(short.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/^reason: expected at least a sentence/) });
    const rows = await h.fw.db('nominations').select('reason', 'space', 'evidence', 'status', 'kind');
    expect(rows).toEqual([{ reason: 'answers questions every single week', space: 'support', evidence: '["https://example.org/t/1"]', status: 'pending', kind: 'nomination' }]);
  });
});

describe('badges in Discord', () => {
  it('/badge lets a manager grant a manual badge, announced without a ping; the champion badge brings the champion role', async () => {
    const refused = await h.discord.command('badge', ANA, { options: [user(BEN), text('badge', 'champion'), text('reason', 'x')] });
    expect(refused.response.body.data.content).toBe('Only community managers can use this command.');
    const unknown = await h.discord.command('badge', BOSS, { options: [user(BEN), text('badge', 'first-answer'), text('reason', 'great work')] });
    expect(unknown.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/earned automatically, not granted \(manual badges: champion\)/) });

    const { response } = await h.discord.command('badge', BOSS, { options: [user(BEN), text('badge', 'champion'), text('reason', 'a year of answers')] });
    expect(response.body.data).toMatchObject({ flags: 64, content: 'Granted **Champion** to **ben**.' });
    const news = await h.discord.waitFor((c) => c.method === 'POST' && /earned the \*\*Champion\*\* badge/.test(JSON.stringify(c.body?.embeds ?? [])));
    expect(news.body.embeds[0]).toMatchObject({ title: '🥇 Champion', description: expect.stringMatching(/^\*\*ben\*\* earned the \*\*Champion\*\* badge/) });
    expect(news.body.allowed_mentions).toEqual({ parse: [] });
    await h.discord.waitFor((c) => c.method === 'PUT' && c.path.endsWith(`/members/${BEN}/roles/${CHAMPION_ROLE_ID}`));
    expect((await h.fw.members.profile((await h.fw.members.lookup('discord', BEN)).id)).badges.map((b) => b.id)).toEqual(['champion']);
  });

  it('does not announce badges of a hidden member', async () => {
    await h.discord.command('privacy', CY, { options: [text('visibility', 'hide')] });
    h.discord.openPost(FORUM_ID, ANA, 'a question', 'how?');
    later(60_000);
    h.discord.say(GENERAL_ID, ANA, `thanks <@${CY}>`);
    await h.settle();
    const cy = (await h.fw.db('identities').where({ external_id: CY }).first()).member_id;
    expect(await h.fw.db('badge_awards').where({ member_id: cy }).pluck('badge_id')).toContain('appreciated');
    const news = h.discord.calls.filter((c) => c.method === 'POST' && /\/messages$/.test(c.path)).map((c) => JSON.stringify(c.body));
    expect(news.join('\n')).not.toMatch(/\*\*cy\*\*/);
    expect(news.join('\n')).toMatch(/\*\*ana\*\* earned the \*\*Curious Mind\*\*/); // announcements did go out
  });
});
