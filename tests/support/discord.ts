/** The real bot, on a fresh database, connected to a fresh fake Discord; log lines are kept for assertions. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Config } from '../../src/config.js';
import { startDiscordBot, type DiscordBot } from '../../src/discord/bot.js';
import { testFlywheel, type TestFlywheel } from './db.js';
import { replayThriceChangesNothing } from './replay.js';
import {
  ANNOUNCE_ID,
  CHAMPION_ROLE_ID,
  CONTRIBUTOR_ROLE_ID,
  FakeDiscord,
  fakeClock,
  FORUM_ID,
  GUILD_ID,
  MANAGER_ROLE_ID,
  PARTICIPANT_ROLE_ID,
  STAFF_ROLE_ID,
} from './fake-discord.js';

export interface BotHarness {
  fw: TestFlywheel;
  discord: FakeDiscord;
  bot: DiscordBot;
  logs: Array<{ level: number; msg: string }>;
  /** Wait until every event the fake has sent so far is recorded. */
  settle(): Promise<void>;
  /** Deliver every member event so far three more times, each time shuffled; throws if anything a member would notice changed. */
  replayThrice(): Promise<void>;
  close(): Promise<void>;
}

export async function startBotHarness(options: { flags?: number; env?: Record<string, string>; configure?: (c: Config) => void } = {}): Promise<BotHarness> {
  const discord = await new FakeDiscord().start();
  if (options.flags !== undefined) discord.flags = options.flags;
  const fw = await testFlywheel(
    {
      DISCORD_TOKEN: 'test-token',
      DISCORD_GUILD_ID: GUILD_ID,
      DISCORD_API_URL: discord.apiUrl,
      DISCORD_HELP_FORUM_IDS: FORUM_ID,
      DISCORD_ANNOUNCE_CHANNEL_ID: ANNOUNCE_ID,
      DISCORD_MANAGER_ROLE_ID: MANAGER_ROLE_ID,
      PUBLIC_URL: 'https://community.example.org',
      ...options.env,
    },
    (c) => {
      c.staff.discordRoleIds = [STAFF_ROLE_ID];
      c.discord.stageRoles = { participant: PARTICIPANT_ROLE_ID, contributor: CONTRIBUTOR_ROLE_ID };
      c.discord.championRoleId = CHAMPION_ROLE_ID;
      options.configure?.(c);
    },
  );
  fakeClock.now = () => fw.clock.now;
  const logs: BotHarness['logs'] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const bot = await startDiscordBot(fw, fw.config, pino({ level: 'info' }, sink));
  // A gateway event is on the wire once sent; a short pause lets the client read everything sent so far.
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    await bot.drained();
  };
  const replayThrice = async () => {
    await settle();
    const posts = discord.callsTo('POST', /\/messages$/).length;
    await replayThriceChangesNothing(fw.db, [...discord.delivered], (event) => discord.redeliver([event]), settle);
    const sent = discord.callsTo('POST', /\/messages$/).length - posts;
    if (sent > 0) throw new Error(`redelivered events made the bot send ${sent} more messages`);
  };
  return {
    fw,
    discord,
    bot,
    logs,
    settle,
    replayThrice,
    // Every scenario ends by proving that Discord delivering its events again changes nothing.
    close: async () => {
      if (discord.connected && discord.delivered.length > 0) await replayThrice();
      await bot.stop();
      await discord.stop();
      await fw.close();
    },
  };
}

