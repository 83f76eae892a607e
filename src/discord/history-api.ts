/**
 * What the history import reads from Discord's REST API, page by page, through @discordjs/rest
 * (which waits out 429s and follows the X-RateLimit-* buckets). Only reads; Discord's own shapes.
 */
import {
  ChannelType,
  DiscordAPIError,
  ReactionType,
  Routes,
  type APIChannel,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIThreadChannel,
  type APIUser,
  type REST,
  type RESTGetAPIChannelThreadsArchivedPublicResult,
  type RESTGetAPIGuildThreadsResult,
} from 'discord.js';

/** Discord's largest page for messages, threads and reactions. */
export const PAGE = 100;
const MEMBERS_PAGE = 1000;
const UNKNOWN = new Set([10003, 10007, 10008, 10013]); // unknown channel, member, message, user

/** Channels whose messages and threads the import reads. */
export const PARENT_TYPES: ReadonlySet<ChannelType> = new Set([ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildMedia]);
const THREAD_TYPES: ReadonlySet<ChannelType> = new Set([ChannelType.PublicThread, ChannelType.AnnouncementThread, ChannelType.PrivateThread]);

/** Discord refuses the bot this channel (no View Channel or Read Message History there). */
export const isMissingAccess = (err: unknown): boolean => err instanceof DiscordAPIError && err.status === 403;

export const isThread = (c: APIChannel): c is APIThreadChannel => THREAD_TYPES.has(c.type);

/** Something Discord says is not there (deleted, or a member who left): null rather than an error. */
async function orNull<T>(request: Promise<unknown>): Promise<T | null> {
  try {
    return (await request) as T;
  } catch (err) {
    if (err instanceof DiscordAPIError && (err.status === 404 || UNKNOWN.has(Number(err.code)))) return null;
    throw err;
  }
}

export function historyApi(rest: REST, guildId: string) {
  return {
    channels: async (): Promise<APIChannel[]> => (await rest.get(Routes.guildChannels(guildId))) as APIChannel[],

    roles: async (): Promise<APIRole[]> => (await rest.get(Routes.guildRoles(guildId))) as APIRole[],

    /** The server's current members, by user id (needs the Server Members intent: else Discord answers 403). */
    async *members(): AsyncGenerator<APIGuildMember[]> {
      for (let after = '0'; ; ) {
        const page = (await rest.get(Routes.guildMembers(guildId), { query: new URLSearchParams({ limit: String(MEMBERS_PAGE), after }) })) as APIGuildMember[];
        if (page.length > 0) yield page;
        if (page.length < MEMBERS_PAGE) return;
        after = page.at(-1)!.user.id;
      }
    },

    member: (userId: string): Promise<APIGuildMember | null> => orNull(rest.get(Routes.guildMember(guildId, userId))),

    message: (channelId: string, messageId: string): Promise<APIMessage | null> => orNull(rest.get(Routes.channelMessage(channelId, messageId))),

    /** Active threads of the whole server (Discord lists them per guild, not per channel). */
    activeThreads: async (): Promise<APIThreadChannel[]> =>
      ((await rest.get(Routes.guildActiveThreads(guildId))) as RESTGetAPIGuildThreadsResult).threads.filter(isThread),

    /** Archived public threads of a channel, newest archived first, paged by archive time; stops at threads archived before `since`. */
    async *archivedThreads(channelId: string, since: number | null): AsyncGenerator<APIThreadChannel[]> {
      let before: string | undefined;
      for (;;) {
        const query = new URLSearchParams({ limit: String(PAGE), ...(before ? { before } : {}) });
        const page = (await rest.get(Routes.channelThreads(channelId, 'public'), { query })) as RESTGetAPIChannelThreadsArchivedPublicResult;
        const threads = page.threads.filter(isThread);
        const recent = since === null ? threads : threads.filter((t) => Date.parse(t.thread_metadata?.archive_timestamp ?? '') >= since);
        if (recent.length > 0) yield recent;
        const last = threads.at(-1)?.thread_metadata?.archive_timestamp;
        if (!page.has_more || !last || recent.length < threads.length) return;
        before = last;
      }
    },

    /** The next page of messages after `after`, oldest first (Discord answers newest first). */
    async messagesAfter(channelId: string, after: string): Promise<APIMessage[]> {
      const query = new URLSearchParams({ after, limit: String(PAGE) });
      const page = (await rest.get(Routes.channelMessages(channelId), { query })) as APIMessage[];
      return [...page].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    },

    /** Up to `limit` messages just before `before`, newest first, as Discord answers them. */
    messagesBefore: (channelId: string, before: string, limit: number): Promise<APIMessage[] | null> =>
      orNull(rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ before, limit: String(limit) }) })),

    /** Everyone who reacted with an emoji (normal and burst reactions), paged by user id. */
    async reactors(message: APIMessage, emoji: { id: string | null; name: string | null }): Promise<APIUser[]> {
      const route = Routes.channelMessageReaction(message.channel_id, message.id, encodeURIComponent(emoji.id ? `${emoji.name}:${emoji.id}` : (emoji.name ?? '')));
      const counts = message.reactions?.find((r) => r.emoji.id === emoji.id && r.emoji.name === emoji.name)?.count_details;
      const types = [ReactionType.Normal, ...(counts && counts.burst > 0 ? [ReactionType.Burst] : [])];
      const users = new Map<string, APIUser>();
      for (const type of types)
        for (let after: string | undefined; ; ) {
          const query = new URLSearchParams({ limit: String(PAGE), type: String(type), ...(after ? { after } : {}) });
          const page = (await orNull<APIUser[]>(rest.get(route, { query }))) ?? [];
          for (const user of page) users.set(user.id, user);
          if (page.length < PAGE) break;
          after = page.at(-1)!.id;
        }
      return [...users.values()];
    },
  };
}

export type HistoryApi = ReturnType<typeof historyApi>;
