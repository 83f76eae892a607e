/**
 * `flywheel import discord`: the server's history — channels, forum posts and threads (active and
 * archived), their messages oldest first, the thanks in them and the reactions on them — through
 * the live bot's own rules and mappers, so every activity carries the natural key the bot gives it
 * and running both over the same messages records nothing twice. Each page of messages is one
 * batch through the pipeline; the last message recorded is then saved per channel, so an
 * interrupted import resumes where it stopped.
 */
import { ChannelType, Constants, PermissionsBitField, SnowflakeUtil, messageLink, type APIChannel, type APIGuildMember, type APIMessage, type APIThreadChannel, type APIUser, type REST } from 'discord.js';
import type { Flywheel } from '../app/flywheel.js';
import type { BotConfig } from '../config.js';
import type { ActivityInput } from '../domain/activity.js';
import { DomainError } from '../domain/errors.js';
import { joinActivity, messageActivities, messageRef, reactionActivities, type HelpThread, type Person } from './activities.js';
import { historyApi, isMissingAccess, isThread, PAGE, PARENT_TYPES, type HistoryApi } from './history-api.js';
import { acceptsAnswer, helpThreadFrom, isModerator, personOf, type UserFacts } from './people.js';
import { THANKS_HISTORY, thankedBy } from './thanked.js';
import { compileThanks, saysThanks } from './thanks-text.js';

const cursorKey = (channelId: string): string => `discord_import:${channelId}`;
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Channels that hold messages themselves (forums hold only posts, which are threads). */
const HAS_MESSAGES: ReadonlySet<ChannelType> = new Set([ChannelType.GuildText, ChannelType.GuildAnnouncement]);

export interface DiscordImportOptions {
  /** Channel ids to read (with their threads and posts); all readable channels when empty. */
  channels?: readonly string[];
  /** Only messages from this time on (ms). */
  since?: number;
  /** Ignore the saved cursors and read everything again (a no-op for what is already recorded). */
  restart?: boolean;
  onProgress?: (p: DiscordImportProgress) => void;
}

export interface DiscordImportProgress {
  /** Channels and threads to read, and how many are done. */
  total: number;
  done: number;
  /** Current members whose join was read. */
  members: number;
  messages: number;
  activities: number;
}

export interface DiscordImportResult extends DiscordImportProgress {
  recorded: number;
  /** Channels and threads Discord would not let the bot read (permissions), left out; `members` when the member list was refused. */
  skipped: string[];
  /** Channels and threads that continued from a saved cursor. */
  resumed: number;
}

/** The smallest id `after` may carry for messages from `since` on. */
const idBefore = (since: number): bigint => (BigInt(since) <= DISCORD_EPOCH ? 0n : ((BigInt(since) - DISCORD_EPOCH) << 22n) - 1n);
const userFacts = (u: APIUser): UserFacts => ({ id: u.id, username: u.username, globalName: u.global_name ?? null, bot: u.bot ?? false, avatar: u.avatar ?? null });

/** Reads members once each, and answers who they are and whether they moderate (guild-wide permissions). */
function people(bot: BotConfig, api: HistoryApi) {
  const staff = bot.staff.discordRoleIds;
  const members = new Map<string, Promise<APIGuildMember | null>>();
  const memberOf = (id: string) => members.get(id) ?? members.set(id, api.member(id)).get(id)!;
  let rolePermissions: Promise<Map<string, bigint>> | null = null;
  return {
    /** Members already read in bulk (the member list) need no request each. */
    know: (member: APIGuildMember & { user: APIUser }) => void members.set(member.user.id, Promise.resolve(member)),
    person: async (u: APIUser): Promise<Person> => personOf(userFacts(u), await memberOf(u.id), staff),
    isModerator: async (userId: string): Promise<boolean> => {
      const member = await memberOf(userId);
      if (!member) return false;
      rolePermissions ??= api.roles().then((roles) => new Map(roles.map((r) => [r.id, BigInt(r.permissions)])));
      const perms = await rolePermissions;
      const bits = [bot.discord.guildId!, ...member.roles].reduce((all, id) => all | (perms.get(id) ?? 0n), 0n);
      return isModerator(member, new PermissionsBitField(bits), bot.discord);
    },
  };
}

export async function importDiscordHistory(fw: Flywheel, bot: BotConfig, rest: REST, options: DiscordImportOptions = {}): Promise<DiscordImportResult> {
  const config = bot.discord;
  const guildId = config.guildId;
  if (!config.token || !guildId) throw new DomainError('invalid_config', 'DISCORD_TOKEN and DISCORD_GUILD_ID: needed to import the server’s history');
  const api = historyApi(rest, guildId);
  const who = people(bot, api);
  const vocabulary = compileThanks(config.thanks);
  const since = options.since ?? null;

  const channels = await api.channels();
  const byId = new Map<string, APIChannel>(channels.map((c) => [c.id, c]));
  const wanted = options.channels?.length ? new Set(options.channels) : null;
  for (const id of wanted ?? []) if (!byId.has(id)) throw new DomainError('invalid_parameter', `--channels: the server has no channel ${id} (or the bot cannot see it)`);
  const parents = channels.filter((c) => PARENT_TYPES.has(c.type) && (!wanted || wanted.has(c.id)));
  const parentIds = new Set(parents.map((c) => c.id));

  const threads = new Map<string, APIThreadChannel>();
  for (const t of await api.activeThreads()) if (t.parent_id && parentIds.has(t.parent_id)) threads.set(t.id, t);
  const skipped: string[] = [];
  for (const parent of parents)
    try {
      for await (const page of api.archivedThreads(parent.id, since)) for (const t of page) threads.set(t.id, t);
    } catch (err) {
      if (!isMissingAccess(err)) throw err;
      skipped.push(parent.id);
    }
  // Oldest first, channels and threads alike: a question is recorded before its answers.
  const work: APIChannel[] = [...parents.filter((c) => HAS_MESSAGES.has(c.type)), ...threads.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));

  const progress: DiscordImportProgress = { total: work.length, done: 0, members: 0, messages: 0, activities: 0 };
  options.onProgress?.(progress);
  let recorded = 0;
  let resumed = 0;

  // Joins of today's members, as the bot records them (a join is server-wide: not with --channels).
  if (!wanted)
    try {
      for await (const page of api.members()) {
        const joins: ActivityInput[] = [];
        for (const member of page) {
          who.know(member);
          const at = member.joined_at ? Date.parse(member.joined_at) : NaN;
          if (!member.user.bot && Number.isFinite(at) && (since === null || at >= since)) joins.push(joinActivity(await who.person(member.user), at));
        }
        const { outcomes } = await fw.ingest(joins);
        recorded += outcomes.filter((o) => o.status !== 'duplicate').length;
        progress.members += page.length;
        progress.activities += joins.length;
        options.onProgress?.(progress);
      }
    } catch (err) {
      if (!isMissingAccess(err)) throw err;
      skipped.push('members');
    }

  /**
   * Everything one message earned, as the live bot records it (reactions dated with the message:
   * the API does not say when). A message already recorded keeps what the bot decided when it
   * arrived (its text may have been edited since); only reactions the bot may have missed are added.
   */
  async function messageHistory(m: APIMessage, helpThread: HelpThread | null, alreadyRecorded: boolean): Promise<ActivityInput[]> {
    if (m.author.bot || !Constants.NonSystemMessageTypes.includes(m.type as (typeof Constants.NonSystemMessageTypes)[number])) return [];
    const author = await who.person(m.author);
    const at = SnowflakeUtil.timestampFrom(m.id);
    const url = messageLink(m.channel_id, m.id, guildId!);
    const someone = (u: APIUser) => ({ id: u.id, isBot: u.bot ?? false, person: () => who.person(u) });
    const thanked = !alreadyRecorded && saysThanks(m.content, vocabulary)
      ? await thankedBy({
          authorId: m.author.id,
          askerId: helpThread?.ownerId ?? null,
          repliedTo: async () => {
            const ref = m.message_reference?.message_id;
            if (!ref) return null;
            const replied = m.referenced_message !== undefined ? m.referenced_message : await api.message(m.message_reference?.channel_id ?? m.channel_id, ref);
            return replied ? someone(replied.author) : null;
          },
          mentioned: m.mentions.map(someone),
          earlier: async () => (await api.messagesBefore(m.channel_id, m.id, THANKS_HISTORY))?.map((x) => ({ ...someone(x.author), authorId: x.author.id })) ?? null,
        })
      : [];
    const out = alreadyRecorded ? [] : messageActivities({ id: m.id, at, url, author, helpThread, thanked });
    for (const { emoji } of m.reactions ?? [])
      for (const user of await api.reactors(m, emoji)) {
        if (user.bot) continue;
        const accepts = await acceptsAnswer({ messageId: m.id, reactorId: user.id, emoji, helpThread }, config.acceptEmoji, () => who.isModerator(user.id));
        out.push(...reactionActivities({ messageId: m.id, reactor: await who.person(user), author, emoji, helpThread, accepts, at, url }));
      }
    return out;
  }

  for (const channel of work) {
    const helpThread = isThread(channel)
      ? helpThreadFrom({ id: channel.id, ownerId: channel.owner_id, parentId: channel.parent_id, parentType: byId.get(channel.parent_id ?? '')?.type, name: channel.name }, config)
      : null;
    const saved = options.restart ? null : await fw.settings.get(cursorKey(channel.id));
    if (saved) resumed++;
    const start = [BigInt(saved ?? 0), since === null ? 0n : idBefore(since)].reduce((a, b) => (a > b ? a : b));
    try {
      for (let after = String(start); ; ) {
        const page = await api.messagesAfter(channel.id, after);
        if (page.length === 0) break;
        const known = await fw.ledger.recordedKeys(page.map((m) => messageRef(m.id)));
        const activities: ActivityInput[] = [];
        for (const message of page) activities.push(...(await messageHistory(message, helpThread, known.has(messageRef(message.id)))));
        // One page, one transaction: a message is recorded with everything it earned, or not at all.
        const { outcomes } = await fw.ingest(activities);
        recorded += outcomes.filter((o) => o.status !== 'duplicate').length;
        after = page.at(-1)!.id;
        // Saved once the page is in the ledger: a restart redoes at most this page (a no-op by natural keys).
        await fw.settings.set(cursorKey(channel.id), after);
        progress.messages += page.length;
        progress.activities += activities.length;
        options.onProgress?.(progress);
        if (page.length < PAGE) break;
      }
    } catch (err) {
      if (!isMissingAccess(err)) throw err;
      skipped.push(channel.id);
    }
    progress.done++;
    options.onProgress?.(progress);
  }
  return { ...progress, recorded, resumed, skipped };
}
