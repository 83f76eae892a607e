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
  body: any;
  auth: string | undefined;
}

type Json = Record<string, any>;

const DISCORD_EPOCH = 1_420_070_400_000n;
let counter = 0n;
/** The clock snowflakes carry (discord.js reads a message's time from its id); tests may set it. */
export const fakeClock = { now: () => Date.now() };
export const snowflake = (): string => String(((BigInt(fakeClock.now()) - DISCORD_EPOCH) << 22n) | (counter++ & 0x3fffffn));

/** Events about members' activity; interactions are never redelivered (each has its own id and token). */
const REDELIVERABLE = new Set(['MESSAGE_CREATE', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'GUILD_MEMBER_ADD', 'THREAD_CREATE']);

export class FakeDiscord {
  readonly calls: RestCall[] = [];
  readonly users = new Map<string, Json>();
  readonly members = new Map<string, Json>();
  readonly channels = new Map<string, Json>();
  readonly messages = new Map<string, Json[]>();
  readonly commands: Json[] = [];
  /** Gateway events Discord may deliver more than once, in the order first sent. */
  readonly delivered: Array<{ t: string; d: Json }> = [];
  /** Privileged intents this application may use (Developer Portal switches). */
  flags = FLAG_GUILD_MEMBERS | FLAG_MESSAGE_CONTENT;
  identified: Json | null = null;
  closedWith: number | null = null;

  private http: Server | null = null;
  private wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | null = null;
  private seq = 0;
  private waiters: Array<{ test: (c: RestCall) => boolean; resolve: (c: RestCall) => void }> = [];
  private base = '';

  constructor() {
    this.addUser(BOT_ID, 'flywheel', { bot: true });
    this.channels.set(GENERAL_ID, { id: GENERAL_ID, type: 0, guild_id: GUILD_ID, name: 'general', position: 0, permission_overwrites: [], parent_id: null });
    this.channels.set(ANNOUNCE_ID, { id: ANNOUNCE_ID, type: 0, guild_id: GUILD_ID, name: 'kudos', position: 1, permission_overwrites: [], parent_id: null });
    for (const [id, name] of [
      [FORUM_ID, 'help'],
      [OTHER_FORUM_ID, 'showcase'],
    ] as const)
      this.channels.set(id, {
        id,
        type: 15,
        guild_id: GUILD_ID,
        name,
        position: 2,
        permission_overwrites: [],
        parent_id: null,
        flags: 0,
        available_tags: [
          { id: SOLVED_TAG_ID, name: 'Solved', moderated: false, emoji_id: null, emoji_name: '✅' },
          ...[1, 2, 3, 4, 5].map((n) => ({ id: `10000000000000010${n}`, name: `tag${n}`, moderated: false, emoji_id: null, emoji_name: null })),
        ],
        default_reaction_emoji: null,
        default_sort_order: null,
        default_forum_layout: 0,
      });
  }

  get apiUrl(): string {
    return `${this.base}/api`;
  }

  /** Where Discord's own pages live (the OAuth2 authorize page). */
  get baseUrl(): string {
    return this.base;
  }

  async start(): Promise<this> {
    this.http = createServer((req, res) => void this.handle(req, res));
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

  addUser(id: string, username: string, options: { bot?: boolean; roles?: string[]; nick?: string } = {}): Json {
    const user = { id, username, global_name: options.nick ?? null, discriminator: '0', avatar: null, bot: options.bot ?? false };
    this.users.set(id, user);
    this.members.set(id, { user, roles: options.roles ?? [], nick: null, joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0 });
    return user;
  }

  /** A member joins the server (GUILD_MEMBER_ADD). */
  join(id: string, username: string): void {
    this.addUser(id, username);
    this.dispatch('GUILD_MEMBER_ADD', { ...this.members.get(id), joined_at: new Date(fakeClock.now()).toISOString(), guild_id: GUILD_ID });
  }

  private messageOf(channelId: string, authorId: string, content: string, extra: Json = {}): Json {
    const member = this.members.get(authorId)!;
    const mentions = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!).filter((id) => this.users.has(id));
    return {
      id: extra.id ?? snowflake(),
      channel_id: channelId,
      guild_id: GUILD_ID,
      author: member.user,
      member: { ...member, user: undefined },
      content: this.flags & FLAG_MESSAGE_CONTENT ? content : '',
      timestamp: new Date(fakeClock.now()).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: mentions.map((id) => ({ ...this.users.get(id), member: { ...this.members.get(id), user: undefined } })),
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: extra.referenced_message ? 19 : 0,
      flags: 0,
      ...extra,
    };
  }

  private store(message: Json): Json {
    const list = this.messages.get(message.channel_id) ?? [];
    list.push(message);
    this.messages.set(message.channel_id, list);
    const channel = this.channels.get(message.channel_id);
    if (channel?.type === 11) channel.message_count = (channel.message_count ?? 0) + 1;
    return message;
  }

  /** A member writes in a channel or thread; `replyTo` makes it a reply. */
  say(channelId: string, authorId: string, content: string, options: { replyTo?: Json } = {}): Json {
    const reply = options.replyTo;
    const message = this.store(
      this.messageOf(channelId, authorId, content, reply ? { message_reference: { type: 0, message_id: reply.id, channel_id: reply.channel_id, guild_id: GUILD_ID }, referenced_message: reply } : {}),
    );
    this.dispatch('MESSAGE_CREATE', message);
    return message;
  }

  /** A member opens a post in a forum: THREAD_CREATE, then its starter message (same id). */
  openPost(forumId: string, ownerId: string, title: string, content: string): { thread: Json; starter: Json } {
    const id = snowflake();
    const thread = {
      id,
      type: 11,
      guild_id: GUILD_ID,
      parent_id: forumId,
      owner_id: ownerId,
      name: title,
      last_message_id: id,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0,
      applied_tags: [] as string[],
      thread_metadata: { archived: false, auto_archive_duration: 4320, archive_timestamp: new Date(fakeClock.now()).toISOString(), locked: false, create_timestamp: new Date(fakeClock.now()).toISOString() },
      total_message_sent: 0,
    };
    this.channels.set(id, thread);
    this.dispatch('THREAD_CREATE', { ...thread, newly_created: true, member: { id, user_id: ownerId, join_timestamp: new Date(fakeClock.now()).toISOString(), flags: 0 } });
    const starter = this.store(this.messageOf(id, ownerId, content, { id, position: 0 }));
    this.dispatch('MESSAGE_CREATE', starter);
    return { thread, starter };
  }

  react(message: Json, userId: string, emoji: string): void {
    this.dispatch('MESSAGE_REACTION_ADD', {
      user_id: userId,
      channel_id: message.channel_id,
      message_id: message.id,
      guild_id: GUILD_ID,
      member: this.members.get(userId),
      emoji: { id: null, name: emoji },
      message_author_id: message.author.id,
      burst: false,
      type: 0,
    });
  }

  unreact(message: Json, userId: string, emoji: string): void {
    this.dispatch('MESSAGE_REACTION_REMOVE', { user_id: userId, channel_id: message.channel_id, message_id: message.id, guild_id: GUILD_ID, emoji: { id: null, name: emoji }, burst: false, type: 0 });
  }

  deleteMessage(message: Json): void {
    const list = this.messages.get(message.channel_id) ?? [];
    this.messages.set(
      message.channel_id,
      list.filter((m) => m.id !== message.id),
    );
    this.dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: GUILD_ID });
  }

  /**
   * A member runs a slash command (`type` 1) or a message context menu (`type` 3, `target`).
   * Resolves with the bot's first response (the interaction callback).
   */
  async command(
    name: string,
    userId: string,
    options: { channelId?: string; options?: Array<{ name: string; type: number; value: unknown }>; target?: Json; targetUser?: string; permissions?: bigint } = {},
  ): Promise<{ id: string; token: string; response: RestCall }> {
    const channelId = options.channelId ?? options.target?.channel_id ?? GENERAL_ID;
    const users: Json = {};
    const members: Json = {};
    for (const option of options.options ?? [])
      if (option.type === 6) {
        users[String(option.value)] = this.users.get(String(option.value));
        members[String(option.value)] = { ...this.members.get(String(option.value)), user: undefined, permissions: '0' };
      }
    if (options.targetUser) {
      users[options.targetUser] = this.users.get(options.targetUser);
      members[options.targetUser] = { ...this.members.get(options.targetUser), user: undefined, permissions: '0' };
    }
    const data: Json = options.target
      ? { id: `cmd-${name}`, name, type: 3, target_id: options.target.id, resolved: { messages: { [options.target.id]: options.target } } }
      : options.targetUser
        ? { id: `cmd-${name}`, name, type: 2, target_id: options.targetUser, resolved: { users, members } }
        : { id: `cmd-${name}`, name, type: 1, options: options.options ?? [], resolved: { users, members } };
    return this.interact(2, data, userId, channelId, options.permissions);
  }

  /** A member fills in and sends a modal the bot showed them. */
  submitModal(userId: string, customId: string, fields: Record<string, string>): Promise<{ id: string; token: string; response: RestCall }> {
    const components = Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] }));
    return this.interact(5, { custom_id: customId, components }, userId, GENERAL_ID);
  }

  private async interact(type: number, data: Json, userId: string, channelId: string, permissions?: bigint): Promise<{ id: string; token: string; response: RestCall }> {
    const id = snowflake();
    const token = `token-${id}`;
    const member = this.members.get(userId)!;
    const response = this.waitFor((c) => c.path === `/api/v10/interactions/${id}/${token}/callback`);
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: APP_ID,
      type,
      data,
      guild_id: GUILD_ID,
      channel_id: channelId,
      channel: this.channels.get(channelId),
      member: { ...member, permissions: String(permissions ?? this.permissionsOf(userId)) },
      token,
      version: 1,
      locale: 'en-US',
      guild_locale: 'en-US',
      app_permissions: String(PERMISSIONS_EVERYONE),
      entitlements: [],
      authorizing_integration_owners: { '0': GUILD_ID },
      context: 0,
      attachment_size_limit: 10_000_000,
    });
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

  private oauthRoute(c: RestCall): [number, unknown] | null {
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
      return [200, { access_token: token, token_type: 'Bearer', expires_in: 604800, scope: 'identify' }];
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

  // ---- gateway ---------------------------------------------------------------------------------

  dispatch(t: string, d: Json): void {
    if (REDELIVERABLE.has(t) && this.socket) this.delivered.push({ t, d });
    this.socket?.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  /** Send events again, as Discord does after a resume or a reconnect (new sequence numbers). */
  redeliver(events: Array<{ t: string; d: Json }>): void {
    for (const { t, d } of events) this.socket?.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  private connect(ws: WebSocket): void {
    this.socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const payload = JSON.parse(String(raw));
      if (payload.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (payload.op === 2) this.identify(ws, payload.d);
    });
  }

  private identify(ws: WebSocket, d: Json): void {
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
    this.seq = 0;
    this.dispatch('READY', {
      v: 10,
      user: { ...this.users.get(BOT_ID), verified: true, mfa_enabled: false, flags: 0 },
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: 'fake-session',
      resume_gateway_url: this.base.replace('http', 'ws'),
      shard: [0, 1],
      application: { id: APP_ID, flags: this.flags },
      private_channels: [],
      user_settings: {},
      relationships: [],
      presences: [],
    });
    this.dispatch('GUILD_CREATE', this.guild());
  }

  private guild(): Json {
    const role = (id: string, name: string, permissions: bigint, position: number) => ({
      id,
      name,
      permissions: String(permissions),
      position,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      managed: false,
      mentionable: false,
      flags: 0,
      icon: null,
      unicode_emoji: null,
    });
    const all = [...this.channels.values()];
    return {
      id: GUILD_ID,
      name: 'Flywheel Test Community',
      icon: null,
      owner_id: '100000000000000099',
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: ['COMMUNITY'],
      mfa_level: 0,
      system_channel_flags: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
      member_count: this.members.size,
      roles: [
        role(GUILD_ID, '@everyone', PERMISSIONS_EVERYONE, 0),
        role(MANAGER_ROLE_ID, 'community team', PERMISSIONS_EVERYONE, 5),
        role(MOD_ROLE_ID, 'moderators', PERMISSIONS_EVERYONE | MANAGE_MESSAGES | MANAGE_THREADS, 4),
        role(STAFF_ROLE_ID, 'staff', PERMISSIONS_EVERYONE, 3),
        role(CONTRIBUTOR_ROLE_ID, 'contributor', 0n, 2),
        role(PARTICIPANT_ROLE_ID, 'participant', 0n, 1),
        role(CHAMPION_ROLE_ID, 'champion', 0n, 1),
      ],
      emojis: [],
      stickers: [],
      channels: all.filter((c) => c.type !== 11),
      threads: all.filter((c) => c.type === 11),
      members: [this.members.get(BOT_ID)],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---- REST ------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const call: RestCall = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      body: text && String(req.headers['content-type']).includes('json') ? JSON.parse(text) : text || null,
      auth: req.headers.authorization,
    };
    this.calls.push(call);
    const [status, body] = this.route(call);
    if (status === 302) res.writeHead(302, { location: String(body) }).end();
    else if (status === 204) res.writeHead(204).end();
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    for (const waiter of this.waiters.filter((w) => w.test(call))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
  }

  private route(c: RestCall): [number, unknown] {
    const oauth = this.oauthRoute(c);
    if (oauth) return oauth;
    const p = c.path.replace(/^\/api\/v10/, '');
    const m = (pattern: RegExp) => p.match(pattern);
    let r: RegExpMatchArray | null;
    if (c.method === 'GET' && p === '/gateway/bot')
      return [200, { url: this.base.replace('http', 'ws'), shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } }];
    if (c.method === 'GET' && p === '/applications/@me') return [200, { id: APP_ID, name: 'Flywheel', flags: this.flags, bot_public: false }];
    if (c.method === 'POST' && m(/^\/interactions\/\d+\/[^/]+\/callback$/)) return [204, null];
    if ((r = m(/^\/webhooks\/\d+\/[^/]+(\/messages\/@original)?$/)))
      return [200, this.messageOf(GENERAL_ID, BOT_ID, c.body?.content ?? '', { webhook_id: APP_ID, application_id: APP_ID })];
    if (c.method === 'POST' && p === '/users/@me/channels') {
      const channel = { id: snowflake(), type: 1, recipients: [this.users.get(c.body.recipient_id)], last_message_id: null };
      this.channels.set(channel.id, channel);
      return [200, channel];
    }
    if (c.method === 'POST' && (r = m(/^\/channels\/(\d+)\/messages$/))) {
      const dm = this.channels.get(r[1]!)?.type === 1;
      const message = this.store(this.messageOf(r[1]!, BOT_ID, c.body?.content ?? '', { embeds: c.body?.embeds ?? [], ...(dm ? { guild_id: undefined, member: undefined } : {}) }));
      if (!dm) this.dispatch('MESSAGE_CREATE', message); // Discord echoes the bot's own messages
      return [200, message];
    }
    if (c.method === 'GET' && (r = m(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const found = (this.messages.get(r[1]!) ?? []).find((x) => x.id === r![2]);
      return found ? [200, found] : [404, { message: 'Unknown Message', code: 10008 }];
    }
    if (c.method === 'GET' && (r = m(/^\/channels\/(\d+)\/messages$/))) {
      const before = c.query.get('before');
      const limit = Number(c.query.get('limit') ?? 50);
      const list = [...(this.messages.get(r[1]!) ?? [])].reverse().filter((x) => !before || BigInt(x.id) < BigInt(before));
      return [200, list.slice(0, limit)];
    }
    if ((r = m(/^\/channels\/(\d+)$/))) {
      const channel = this.channels.get(r[1]!);
      if (!channel) return [404, { message: 'Unknown Channel', code: 10003 }];
      if (c.method === 'PATCH') {
        Object.assign(channel, c.body);
        this.dispatch('THREAD_UPDATE', channel);
      }
      return [200, channel];
    }
    if ((r = m(/^\/guilds\/\d+\/members\/(\d+)\/roles\/(\d+)$/))) {
      const member = this.members.get(r[1]!);
      if (!member) return [404, { message: 'Unknown Member', code: 10007 }];
      const roles = new Set<string>(member.roles);
      if (c.method === 'PUT') roles.add(r[2]!);
      else roles.delete(r[2]!);
      member.roles = [...roles];
      this.dispatch('GUILD_MEMBER_UPDATE', { ...member, guild_id: GUILD_ID });
      return [204, null];
    }
    if (c.method === 'GET' && (r = m(/^\/guilds\/\d+\/members\/(\d+)$/))) {
      const member = this.members.get(r[1]!);
      return member ? [200, member] : [404, { message: 'Unknown Member', code: 10007 }];
    }
    if (c.method === 'GET' && (r = m(/^\/users\/(\d+)$/))) {
      const user = this.users.get(r[1]!);
      return user ? [200, user] : [404, { message: 'Unknown User', code: 10013 }];
    }
    if (c.method === 'PUT' && m(/^\/applications\/\d+(\/guilds\/\d+)?\/commands$/)) {
      this.commands.splice(0, this.commands.length, ...(c.body as Json[]).map((cmd) => ({ ...cmd, id: snowflake(), application_id: APP_ID, version: '1' })));
      return [200, this.commands];
    }
    return [404, { message: `fake Discord has no route ${c.method} ${p}`, code: 0 }];
  }
}
