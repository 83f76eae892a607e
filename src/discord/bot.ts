/**
 * The Discord bot: one discord.js client that turns gateway events into activities (through the
 * one ingest pipeline, batched by a queue) and answers commands. It decides nothing about points.
 */
import {
  ApplicationFlagsBitField,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  REST,
  Routes,
  type Interaction,
  type RepliableInteraction,
} from 'discord.js';
import type { Flywheel } from '../app/flywheel.js';
import type { BotConfig, DiscordConfig } from '../config.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { BotCommand, Reply } from './command.js';
import { COMMANDS } from './commands/index.js';
import type { BotContext } from './context.js';
import { EVENTS } from './events/index.js';
import { isManager } from './people.js';
import type { News } from '../app/news.js';
import { publishNews } from './community-news.js';
import { compileThanks } from './thanks-text.js';

/** Interactions must be answered within 3 s; past this, the bot defers and edits the answer in. */
const DEFER_AFTER_MS = 2000;
const READY_TIMEOUT_MS = 30_000;

export interface DiscordBot {
  client: Client;
  /** Resolves when every event received so far has been recorded. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

export function discordRest(config: { discord: Pick<DiscordConfig, 'apiUrl' | 'token'> }): REST {
  return new REST({ api: config.discord.apiUrl }).setToken(config.discord.token ?? '');
}

/**
 * Privileged intents need a switch in the Developer Portal. Ask Discord which are on, and run
 * without the others (saying what that costs) instead of being refused at the gateway.
 */
async function chooseIntents(rest: REST, log: Logger): Promise<GatewayIntentBits[]> {
  const app = (await rest.get(Routes.currentApplication())) as { flags?: number };
  const flags = new ApplicationFlagsBitField(app.flags ?? 0);
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessageReactions];
  if (flags.any(['GatewayMessageContent', 'GatewayMessageContentLimited'])) intents.push(GatewayIntentBits.MessageContent);
  else
    log.warn(
      'Discord: the Message Content intent is not enabled, so message text arrives empty — thank-you words in chat are not counted (questions, answers, reactions and commands still are). Enable it under Developer Portal → Bot → Privileged Gateway Intents.',
    );
  if (flags.any(['GatewayGuildMembers', 'GatewayGuildMembersLimited'])) intents.push(GatewayIntentBits.GuildMembers);
  else
    log.warn(
      'Discord: the Server Members intent is not enabled, so member joins are not recorded. Enable it under Developer Portal → Bot → Privileged Gateway Intents.',
    );
  return intents;
}

/** `config` is the bot's slice of the configuration; everything else comes through the use cases of `fw`. */
export async function startDiscordBot(fw: Flywheel, config: BotConfig, logger: Logger): Promise<DiscordBot> {
  const log = logger.child({ adapter: 'discord' });
  if (!config.discord.token) throw new DomainError('invalid_config', 'DISCORD_TOKEN: required to start the Discord bot');
  if (!config.discord.guildId) throw new DomainError('invalid_config', "DISCORD_GUILD_ID: required with DISCORD_TOKEN (the community's server id)");

  const intents = await chooseIntents(discordRest(config), log);
  const client = new Client({
    intents,
    // Reactions and deletes for messages from before a restart arrive partial and are fetched.
    partials: [Partials.Message, Partials.Reaction, Partials.Channel, Partials.User, Partials.GuildMember],
    rest: { api: config.discord.apiUrl },
    // Nothing the bot says pings anyone unless a reply allows it explicitly.
    allowedMentions: { parse: [], repliedUser: false },
  });

  const publish = (news: News): Promise<void> =>
    publishNews(client, fw, config, news, log).catch((err: unknown) => log.error({ err }, 'announcements failed'));
  const ctx: BotContext = {
    fw,
    publish,
    config,
    discord: config.discord,
    log,
    client,
    thanks: compileThanks(config.discord.thanks),
    // Flywheel's one queue: its batches' news reaches `publish` through fw.news, subscribed below.
    queue: fw.queue,
  };

  // Events are mapped one at a time, in arrival order; their activities then batch in the queue.
  let serial: Promise<unknown> = Promise.resolve();
  for (const event of EVENTS)
    client.on(event.name, (...args: unknown[]) => {
      serial = serial
        .then(() => event.activities(ctx, ...args))
        .then((activities) => {
          ctx.queue.submit(activities).catch((err: unknown) => log.error({ err, event: event.name }, 'could not record a Discord event'));
        })
        .catch((err: unknown) => log.error({ err, event: event.name }, 'could not read a Discord event'));
    });

  // What happens outside the bot (an admin's decision, the periodic housekeeping) is news here too.
  const unsubscribe = fw.news.subscribe(publish);

  const commands = new Map(COMMANDS.map((c) => [c.data.name, c]));
  client.on(Events.InteractionCreate, (interaction) => void answer(ctx, commands, interaction));
  client.on(Events.Error, (err) => log.error({ err }, 'Discord client error'));
  client.on(Events.ShardDisconnect, (event) => log.warn({ code: event.code }, 'Discord gateway disconnected'));

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Discord: no READY from the gateway within 30 s')), READY_TIMEOUT_MS);
    client.once(Events.ClientReady, () => (clearTimeout(timer), resolve()));
  });
  await client.login(config.discord.token);
  await ready;
  const guild = client.guilds.cache.get(config.discord.guildId);
  if (!guild) log.warn({ guild: config.discord.guildId }, 'Discord: the bot is not in DISCORD_GUILD_ID — invite it (see README, "Discord")');
  log.info({ user: client.user?.tag, guild: guild?.name ?? config.discord.guildId, intents: intents.length }, 'Discord bot connected');

  return {
    client,
    drained: async () => {
      await serial;
      await ctx.queue.drained();
    },
    stop: async () => {
      unsubscribe();
      await serial;
      await ctx.queue.drained();
      await client.destroy();
    },
  };
}

/** Run a command and answer: ephemeral for refusals and errors, never a stack trace to the member. */
async function answer(ctx: BotContext, commands: ReadonlyMap<string, BotCommand>, interaction: Interaction): Promise<void> {
  if (!interaction.isChatInputCommand() && !interaction.isContextMenuCommand() && !interaction.isModalSubmit()) return;
  const command = interaction.isModalSubmit()
    ? [...commands.values()].find((c) => c.kind === 'user' && interaction.customId.startsWith(`${c.modalPrefix}:`))
    : commands.get(interaction.commandName);
  let deferred: Promise<unknown> | null = null;
  const timer = setTimeout(() => (deferred = interaction.deferReply({ flags: MessageFlags.Ephemeral }).catch(() => null)), DEFER_AFTER_MS);
  let reply: Reply | null;
  try {
    if (!command) reply = { content: 'This command is not known here any more.', ephemeral: true };
    else if (!interaction.inCachedGuild() || interaction.guildId !== ctx.discord.guildId)
      reply = { content: 'Flywheel commands work inside the community server.', ephemeral: true };
    else if (command.managersOnly && !isManager(interaction.member, interaction.memberPermissions, ctx.discord))
      reply = { content: 'Only community managers can use this command.', ephemeral: true };
    else if (command.kind === 'slash' && interaction.isChatInputCommand()) reply = await command.run(ctx, interaction);
    else if (command.kind === 'message' && interaction.isMessageContextMenuCommand()) reply = await command.run(ctx, interaction);
    else if (command.kind === 'user' && interaction.isUserContextMenuCommand()) reply = await command.run(ctx, interaction);
    else if (command.kind === 'user' && interaction.isModalSubmit()) reply = await command.submit(ctx, interaction);
    else reply = { content: 'This command is not known here any more.', ephemeral: true };
  } catch (err) {
    if (err instanceof DomainError && err.status < 500) reply = { content: err.message, ephemeral: true };
    else {
      ctx.log.error({ err, command: interaction.isModalSubmit() ? interaction.customId : interaction.commandName }, 'command failed');
      reply = { content: 'Something went wrong on our side — the team can see it in the logs. Please try again later.', ephemeral: true };
    }
  }
  clearTimeout(timer);
  // null: the command already answered (with a modal).
  if (reply) await send(ctx, interaction, reply, deferred);
}

async function send(ctx: BotContext, interaction: RepliableInteraction, reply: Reply, deferred: Promise<unknown> | null): Promise<void> {
  const files = (reply.files ?? []).map((f) => ({ attachment: f.data, name: f.name, description: f.description }));
  const body = { content: reply.content.slice(0, 2000), allowedMentions: { parse: [] }, ...(files.length ? { files } : {}) };
  try {
    if (deferred) {
      await deferred;
      await interaction.editReply(body);
    } else await interaction.reply({ ...body, ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  } catch (err) {
    ctx.log.warn({ err }, 'could not answer an interaction');
  }
}
