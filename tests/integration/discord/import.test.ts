/**
 * `flywheel import discord` against the fake Discord: years of history in channels, a help forum
 * and a showcase forum (archived and active threads), read over REST through its rate limits;
 * an import cut off part-way and run again; and the live bot and the import over the same
 * messages, which must record the same activities under the same keys, and nothing twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../src/config.js';
import { discordRest } from '../../../src/discord/bot.js';
import { importDiscordHistory, type DiscordImportOptions } from '../../../src/discord/import.js';
import { dialect, freshDatabaseUrl, flywheelOver, testFlywheel, type TestFlywheel } from '../../support/db.js';
import { startBotHarness } from '../../support/discord.js';
import { ANNOUNCE_ID, BOT_ID, FakeDiscord, fakeClock, FLAG_MESSAGE_CONTENT, FORUM_ID, GENERAL_ID, GUILD_ID, MOD_ROLE_ID, OTHER_FORUM_ID, STAFF_ROLE_ID } from '../../support/fake-discord.js';
import { recorded, stateOf } from '../../support/ledger.js';

const ASKER = '300000000000000001';
const BEA = '300000000000000002';
const CAL = '300000000000000003';
const MOD = '300000000000000004';
const DAN = '300000000000000005';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function fakeDiscord(): Promise<FakeDiscord> {
  const discord = await new FakeDiscord().start();
  open.push({ close: () => discord.stop() });
  for (const [id, name, roles] of [
    [ASKER, 'asker', []],
    [BEA, 'bea', [STAFF_ROLE_ID]],
    [CAL, 'cal', []],
    [MOD, 'mod', [MOD_ROLE_ID]],
    [DAN, 'dan', []],
  ] as const)
    discord.addUser(id, name, { roles: [...roles] });
  // They joined over the years (the bot's own join counts for nobody).
  for (const [id, at] of [
    [ASKER, '2021-11-02T10:00:00Z'],
    [BEA, '2020-05-01T10:00:00Z'],
    [CAL, '2022-02-27T10:00:00Z'],
    [MOD, '2020-05-01T11:00:00Z'],
    [DAN, '2023-12-01T10:00:00Z'],
    [BOT_ID, '2020-05-01T09:00:00Z'],
  ] as const)
    discord.members.get(id)!.joined_at = at;
  return discord;
}

async function flywheelFor(discord: FakeDiscord): Promise<TestFlywheel> {
  const fw = await testFlywheel(
    { DISCORD_TOKEN: 'test-token', DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: discord.apiUrl, DISCORD_HELP_FORUM_IDS: FORUM_ID },
    (c: Config) => void (c.staff.discordRoleIds = [STAFF_ROLE_ID]),
  );
  open.push(fw);
  return fw;
}

const importInto = (fw: TestFlywheel, options: DiscordImportOptions = {}) => importDiscordHistory(fw, fw.config, discordRest(fw.config), options);

/** Four years of a community, written at their own dates (ids carry the time, as Discord's do). */
function writeHistory(discord: FakeDiscord) {
  let now = Date.parse('2022-03-01T10:00:00Z');
  fakeClock.now = () => now;
  const at = (iso: string) => (now = Date.parse(iso));
  const step = () => (now += 60_000);

  at('2022-03-01T10:00:00Z');
  const hello = discord.say(GENERAL_ID, BEA, 'Hi all, I maintain the docs.');
  step();
  discord.say(GENERAL_ID, CAL, 'thanks, the docs saved me!', { replyTo: hello });
  step();
  discord.react(hello, ASKER, '👍');
  discord.react(hello, BOT_ID, '👍'); // the bot's own reaction counts for nobody
  discord.say(GENERAL_ID, ASKER, 'no thanks, I am fine'); // a negation: no thanks
  discord.say(GENERAL_ID, BOT_ID, 'Welcome!'); // the bot speaking: nothing

  at('2023-06-10T09:00:00Z');
  const build = discord.openPost(FORUM_ID, ASKER, 'Build fails on Node 20', 'ERR_REQUIRE_ESM, any idea?');
  step();
  discord.say(build.thread.id, BEA, 'Switch to import().');
  step();
  const calAnswer = discord.say(build.thread.id, CAL, 'Or set "type": "module".');
  step();
  discord.say(build.thread.id, ASKER, 'thanks!'); // two helpers spoke: a bare thanks credits nobody
  discord.react(calAnswer, ASKER, '✅'); // the asker marks the answer
  at('2023-06-20T09:00:00Z');
  discord.archive(build.thread.id);

  at('2024-01-15T18:00:00Z');
  const cache = discord.openPost(FORUM_ID, CAL, 'Cache never expires', 'TTL seems ignored.');
  step();
  const danAnswer = discord.say(cache.thread.id, DAN, 'The TTL is in seconds, not ms.');
  step();
  discord.say(cache.thread.id, CAL, 'thank you'); // one helper since the asker spoke: DAN is thanked
  discord.react(danAnswer, MOD, '✅'); // a moderator marks the answer
  discord.react(danAnswer, BEA, '🎉');
  at('2024-01-25T18:00:00Z');
  discord.archive(cache.thread.id);
  discord.members.delete(DAN); // DAN left the server since

  at('2025-05-05T12:00:00Z');
  const showcase = discord.openPost(OTHER_FORUM_ID, BEA, 'My plugin', 'Look what I built');
  step();
  discord.say(showcase.thread.id, ASKER, 'thanks for sharing <@300000000000000002>'); // a mention: BEA is thanked
  const gone = discord.say(GENERAL_ID, CAL, 'a message deleted since');
  discord.deleteMessage(gone);
  discord.say(ANNOUNCE_ID, CAL, 'in a channel the bot may not read');

  // A busy 2026: more than one page of messages in #general.
  at('2026-02-01T08:00:00Z');
  const people = [ASKER, BEA, CAL, MOD];
  for (let i = 0; i < 130; i++) {
    discord.say(GENERAL_ID, people[i % 4]!, `message ${i}`);
    step();
  }
  return { build, cache, showcase, hello, calAnswer, danAnswer };
}

const whoDid = async (fw: TestFlywheel, kind: string) =>
  (await recorded(fw)).filter((r) => r.kind === kind).map((r) => r.who);

describe('flywheel import discord', () => {
  it('records years of channels, forum posts and archived threads as the bot would, through rate limits', async () => {
    const discord = await fakeDiscord();
    const story = writeHistory(discord);
    discord.rateLimitEvery = 9;
    discord.denied.add(ANNOUNCE_ID);
    const fw = await flywheelFor(discord);
    const progress: number[] = [];

    const result = await importInto(fw, { onProgress: (p) => progress.push(p.done) });

    expect(discord.rateLimited).toBeGreaterThan(0); // Discord said "slow down", and nothing was lost for it
    expect(result).toMatchObject({ total: 5, done: 5, members: 5, resumed: 0, skipped: [ANNOUNCE_ID, ANNOUNCE_ID] }); // #general, #kudos (refused: its threads and its messages), two help posts, one showcase post
    expect(progress.at(-1)).toBe(5);
    expect(await whoDid(fw, 'question_asked')).toEqual([ASKER, CAL]);
    // Today's members' joins, dated when they joined; DAN has left, and the list no longer shows him.
    expect((await whoDid(fw, 'member_joined')).sort()).toEqual([ASKER, BEA, CAL, MOD]);
    const join = await fw.db('activities').where({ natural_key: `discord:member:${CAL}:joined` }).first();
    expect(new Date(Number(join.occurred_at)).toISOString()).toBe('2022-02-27T10:00:00.000Z');
    // An answer is paid once endorsed (fair play): CAL's and DAN's were accepted, so each carries a
    // second award row, its pay; nobody endorsed BEA's.
    expect(await whoDid(fw, 'answer_posted')).toEqual([BEA, CAL, CAL, DAN, DAN]);
    expect(await whoDid(fw, 'answer_accepted')).toEqual([CAL, DAN]);
    expect(await whoDid(fw, 'thanks_received')).toEqual([BEA, DAN, BEA]);
    expect(await whoDid(fw, 'thanks_given')).toEqual([CAL, CAL, ASKER]);
    expect((await whoDid(fw, 'reaction_received')).sort()).toEqual([BEA, DAN]);
    expect((await whoDid(fw, 'reaction_given')).sort()).toEqual([ASKER, BEA]);
    // Chat: 3 in 2022 (not the bot's), the askers' follow-ups in their own posts, the showcase post and its reply, 130 in 2026; the deleted one is gone.
    expect(await whoDid(fw, 'message_posted')).toHaveLength(3 + 2 + 2 + 130);

    // Dated when they happened, years ago, and linked to the message.
    const question = await fw.db('activities').where({ natural_key: `discord:message:${story.build.thread.id}` }).first();
    expect(new Date(Number(question.occurred_at)).toISOString()).toBe('2023-06-10T09:00:00.000Z');
    expect(question.source_url).toBe(`https://discord.com/channels/${GUILD_ID}/${story.build.thread.id}/${story.build.thread.id}`);
    // The staff role is read from the member (as the bot reads it from the gateway).
    const staff = async (id: string) => Boolean((await fw.db('identities').where({ platform: 'discord', external_id: id }).first()).is_staff);
    expect([await staff(BEA), await staff(CAL), await staff(DAN)]).toEqual([true, false, false]);

    // A second run reads only what is new, and records nothing twice.
    const before = await stateOf(fw.db);
    expect(await importInto(fw)).toMatchObject({ recorded: 0, messages: 0, resumed: 4 }); // #kudos was not readable
    expect(await stateOf(fw.db)).toEqual(before);
  });

  it('reads only the channels asked for, and only messages since a date', async () => {
    const discord = await fakeDiscord();
    writeHistory(discord);
    const fw = await flywheelFor(discord);

    const result = await importInto(fw, { channels: [FORUM_ID], since: Date.parse('2024-01-01T00:00:00Z') });

    expect(result.total).toBe(1); // the 2023 post was archived before the date: not even listed
    expect(await whoDid(fw, 'question_asked')).toEqual([CAL]);
    expect(await whoDid(fw, 'message_posted')).toEqual([CAL]); // the asker's own follow-up; nothing from #general
    expect(await whoDid(fw, 'member_joined')).toEqual([]); // joins are server-wide: not with --channels

    const joinsSince = await flywheelFor(discord);
    await importInto(joinsSince, { since: Date.parse('2022-01-01T00:00:00Z') });
    expect(await whoDid(joinsSince, 'member_joined')).toEqual([CAL]);

    // Without the Server Members intent Discord refuses the member list: the rest is still imported.
    discord.flags = FLAG_MESSAGE_CONTENT;
    const noMembers = await flywheelFor(discord);
    expect(await importInto(noMembers)).toMatchObject({ skipped: ['members'], done: 5 });
    expect(await whoDid(noMembers, 'member_joined')).toEqual([]);
    expect(await whoDid(noMembers, 'question_asked')).toEqual([ASKER, CAL]);
    await expect(importInto(fw, { channels: ['199999999999999999'] })).rejects.toMatchObject({ code: 'invalid_parameter' });
  });

  it('resumes after an import cut off part-way: nothing lost, nothing doubled, and it does not start over', async () => {
    const discord = await fakeDiscord();
    writeHistory(discord);
    const whole = await flywheelFor(discord);
    const readsBefore = discord.callsTo('GET', /\/messages$/).length;
    await importInto(whole);
    const fullReads = discord.callsTo('GET', /\/messages$/).length - readsBefore;
    const expected = await stateOf(whole.db);

    const fw = await flywheelFor(discord);
    // Discord goes away after a few pages (the network drops, the process is killed): the run fails.
    let pages = 0;
    const mark = discord.calls.length;
    const cut = discord
      .waitFor((c) => discord.calls.indexOf(c) >= mark && c.method === 'GET' && /\/channels\/\d+\/messages$/.test(c.path) && ++pages === 4)
      .then(() => (discord.down = true));
    await expect(importInto(fw)).rejects.toThrow();
    await cut;
    const partial = await stateOf(fw.db);
    expect(partial.ledger.length).toBeGreaterThan(0);
    expect(partial.ledger.length).toBeLessThan(expected.ledger.length);

    discord.down = false;
    const readsAtRestart = discord.callsTo('GET', /\/messages$/).length;
    const second = await importInto(fw);
    expect(second.resumed).toBeGreaterThan(0);
    expect(discord.callsTo('GET', /\/messages$/).length - readsAtRestart).toBeLessThan(fullReads);
    expect(await stateOf(fw.db)).toEqual(expected);
  });
});

describe('the live bot and the import over the same messages', () => {
  it('record the same activities under the same keys, and together nothing twice', async () => {
    const h = await startBotHarness();
    open.push(h);
    for (const [id, name, roles] of [
      [ASKER, 'asker', []],
      [BEA, 'bea', [STAFF_ROLE_ID]],
      [CAL, 'cal', []],
      [MOD, 'mod', [MOD_ROLE_ID]],
    ] as const)
      h.discord.addUser(id, name, { roles: [...roles] });
    const later = () => (h.fw.clock.now += 60_000);

    h.discord.join('300000000000000006', 'eve');
    const { thread } = h.discord.openPost(FORUM_ID, ASKER, 'How do I paginate?', 'Any example?');
    later();
    const answer: APIMessage = h.discord.say(thread.id, BEA, 'Use limit and after.');
    later();
    h.discord.say(thread.id, CAL, 'Also mind the rate limits.');
    later();
    h.discord.say(thread.id, ASKER, 'thanks <@300000000000000003>', { replyTo: answer });
    h.discord.react(answer, ASKER, '✅');
    const hello = h.discord.say(GENERAL_ID, CAL, 'hello');
    h.discord.react(hello, BEA, '👋');
    later();
    h.discord.say(GENERAL_ID, BEA, 'ty!', { replyTo: hello });
    await h.settle();
    const live = await stateOf(h.fw.db);
    expect(live.ledger.length).toBeGreaterThan(10);

    // Since then BEA edited her answer to thank CAL: the bot had decided on it when it arrived.
    const edited = h.discord.messages.get(thread.id)!.find((m) => m.id === answer.id)!;
    Object.assign(edited, { content: 'Use limit and after. thanks <@300000000000000003>', mentions: [h.discord.users.get(CAL)!] });

    // Beside the bot: every message is already recorded; only the joins from before the bot was there are new.
    const beside = await importInto(h.fw);
    expect(beside.messages).toBeGreaterThan(0);
    const after = await stateOf(h.fw.db);
    const keysOf = (state: typeof live) => state.ledger.map((r: { natural_key: string }) => r.natural_key);
    expect(keysOf(after).filter((k: string) => !keysOf(live).includes(k)).sort()).toEqual([ASKER, BEA, CAL, MOD].map((id) => `discord:member:${id}:joined`).sort());
    expect(beside.recorded).toBe(4);
    expect(after.awards.filter((a: { natural_key: string }) => !a.natural_key.endsWith(':joined'))).toEqual(live.awards.filter((a: { natural_key: string }) => !a.natural_key.endsWith(':joined')));

    // On its own: the same keys, kinds and members as the bot recorded.
    const alone = await flywheelFor(h.discord);
    await importInto(alone);
    const keys = async (fw: TestFlywheel) => (await recorded(fw)).map((r) => `${r.key} ${r.kind} ${r.who}`).sort();
    const edit = `discord:message:${answer.id}:thanks:${CAL}`;
    expect(await keys(alone)).toContain(`${edit}:given thanks_given ${BEA}`);
    expect((await keys(alone)).filter((k) => !k.startsWith(edit))).toEqual(await keys(h.fw)); // read alone, the edited text counts as it reads now
  });
});

describe('the command', () => {
  /** `flywheel import discord …` in its own process; resolves with how it ended and what it printed. */
  const cli = (args: string[], env: Record<string, string>, onStart?: (kill: () => void) => void) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', 'discord', ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
      onStart?.(() => child.kill('SIGKILL'));
    });

  it('killed part-way, resumes on the next run: the same ledger as one uninterrupted import', async () => {
    const discord = await fakeDiscord();
    writeHistory(discord);
    discord.rateLimitEvery = 11;
    const discordEnv = { DISCORD_TOKEN: 'test-token', DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: discord.apiUrl, DISCORD_HELP_FORUM_IDS: FORUM_ID };
    const env = {
      ...discordEnv,
      DATABASE_URL: dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-discord-import-')), 'fw.sqlite')}` : await freshDatabaseUrl(),
    };
    const reference = await testFlywheel(discordEnv);
    open.push(reference);
    await importInto(reference);
    const expected = await stateOf(reference.db);

    // The operator's process dies (SIGKILL: no cleanup) after Discord answered a few pages, while it waits for the next.
    let pages = 0;
    const mark = discord.calls.length;
    const stalled = discord.holdAfter((c) => discord.calls.indexOf(c) >= mark && /\/channels\/\d+\/messages$/.test(c.path) && ++pages === 3);
    const killed = await cli([], env, (kill) => void stalled.then(() => setTimeout(kill, 200)));
    discord.release();
    expect(killed.signal).toBe('SIGKILL');

    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' }, '/nonexistent');
    const fw = flywheelOver(config);
    open.push(fw);
    const partial = await stateOf(fw.db);
    expect(partial.ledger.length).toBeGreaterThan(0);
    expect(partial.ledger.length).toBeLessThan(expected.ledger.length);

    const again = await cli([], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/"resumed":[1-9]/);
    expect(again.stdout).toContain('Discord history imported');
    expect(await stateOf(fw.db)).toEqual(expected);
  }, 120_000);

  it('refuses what is not a channel id, naming the option', async () => {
    const result = await cli(['--channels', 'general'], { DATABASE_URL: 'sqlite::memory:' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("option '--channels <ids>' argument 'general' is invalid");
  }, 60_000);
});
