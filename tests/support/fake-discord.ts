/**
 * A small Discord on 127.0.0.1: the REST routes the bot uses and a gateway WebSocket that speaks
 * the v10 handshake (HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeats acknowledged). The real
 * discord.js client connects to it through `rest.api`; tests play members and read what the bot
 * sent back over REST. It refuses privileged intents the application was not granted (close 4014),
 * as Discord does.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApplicationCommandType,
  ApplicationFlags,
  ChannelType,
  ComponentType,
  ForumLayoutType,
  GatewayDispatchEvents,
  GatewayOpcodes,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageReferenceType,
  MessageType,
  ReactionType,
  ThreadAutoArchiveDuration,
  GuildFeature,
  ApplicationCommandOptionType,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplication,
  type APIChatInputApplicationCommandGuildInteraction,
  type ChannelFlags,
  type GuildMemberFlags,
  type MessageFlags,
  type RoleFlags,
  type ThreadMemberFlags,
  type UserFlags,
  type APIApplicationCommand,
  type APIChannel,
  type APIDMChannel,
  type APIEmbed,
  type APIGuildForumChannel,
  type APIGuildMember,
  type APIGuildMemberNoUser,
  type APIInteraction,
  type APIInteractionDataResolvedGuildMember,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type GatewayDispatchPayload,
  type GatewayGuildCreateDispatchData,
  type GatewayHeartbeatAck,
  type GatewayHello,
  type GatewayMessageCreateDispatchData,
  type RESTError,
  type RESTRateLimit,
  type APIReaction,
  type RESTGetAPIChannelThreadsArchivedPublicResult,
  type RESTGetAPIGuildThreadsResult,
  type RESTGetAPIGatewayBotResult,
  type RESTPostOAuth2AccessTokenResult,
} from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';

export const GUILD_ID = '100000000000000001';
export const APP_ID = '100000000000000002';
export const BOT_ID = '100000000000000003';
export const GENERAL_ID = '100000000000000010';
export const FORUM_ID = '100000000000000011';
export const ANNOUNCE_ID = '100000000000000012';
export const OTHER_FORUM_ID = '100000000000000013';
export const SOLVED_TAG_ID = '100000000000000020';
export const MANAGER_ROLE_ID = '100000000000000030';
export const MOD_ROLE_ID = '100000000000000031';
export const STAFF_ROLE_ID = '100000000000000032';
export const CONTRIBUTOR_ROLE_ID = '100000000000000033';
export const PARTICIPANT_ROLE_ID = '100000000000000034';
export const CHAMPION_ROLE_ID = '100000000000000035';

/** Application flags that grant the privileged intents. */
export const FLAG_GUILD_MEMBERS = 1 << 15;
export const FLAG_MESSAGE_CONTENT = 1 << 19;
const INTENT_GUILD_MEMBERS = 1 << 1;
const INTENT_MESSAGE_CONTENT = 1 << 15;

const PERMISSIONS_EVERYONE = (1n << 10n) | (1n << 11n) | (1n << 6n) | (1n << 16n) | (1n << 31n); // view, send, react, history, use commands
const MANAGE_MESSAGES = 1n << 13n;
const MANAGE_THREADS = 1n << 34n;

export interface RestCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** What the bot sent (its own shapes, read by tests). */
  body: any;
  auth: string | undefined;
  /** Files sent as multipart/form-data (`files[n]` parts), as Discord takes attachments. */
  files?: UploadedFile[];
}

export interface UploadedFile {
  /** The form field, `files[n]`: `n` is the id of its entry in the payload's `attachments`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * A multipart/form-data body as Discord reads one: `payload_json` is the JSON body, `files[n]`
 * parts are the attachments. Anything else is an error (Discord answers 400).
 */
function parseMultipart(raw: Buffer, contentType: string): { body: any; files: UploadedFile[] } {
  const boundary = contentType.match(/boundary=(?:"([^"]+)"|([^;]+))/)?.slice(1).find(Boolean);
  if (!boundary) throw new Error('multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const files: UploadedFile[] = [];
  let body: any = null;
  let at = raw.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next === -1) throw new Error('multipart body without its closing boundary');
    const part = raw.subarray(start + 2, next - 2); // after CRLF, before CRLF
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const data = part.subarray(split + 4);
    const disposition = headers.match(/content-disposition:\s*form-data;([^\r\n]*)/i)?.[1] ?? '';
    const field = disposition.match(/\bname="([^"]*)"/)?.[1] ?? '';
    const filename = disposition.match(/\bfilename="([^"]*)"/)?.[1];
    if (field === 'payload_json') body = JSON.parse(data.toString('utf8'));
    else if (/^files\[\d+\]$/.test(field) && filename !== undefined)
      files.push({ field, filename, contentType: headers.match(/content-type:\s*([^\r\n]+)/i)?.[1]?.trim() ?? 'application/octet-stream', data: Buffer.from(data) });
    else throw new Error(`multipart part Discord does not take: ${field}`);
    at = next;
  }
  return { body, files };
}

/** A gateway event the fake may send: the event name and Discord's documented payload for it. */
type Dispatch = Pick<GatewayDispatchPayload, 't' | 'd'>;
type DispatchData<T extends GatewayDispatchEvents> = Extract<GatewayDispatchPayload, { t: T }>['d'];
/** A REST answer: a status and Discord's documented body (an error is a RESTError). */
type Answer = [200, object] | [204, null] | [302, string] | [400 | 401 | 404, RESTError | { error: string }] | [403, RESTError] | [429, RESTRateLimit] | [503, RESTError];
type GuildChannel = APITextChannel | APIGuildForumChannel;

const DISCORD_EPOCH = 1_420_070_400_000n;
let counter = 0n;
/** The clock snowflakes carry (discord.js reads a message's time from its id); tests may set it. */
export const fakeClock = { now: () => Date.now() };
export const snowflake = (): string => String(((BigInt(fakeClock.now()) - DISCORD_EPOCH) << 22n) | (counter++ & 0x3fffffn));
const isoNow = (): string => new Date(fakeClock.now()).toISOString();

/** Events about members' activity; interactions are never redelivered (each has its own id and token). */
const REDELIVERABLE = new Set<string>([
  GatewayDispatchEvents.MessageCreate,
  GatewayDispatchEvents.MessageDelete,
  GatewayDispatchEvents.MessageReactionAdd,
  GatewayDispatchEvents.MessageReactionRemove,
  GatewayDispatchEvents.GuildMemberAdd,
  GatewayDispatchEvents.ThreadCreate,
]);

const unknown = (what: string, code: number): [404, RESTError] => [404, { message: `Unknown ${what}`, code }];

/** A member as message and interaction payloads carry it: without its user. */
function withoutUser(member: APIGuildMember): APIGuildMemberNoUser {
  const { user: _user, ...rest } = member;
  return { ...rest, joined_at: member.joined_at ?? new Date(0).toISOString() };
}

function resolvedMember(member: APIGuildMember): APIInteractionDataResolvedGuildMember {
  const { user: _user, deaf: _deaf, mute: _mute, ...rest } = member;
  return { ...rest, permissions: '0' };
}

export class FakeDiscord {
  readonly calls: RestCall[] = [];
  readonly users = new Map<string, APIUser>();
  readonly members = new Map<string, APIGuildMember>();
  readonly channels = new Map<string, APIChannel>();
  readonly messages = new Map<string, APIMessage[]>();
  readonly commands: APIApplicationCommand[] = [];
  /** Gateway events Discord may deliver more than once, in the order first sent. */
  readonly delivered: Dispatch[] = [];
  /** Privileged intents this application may use (Developer Portal switches). */
  flags = FLAG_GUILD_MEMBERS | FLAG_MESSAGE_CONTENT;
  /** Who reacted to a message, per emoji (in the order they did). */
  readonly reactions = new Map<string, Map<string, { emoji: { id: null; name: string }; users: string[] }>>();
  /** Every `rateLimitEvery`-th history read is answered 429 (as a busy bucket is), then served on retry. */
  rateLimitEvery: number | null = null;
  /** 429 answers sent so far. */
  rateLimited = 0;
  /** Channels the bot may not read (no View Channel or Read Message History there). */
  readonly denied = new Set<string>();
  /** Discord is unreachable (503 to everything) while set. */
  down = false;
  private reads = 0;
  private hold: { test: (c: RestCall) => boolean; started: () => void; closed: boolean; gate: Promise<void>; open: () => void } | null = null;
  /** The bot's IDENTIFY payload (what the bot sent). */
  identified: any = null;
  /** Gateway sessions opened (IDENTIFYs accepted), by any number of bot processes. */
  sessionsOpened = 0;
  /** Open gateway sessions (sockets that identified and have not closed). */
  private readonly sessions = new Set<WebSocket>();
  closedWith: number | null = null;

  private http: Server | null = null;
  private wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | null = null;
  private seq = 0;
  private waiters: Array<{ test: (c: RestCall) => boolean; resolve: (c: RestCall) => void }> = [];
  private base = '';

  constructor() {
    this.addUser(BOT_ID, 'flywheel', { bot: true });
    const text = (id: string, name: string, position: number): APITextChannel => ({
      id,
      type: ChannelType.GuildText,
      guild_id: GUILD_ID,
      name,
      position,
      permission_overwrites: [],
      parent_id: null,
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0 as ChannelFlags,
    });
    this.channels.set(GENERAL_ID, text(GENERAL_ID, 'general', 0));
    this.channels.set(ANNOUNCE_ID, text(ANNOUNCE_ID, 'kudos', 1));
    for (const [id, name] of [
      [FORUM_ID, 'help'],
      [OTHER_FORUM_ID, 'showcase'],
    ] as const) {
      const forum: APIGuildForumChannel = {
        id,
        type: ChannelType.GuildForum,
        guild_id: GUILD_ID,
        name,
        position: 2,
        permission_overwrites: [],
        parent_id: null,
        nsfw: false,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: 0 as ChannelFlags,
        available_tags: [
          { id: SOLVED_TAG_ID, name: 'Solved', moderated: false, emoji_id: null, emoji_name: '✅' },
          ...[1, 2, 3, 4, 5].map((n) => ({ id: `10000000000000010${n}`, name: `tag${n}`, moderated: false, emoji_id: null, emoji_name: null })),
        ],
        default_reaction_emoji: null,
        default_sort_order: null,
        default_forum_layout: ForumLayoutType.NotSet,
        default_thread_rate_limit_per_user: 0,
      };
      this.channels.set(id, forum);
    }
  }

  get apiUrl(): string {
    return `${this.base}/api`;
  }

  /** Where Discord's own pages live (the OAuth2 authorize page). */
  /** The environment of a site whose members sign in with this Discord (OAuth) and whose bot reads its roles. */
  signInEnv(): Record<string, string> {
    return {
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_CLIENT_SECRET: this.oauthClient.secret,
      DISCORD_API_URL: this.apiUrl,
      DISCORD_OAUTH_URL: this.baseUrl,
      DISCORD_TOKEN: 'bot-token',
      DISCORD_GUILD_ID: GUILD_ID,
    };
  }

  get baseUrl(): string {
    return this.base;
  }

  async start(): Promise<this> {
    // A client that went away mid-request (a killed process) gets no answer.
    this.http = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.http.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws)));
    this.http.listen(0, '127.0.0.1');
    await once(this.http, 'listening');
    this.base = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
  }

  // ---- the community -------------------------------------------------------------------------

  addUser(id: string, username: string, options: { bot?: boolean; roles?: string[]; nick?: string } = {}): APIUser {
    const user: APIUser = { id, username, global_name: options.nick ?? null, discriminator: '0', avatar: null, bot: options.bot ?? false };
    this.users.set(id, user);
    // Members who were there before the story joined when Discord began (its epoch, 2015): Discord never dates a join 1970.
    this.members.set(id, { user, roles: options.roles ?? [], nick: null, joined_at: new Date(Number(DISCORD_EPOCH)).toISOString(), deaf: false, mute: false, flags: 0 as GuildMemberFlags });
    return user;
  }

  /** A member joins the server (GUILD_MEMBER_ADD). */
  join(id: string, username: string): void {
    this.addUser(id, username);
    this.members.get(id)!.joined_at = isoNow();
    this.dispatch(GatewayDispatchEvents.GuildMemberAdd, { ...this.members.get(id)!, joined_at: isoNow(), guild_id: GUILD_ID });
  }

  /** A message as REST answers it (no guild_id or member: those ride on gateway events only). */
  private messageOf(channelId: string, authorId: string, content: string, extra: Partial<APIMessage> = {}): APIMessage {
    const mentions = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!).filter((id) => this.users.has(id));
    return {
      id: snowflake(),
      channel_id: channelId,
      author: this.users.get(authorId)!,
      content: this.flags & FLAG_MESSAGE_CONTENT ? content : '',
      timestamp: isoNow(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: mentions.map((id) => this.users.get(id)!),
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: extra.referenced_message ? MessageType.Reply : MessageType.Default,
      flags: 0 as MessageFlags,
      ...extra,
    };
  }

  /** MESSAGE_CREATE: the message, with the guild, the author's member and the mentioned members. */
  private created(message: APIMessage): GatewayMessageCreateDispatchData {
    if (this.channels.get(message.channel_id)?.type === ChannelType.DM) return { ...message, mentions: message.mentions };
    const member = this.members.get(message.author.id);
    return {
      ...message,
      guild_id: GUILD_ID,
      ...(member ? { member: withoutUser(member) } : {}),
      mentions: message.mentions.map((u) => ({ ...u, member: withoutUser(this.members.get(u.id)!) })),
    };
  }

  private store(message: APIMessage): APIMessage {
    const list = this.messages.get(message.channel_id) ?? [];
    list.push(message);
    this.messages.set(message.channel_id, list);
    const channel = this.channels.get(message.channel_id);
    if (channel?.type === ChannelType.PublicThread) {
      channel.message_count = (channel.message_count ?? 0) + 1;
      channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
      channel.last_message_id = message.id;
    }
    return message;
  }

  /** A member writes in a channel or thread; `replyTo` makes it a reply. */
  say(channelId: string, authorId: string, content: string, options: { replyTo?: APIMessage } = {}): APIMessage {
    const reply = options.replyTo;
    const message = this.store(
      this.messageOf(
        channelId,
        authorId,
        content,
        reply ? { message_reference: { type: MessageReferenceType.Default, message_id: reply.id, channel_id: reply.channel_id, guild_id: GUILD_ID }, referenced_message: reply } : {},
      ),
    );
    this.dispatch(GatewayDispatchEvents.MessageCreate, this.created(message));
    return message;
  }

  /** A member opens a post in a forum: THREAD_CREATE, then its starter message (same id). */
  openPost(forumId: string, ownerId: string, title: string, content: string): { thread: APIThreadChannel; starter: APIMessage } {
    const id = snowflake();
    const thread: APIThreadChannel = {
      id,
      type: ChannelType.PublicThread,
      guild_id: GUILD_ID,
      parent_id: forumId,
      owner_id: ownerId,
      name: title,
      last_message_id: id,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0 as ChannelFlags,
      applied_tags: [],
      thread_metadata: { archived: false, auto_archive_duration: ThreadAutoArchiveDuration.ThreeDays, archive_timestamp: isoNow(), locked: false, create_timestamp: isoNow() },
      total_message_sent: 0,
    };
    this.channels.set(id, thread);
    this.dispatch(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true, member: { id, user_id: ownerId, join_timestamp: isoNow(), flags: 0 as ThreadMemberFlags } });
    const starter = this.store(this.messageOf(id, ownerId, content, { id, position: 0 }));
    this.dispatch(GatewayDispatchEvents.MessageCreate, this.created(starter));
    return { thread, starter };
  }

  /** The message as stored, with its reaction counts as Discord reports them on the message. */
  private setReaction(message: APIMessage, userId: string, emoji: string, on: boolean): void {
    const perMessage = this.reactions.get(message.id) ?? new Map<string, { emoji: { id: null; name: string }; users: string[] }>();
    this.reactions.set(message.id, perMessage);
    const entry = perMessage.get(emoji) ?? { emoji: { id: null, name: emoji }, users: [] };
    entry.users = entry.users.filter((u) => u !== userId).concat(on ? [userId] : []);
    if (entry.users.length > 0) perMessage.set(emoji, entry);
    else perMessage.delete(emoji);
    const stored = (this.messages.get(message.channel_id) ?? []).find((m) => m.id === message.id);
    if (!stored) return;
    const reactions: APIReaction[] = [...perMessage.values()].map((r) => ({
      emoji: r.emoji,
      count: r.users.length,
      count_details: { normal: r.users.length, burst: 0 },
      me: r.users.includes(BOT_ID),
      me_burst: false,
      burst_colors: [],
    }));
    if (reactions.length > 0) stored.reactions = reactions;
    else delete stored.reactions;
  }

  react(message: APIMessage, userId: string, emoji: string): void {
    this.setReaction(message, userId, emoji, true);
    this.dispatch(GatewayDispatchEvents.MessageReactionAdd, {
      user_id: userId,
      channel_id: message.channel_id,
      message_id: message.id,
      guild_id: GUILD_ID,
      member: this.members.get(userId)!,
      emoji: { id: null, name: emoji },
      message_author_id: message.author.id,
      burst: false,
      type: ReactionType.Normal,
    });
  }

  unreact(message: APIMessage, userId: string, emoji: string): void {
    this.setReaction(message, userId, emoji, false);
    this.dispatch(GatewayDispatchEvents.MessageReactionRemove, {
      user_id: userId,
      channel_id: message.channel_id,
      message_id: message.id,
      guild_id: GUILD_ID,
      emoji: { id: null, name: emoji },
      burst: false,
      type: ReactionType.Normal,
    });
  }

  deleteMessage(message: APIMessage): void {
    const list = this.messages.get(message.channel_id) ?? [];
    this.messages.set(
      message.channel_id,
      list.filter((m) => m.id !== message.id),
    );
    this.dispatch(GatewayDispatchEvents.MessageDelete, { id: message.id, channel_id: message.channel_id, guild_id: GUILD_ID });
  }

  /** A thread goes quiet and Discord archives it (it then leaves the active list). */
  archive(threadId: string): void {
    const thread = this.channels.get(threadId);
    if (thread?.type !== ChannelType.PublicThread) throw new Error(`fake Discord: ${threadId} is not a thread`);
    thread.thread_metadata = { ...thread.thread_metadata!, archived: true, archive_timestamp: isoNow() };
    this.dispatch(GatewayDispatchEvents.ThreadUpdate, thread);
  }

  /**
   * A member runs a slash command (`type` 1) or a message context menu (`type` 3, `target`).
   * Resolves with the bot's first response (the interaction callback).
   */
  async command(
    name: string,
    userId: string,
    options: {
      channelId?: string;
      options?: APIApplicationCommandInteractionDataBasicOption[];
      target?: APIMessage;
      targetUser?: string;
      permissions?: bigint;
    } = {},
  ): Promise<{ id: string; token: string; response: RestCall }> {
    const channelId = options.channelId ?? options.target?.channel_id ?? GENERAL_ID;
    const users: Record<string, APIUser> = {};
    const members: Record<string, APIInteractionDataResolvedGuildMember> = {};
    const resolveUser = (id: string) => {
      users[id] = this.users.get(id)!;
      members[id] = resolvedMember(this.members.get(id)!);
    };
    for (const option of options.options ?? []) if (option.type === ApplicationCommandOptionType.User) resolveUser(option.value);
    if (options.targetUser) resolveUser(options.targetUser);
    const base = { id: `cmd-${name}`, name, guild_id: GUILD_ID };
    const interaction = this.interactionBase(userId, channelId, options.permissions);
    if (options.target)
      return this.interact({
        ...interaction,
        type: InteractionType.ApplicationCommand,
        data: { ...base, type: ApplicationCommandType.Message, target_id: options.target.id, resolved: { messages: { [options.target.id]: options.target } } },
      });
    if (options.targetUser)
      return this.interact({ ...interaction, type: InteractionType.ApplicationCommand, data: { ...base, type: ApplicationCommandType.User, target_id: options.targetUser, resolved: { users, members } } });
    return this.interact({
      ...interaction,
      type: InteractionType.ApplicationCommand,
      data: {
        ...base,
        type: ApplicationCommandType.ChatInput,
        options: options.options ?? [],
        ...(Object.keys(users).length ? { resolved: { users, members } } : {}),
      },
    });
  }

  /** A member fills in and sends a modal the bot showed them. */
  submitModal(userId: string, customId: string, fields: Record<string, string>): Promise<{ id: string; token: string; response: RestCall }> {
    return this.interact({
      ...this.interactionBase(userId, GENERAL_ID),
      type: InteractionType.ModalSubmit,
      data: {
        custom_id: customId,
        components: Object.entries(fields).map(([id, value]) => ({
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.TextInput, custom_id: id, value }],
        })),
      },
    });
  }

  /** What every interaction carries: who, where, with which permissions. */
  private interactionBase(userId: string, channelId: string, permissions?: bigint): Omit<APIChatInputApplicationCommandGuildInteraction, 'type' | 'data'> {
    const id = snowflake();
    const channel: APIChannel = this.channels.get(channelId)!;
    return {
      id,
      application_id: APP_ID,
      guild_id: GUILD_ID,
      guild: { id: GUILD_ID, features: [GuildFeature.Community], locale: Locale.EnglishUS },
      channel_id: channelId,
      channel,
      member: { ...this.members.get(userId)!, user: this.users.get(userId)!, permissions: String(permissions ?? this.permissionsOf(userId)) },
      token: `token-${id}`,
      version: 1,
      locale: Locale.EnglishUS,
      guild_locale: Locale.EnglishUS,
      app_permissions: String(PERMISSIONS_EVERYONE),
      entitlements: [],
      authorizing_integration_owners: { '0': GUILD_ID },
      context: InteractionContextType.Guild,
      attachment_size_limit: 10_000_000,
    };
  }

  private async interact(interaction: APIInteraction): Promise<{ id: string; token: string; response: RestCall }> {
    const { id, token } = interaction;
    const response = this.waitFor((c) => c.path === `/api/v10/interactions/${id}/${token}/callback`);
    this.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    return { id, token, response: await response };
  }

  permissionsOf(userId: string): bigint {
    const roles = this.members.get(userId)?.roles ?? [];
    let bits = PERMISSIONS_EVERYONE;
    if (roles.includes(MOD_ROLE_ID)) bits |= MANAGE_MESSAGES | MANAGE_THREADS;
    return bits;
  }

  // ---- OAuth2 (sign-in on the site) -----------------------------------------------------------

  /** Who is signed in to Discord in the visitor's browser: consenting on the authorize page signs them in here. */
  oauthUser: string | null = null;
  readonly oauthClient = { id: APP_ID, secret: 'fake-client-secret' };
  private codes = new Map<string, { userId: string; redirectUri: string }>();
  private tokens = new Map<string, string>();

  private oauthRoute(c: RestCall): Answer | null {
    if (c.method === 'GET' && c.path === '/oauth2/authorize') {
      const q = c.query;
      if (q.get('client_id') !== this.oauthClient.id || q.get('scope') !== 'identify' || q.get('response_type') !== 'code' || !this.oauthUser) return [400, { error: 'invalid_request' }];
      const code = `code-${snowflake()}`;
      this.codes.set(code, { userId: this.oauthUser, redirectUri: q.get('redirect_uri')! });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return [302, back.toString()];
    }
    if (c.method === 'POST' && c.path === '/api/v10/oauth2/token') {
      const form = new URLSearchParams(String(c.body ?? ''));
      const grant = this.codes.get(form.get('code') ?? '');
      if (!grant || form.get('client_secret') !== this.oauthClient.secret || form.get('redirect_uri') !== grant.redirectUri) return [400, { error: 'invalid_grant' }];
      this.codes.delete(form.get('code')!); // a code works once
      const token = `token-${snowflake()}`;
      this.tokens.set(token, grant.userId);
      return [200, { access_token: token, token_type: 'Bearer', expires_in: 604800, refresh_token: `refresh-${snowflake()}`, scope: 'identify' } satisfies RESTPostOAuth2AccessTokenResult];
    }
    if (c.method === 'GET' && c.path === '/api/v10/users/@me' && c.auth?.startsWith('Bearer ')) {
      const user = this.users.get(this.tokens.get(c.auth.slice(7)) ?? '');
      return user ? [200, user] : [401, { message: '401: Unauthorized', code: 0 }];
    }
    return null;
  }

  // ---- what the bot did ------------------------------------------------------------------------

  /** Resolves with the first REST call (already made or still to come) that passes `test`. */
  waitFor(test: (c: RestCall) => boolean, timeoutMs = 5000): Promise<RestCall> {
    const seen = this.calls.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Discord: no matching REST call within ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method} ${c.path}`).join(', ')}`)), timeoutMs);
      this.waiters.push({ test, resolve: (c) => (clearTimeout(timer), resolve(c)) });
    });
  }

  callsTo(method: string, pathPattern: RegExp): RestCall[] {
    return this.calls.filter((c) => c.method === method && pathPattern.test(c.path));
  }

  /**
   * After the first request that passes `test` is answered, hold every later request unanswered
   * until `release()` (a process stopped mid-import stays stopped there). Resolves once holding.
   */
  holdAfter(test: (c: RestCall) => boolean): Promise<void> {
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    return new Promise((started) => void (this.hold = { test, started, closed: false, gate, open: () => open() }));
  }

  release(): void {
    this.hold?.open();
    this.hold = null;
  }

  // ---- gateway ---------------------------------------------------------------------------------

  dispatch<T extends GatewayDispatchEvents>(t: T, d: DispatchData<T>): void {
    const event = { t, d } as Dispatch;
    if (REDELIVERABLE.has(t) && this.socket) this.delivered.push(event);
    this.send(event);
  }

  /** Send events again, as Discord does after a resume or a reconnect (new sequence numbers). */
  redeliver(events: Dispatch[]): void {
    for (const event of events) this.send(event);
  }

  private send(event: Dispatch): void {
    const payload = JSON.stringify({ op: GatewayOpcodes.Dispatch, t: event.t, s: ++this.seq, d: event.d } as GatewayDispatchPayload);
    this.socket?.send(payload);
    // Discord sends a guild's events to every session the bot has open on its shard: two bot
    // processes would each see (and answer) every interaction. Their own handshake stays theirs.
    if (event.t === GatewayDispatchEvents.Ready || event.t === GatewayDispatchEvents.GuildCreate) return;
    for (const ws of this.sessions) if (ws !== this.socket && ws.readyState === ws.OPEN) ws.send(payload);
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  private connect(ws: WebSocket): void {
    this.socket = ws;
    const hello: GatewayHello = { op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41_250 }, s: null, t: null };
    ws.send(JSON.stringify(hello));
    ws.on('message', (raw) => {
      const payload = JSON.parse(String(raw));
      if (payload.op === GatewayOpcodes.Heartbeat) ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: undefined, s: null, t: null } satisfies GatewayHeartbeatAck));
      else if (payload.op === GatewayOpcodes.Identify) this.identify(ws, payload.d);
    });
  }

  private identify(ws: WebSocket, d: { intents: number }): void {
    const privileged = [
      [INTENT_GUILD_MEMBERS, FLAG_GUILD_MEMBERS],
      [INTENT_MESSAGE_CONTENT, FLAG_MESSAGE_CONTENT],
    ];
    if (privileged.some(([intent, flag]) => d.intents & intent! && !(this.flags & flag!))) {
      this.closedWith = 4014;
      ws.close(4014, 'Disallowed intent(s).');
      return;
    }
    this.identified = d;
    this.sessionsOpened++;
    this.sessions.add(ws);
    ws.once('close', () => this.sessions.delete(ws));
    this.seq = 0;
    this.dispatch(GatewayDispatchEvents.Ready, {
      v: 10,
      user: { ...this.users.get(BOT_ID)!, verified: true, mfa_enabled: false, flags: 0 as UserFlags },
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: 'fake-session',
      resume_gateway_url: this.base.replace('http', 'ws'),
      shard: [0, 1],
      application: { id: APP_ID, flags: this.flags, flags_new: String(this.flags) },
    });
    this.dispatch(GatewayDispatchEvents.GuildCreate, this.guild());
  }

  private roles(): APIRole[] {
    const role = (id: string, name: string, permissions: bigint, position: number): APIRole => ({
      id,
      name,
      permissions: String(permissions),
      position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags,
      icon: null,
      unicode_emoji: null,
    });
    return [
      role(GUILD_ID, '@everyone', PERMISSIONS_EVERYONE, 0),
      role(MANAGER_ROLE_ID, 'community team', PERMISSIONS_EVERYONE, 5),
      role(MOD_ROLE_ID, 'moderators', PERMISSIONS_EVERYONE | MANAGE_MESSAGES | MANAGE_THREADS, 4),
      role(STAFF_ROLE_ID, 'staff', PERMISSIONS_EVERYONE, 3),
      role(CONTRIBUTOR_ROLE_ID, 'contributor', 0n, 2),
      role(PARTICIPANT_ROLE_ID, 'participant', 0n, 1),
      role(CHAMPION_ROLE_ID, 'champion', 0n, 1),
    ];
  }

  /** The server's channels as GET /guilds/{id}/channels lists them: no threads, no DMs. */
  private guildChannels(): GuildChannel[] {
    return [...this.channels.values()].filter((c): c is GuildChannel => c.type === ChannelType.GuildText || c.type === ChannelType.GuildForum);
  }

  private guild(): GatewayGuildCreateDispatchData {
    const all = [...this.channels.values()];
    return {
      id: GUILD_ID,
      name: 'Flywheel Test Community',
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: '100000000000000099',
      afk_channel_id: null,
      afk_timeout: 300,
      application_id: null,
      system_channel_id: null,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.AllMessages,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      features: [GuildFeature.Community],
      mfa_level: GuildMFALevel.None,
      system_channel_flags: 0 as GuildSystemChannelFlags,
      premium_tier: GuildPremiumTier.None,
      premium_progress_bar_enabled: false,
      preferred_locale: Locale.EnglishUS,
      nsfw_level: GuildNSFWLevel.Default,
      hub_type: null,
      incidents_data: null,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: this.members.size,
      roles: this.roles(),
      emojis: [],
      stickers: [],
      channels: this.guildChannels(),
      threads: all.filter((c): c is APIThreadChannel => c.type === ChannelType.PublicThread),
      members: [this.members.get(BOT_ID)!],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---- REST ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.hold?.closed) await this.hold.gate;
    const url = new URL(req.url ?? '/', this.base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    const contentType = String(req.headers['content-type']);
    let multipart: ReturnType<typeof parseMultipart> | null = null;
    try {
      if (contentType.startsWith('multipart/form-data')) multipart = parseMultipart(raw, contentType);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Invalid Form Body: ${(err as Error).message}`, code: 50035 }));
      return;
    }
    const call: RestCall = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      body: multipart ? multipart.body : text && contentType.includes('json') ? JSON.parse(text) : text || null,
      auth: req.headers.authorization,
      ...(multipart ? { files: multipart.files } : {}),
    };
    this.calls.push(call);
    const [status, body] = this.route(call);
    if (status === 429) {
      // Discord's rate-limit answer: the bucket is empty until Retry-After (seconds; fractional here to keep tests fast).
      const wait = String((body as RESTRateLimit).retry_after);
      res
        .writeHead(429, {
          'content-type': 'application/json',
          'retry-after': wait,
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': wait,
          'x-ratelimit-bucket': 'fake-history-bucket',
          'x-ratelimit-scope': 'user',
        })
        .end(JSON.stringify(body));
    } else if (status === 302) res.writeHead(302, { location: body }).end();
    else if (status === 204) res.writeHead(204).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (this.hold && !this.hold.closed && this.hold.test(call)) {
      this.hold.closed = true;
      this.hold.started();
    }
    for (const waiter of this.waiters.filter((w) => w.test(call))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
  }

  /** The application as GET /applications/@me answers it. */
  application(): APIApplication {
    return {
      id: APP_ID,
      name: 'Flywheel',
      icon: null,
      description: '',
      bot_public: false,
      bot_require_code_grant: false,
      bot: this.users.get(BOT_ID)!,
      summary: '',
      verify_key: '0'.repeat(64),
      team: null,
      flags: this.flags as ApplicationFlags,
      flags_new: String(this.flags),
    };
  }

  /** REST answers, typed with Discord's documented result for each route. */
  route(c: RestCall): Answer {
    const oauth = this.oauthRoute(c);
    if (oauth) return oauth;
    const p = c.path.replace(/^\/api\/v10/, '');
    const m = (pattern: RegExp) => p.match(pattern);
    let r: RegExpMatchArray | null;
    if (this.down) return [503, { message: 'Service Unavailable', code: 0 }];
    const reading = p.match(/^\/channels\/(\d+)\/(messages|threads)/);
    if (c.method === 'GET' && reading && this.denied.has(reading[1]!)) return [403, { message: 'Missing Access', code: 50001 }];
    const historyRead = c.method === 'GET' && /^\/(channels\/\d+\/(messages|threads)|guilds\/\d+\/(channels|roles|threads|members))/.test(p);
    if (historyRead && this.rateLimitEvery && ++this.reads % this.rateLimitEvery === 0) {
      this.rateLimited++;
      return [429, { message: 'You are being rate limited.', retry_after: 0.05, global: false }];
    }
    if (c.method === 'GET' && p === '/gateway/bot')
      return [
        200,
        { url: this.base.replace('http', 'ws'), shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } } satisfies RESTGetAPIGatewayBotResult,
      ];
    if (c.method === 'GET' && p === '/applications/@me') return [200, this.application()];
    if (c.method === 'POST' && m(/^\/interactions\/\d+\/[^/]+\/callback$/)) {
      // Every uploaded file must be described in the payload's attachments (by its files[n] index), as Discord requires.
      const described = new Set<string>((c.body?.data?.attachments ?? []).map((a: { id: unknown }) => String(a.id)));
      if ((c.files ?? []).some((f) => !described.has(f.field.slice(6, -1))))
        return [400, { message: 'Invalid Form Body', code: 50035, errors: { attachments: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: 'Attachment not found' }] } } }];
      return [204, null];
    }
    if (m(/^\/webhooks\/\d+\/[^/]+(\/messages\/@original)?$/))
      return [200, this.messageOf(GENERAL_ID, BOT_ID, c.body?.content ?? '', { webhook_id: APP_ID, application_id: APP_ID }) satisfies APIMessage];
    if (c.method === 'POST' && p === '/users/@me/channels') {
      const channel: APIDMChannel = { id: snowflake(), type: ChannelType.DM, recipients: [this.users.get(c.body.recipient_id)!], last_message_id: null, flags: 0 as ChannelFlags, name: null };
      this.channels.set(channel.id, channel);
      return [200, channel];
    }
    if (c.method === 'POST' && (r = m(/^\/channels\/(\d+)\/messages$/))) {
      const embeds: APIEmbed[] = c.body?.embeds ?? [];
      const message = this.store(this.messageOf(r[1]!, BOT_ID, c.body?.content ?? '', { embeds }));
      if (this.channels.get(r[1]!)?.type !== ChannelType.DM) this.dispatch(GatewayDispatchEvents.MessageCreate, this.created(message)); // Discord echoes the bot's own messages
      return [200, message];
    }
    if (c.method === 'GET' && (r = m(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const found = (this.messages.get(r[1]!) ?? []).find((x) => x.id === r![2]);
      return found ? [200, found] : unknown('Message', 10008);
    }
    if (c.method === 'GET' && (r = m(/^\/channels\/(\d+)\/messages$/))) {
      // Newest first, always; `after` pages forward (the oldest `limit` after it), `before` backward.
      const [before, after, around] = ['before', 'after', 'around'].map((k) => c.query.get(k));
      const limit = Math.min(100, Math.max(1, Number(c.query.get('limit') ?? 50)));
      const all = this.messages.get(r[1]!) ?? [];
      let list: APIMessage[];
      if (after) list = all.filter((x) => BigInt(x.id) > BigInt(after)).slice(0, limit);
      else if (before) list = all.filter((x) => BigInt(x.id) < BigInt(before)).slice(-limit);
      else if (around) {
        const at = all.findIndex((x) => BigInt(x.id) >= BigInt(around));
        list = all.slice(Math.max(0, at - Math.floor(limit / 2)), Math.max(0, at - Math.floor(limit / 2)) + limit);
      } else list = all.slice(-limit);
      return [200, [...list].reverse() satisfies APIMessage[]];
    }
    if (c.method === 'GET' && (r = m(/^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)$/))) {
      // Users who reacted, by id ascending, paged with `after`; burst reactions are not modelled (none here).
      const [channelId, messageId, emoji] = [r[1]!, r[2]!, r[3]!];
      if (!(this.messages.get(channelId) ?? []).some((x) => x.id === messageId)) return unknown('Message', 10008);
      const limit = Math.min(100, Math.max(1, Number(c.query.get('limit') ?? 25)));
      const after = c.query.get('after');
      const burst = c.query.get('type') === '1';
      const ids = burst ? [] : [...(this.reactions.get(messageId)?.get(emoji)?.users ?? [])];
      const users = ids.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).filter((id) => !after || BigInt(id) > BigInt(after));
      return [200, users.slice(0, limit).map((id) => this.users.get(id)!) satisfies APIUser[]];
    }
    if (c.method === 'GET' && (r = m(/^\/channels\/(\d+)\/threads\/archived\/public$/))) {
      // Newest archived first; `before` is an ISO8601 archive time.
      const before = c.query.get('before');
      const limit = Math.max(2, Number(c.query.get('limit') ?? 50));
      const archived = [...this.channels.values()]
        .filter((t): t is APIThreadChannel => t.type === ChannelType.PublicThread && t.parent_id === r![1] && t.thread_metadata?.archived === true)
        .sort((a, b) => Date.parse(b.thread_metadata!.archive_timestamp) - Date.parse(a.thread_metadata!.archive_timestamp))
        .filter((t) => !before || Date.parse(t.thread_metadata!.archive_timestamp) < Date.parse(before));
      return [200, { threads: archived.slice(0, limit), members: [], has_more: archived.length > limit } satisfies RESTGetAPIChannelThreadsArchivedPublicResult];
    }
    if ((r = m(/^\/channels\/(\d+)$/))) {
      const channel = this.channels.get(r[1]!);
      if (!channel) return unknown('Channel', 10003);
      if (c.method === 'PATCH' && channel.type === ChannelType.PublicThread) {
        // What the bot edits on a forum post: its tags, and whether it is archived or locked.
        if (Array.isArray(c.body?.applied_tags)) channel.applied_tags = c.body.applied_tags.map(String);
        for (const flag of ['archived', 'locked'] as const) if (typeof c.body?.[flag] === 'boolean') channel.thread_metadata![flag] = c.body[flag];
        this.dispatch(GatewayDispatchEvents.ThreadUpdate, channel);
      }
      return [200, channel];
    }
    if (c.method === 'GET' && p === `/guilds/${GUILD_ID}/channels`) return [200, this.guildChannels()];
    if (c.method === 'GET' && p === `/guilds/${GUILD_ID}/roles`) return [200, this.roles()];
    if (c.method === 'GET' && p === `/guilds/${GUILD_ID}/members`) {
      // Listing members takes the Server Members intent; by user id, paged with `after`.
      if (!(this.flags & FLAG_GUILD_MEMBERS)) return [403, { message: 'Missing Access', code: 50001 }];
      const limit = Math.min(1000, Math.max(1, Number(c.query.get('limit') ?? 1)));
      const after = BigInt(c.query.get('after') ?? 0);
      const list = [...this.members.values()].filter((m) => BigInt(m.user.id) > after).sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1));
      return [200, list.slice(0, limit) satisfies APIGuildMember[]];
    }
    if (c.method === 'GET' && p === `/guilds/${GUILD_ID}/threads/active`) {
      const active = [...this.channels.values()].filter((t): t is APIThreadChannel => t.type === ChannelType.PublicThread && t.thread_metadata?.archived !== true);
      return [200, { threads: active, members: [] } satisfies RESTGetAPIGuildThreadsResult];
    }
    if ((r = m(/^\/guilds\/\d+\/members\/(\d+)\/roles\/(\d+)$/))) {
      const member = this.members.get(r[1]!);
      if (!member) return unknown('Member', 10007);
      const roles = new Set<string>(member.roles);
      if (c.method === 'PUT') roles.add(r[2]!);
      else roles.delete(r[2]!);
      member.roles = [...roles];
      this.dispatch(GatewayDispatchEvents.GuildMemberUpdate, { ...member, user: member.user!, joined_at: member.joined_at ?? null, avatar: member.avatar ?? null, banner: member.banner ?? null, guild_id: GUILD_ID });
      return [204, null];
    }
    if (c.method === 'GET' && (r = m(/^\/guilds\/\d+\/members\/(\d+)$/))) {
      const member = this.members.get(r[1]!);
      return member ? [200, member] : unknown('Member', 10007);
    }
    if (c.method === 'GET' && (r = m(/^\/users\/(\d+)$/))) {
      const user = this.users.get(r[1]!);
      return user ? [200, user] : unknown('User', 10013);
    }
    if (c.method === 'PUT' && m(/^\/applications\/\d+(\/guilds\/\d+)?\/commands$/)) {
      const guildId = p.match(/\/guilds\/(\d+)\//)?.[1];
      this.commands.splice(
        0,
        this.commands.length,
        ...(c.body as Array<Record<string, any>>).map(
          (cmd): APIApplicationCommand => ({
            id: snowflake(),
            type: cmd.type ?? ApplicationCommandType.ChatInput,
            application_id: APP_ID,
            ...(guildId ? { guild_id: guildId } : {}),
            name: cmd.name,
            description: cmd.description ?? '',
            ...(cmd.options ? { options: cmd.options } : {}),
            default_member_permissions: cmd.default_member_permissions ?? null,
            ...(cmd.contexts ? { contexts: cmd.contexts } : {}),
            ...(cmd.integration_types ? { integration_types: cmd.integration_types } : {}),
            nsfw: cmd.nsfw ?? false,
            version: snowflake(),
          }),
        ),
      );
      return [200, this.commands];
    }
    return [404, { message: `fake Discord has no route ${c.method} ${p}`, code: 0 }];
  }
}
