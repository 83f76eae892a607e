/**
 * The fake Discord answers in Discord's documented shapes. Its payloads are typed with
 * discord-api-types (through discord.js), so the compiler checks what it builds; this test checks
 * what actually goes over the wire: every REST answer has each field its type requires and no
 * field the type does not name. Each key list below is itself checked by the compiler against
 * the type (a key missing, extra, or marked required/optional wrongly does not compile), so a
 * newer discord-api-types that adds a required field makes this test ask for it.
 */
import {
  ApplicationCommandType,
  type APIApplication,
  type APIApplicationCommand,
  type APIDMChannel,
  type APIGuildForumChannel,
  type APIGuildMember,
  type APIMessage,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type RESTError,
  type RESTGetAPIGatewayBotResult,
  type RESTPostOAuth2AccessTokenResult,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, FakeDiscord, FORUM_ID, GENERAL_ID, GUILD_ID } from '../../support/fake-discord.js';

type Shape<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? 'optional' : 'required' };
const shape = <T>(keys: Shape<T>): Record<string, 'optional' | 'required'> => keys;

const USER = shape<APIUser>({
  id: 'required', username: 'required', discriminator: 'required', global_name: 'required', avatar: 'required', bot: 'optional', system: 'optional', mfa_enabled: 'optional',
  banner: 'optional', accent_color: 'optional', locale: 'optional', verified: 'optional', email: 'optional', flags: 'optional', premium_type: 'optional', public_flags: 'optional',
  avatar_decoration: 'optional', avatar_decoration_data: 'optional', collectibles: 'optional', primary_guild: 'optional',
});
const MESSAGE = shape<APIMessage>({
  channel_id: 'required', id: 'required', author: 'required', content: 'required', timestamp: 'required', edited_timestamp: 'required', tts: 'required', mention_everyone: 'required',
  mention_roles: 'required', mention_channels: 'optional', attachments: 'required', embeds: 'required', reactions: 'optional', nonce: 'optional', pinned: 'required', webhook_id: 'optional',
  type: 'required', activity: 'optional', application: 'optional', application_id: 'optional', message_reference: 'optional', flags: 'optional', referenced_message: 'optional',
  interaction_metadata: 'optional', interaction: 'optional', thread: 'optional', components: 'optional', sticker_items: 'optional', stickers: 'optional', position: 'optional',
  role_subscription_data: 'optional', resolved: 'optional', poll: 'optional', message_snapshots: 'optional', call: 'optional', shared_client_theme: 'optional', mentions: 'required',
});
const MEMBER = shape<APIGuildMember>({
  nick: 'optional', roles: 'required', premium_since: 'optional', pending: 'optional', communication_disabled_until: 'optional', avatar_decoration_data: 'optional', collectibles: 'optional',
  deaf: 'required', mute: 'required', flags: 'required', avatar: 'optional', banner: 'optional', joined_at: 'required', user: 'required',
});
const THREAD = shape<APIThreadChannel>({
  member: 'optional', thread_metadata: 'optional', message_count: 'optional', member_count: 'optional', owner_id: 'optional', total_message_sent: 'optional', applied_tags: 'optional',
  parent_id: 'optional', last_message_id: 'optional', type: 'required', flags: 'optional', id: 'required', rate_limit_per_user: 'optional', name: 'required', guild_id: 'optional',
  permission_overwrites: 'optional', nsfw: 'optional', last_pin_timestamp: 'optional',
});
const TEXT = shape<APITextChannel>({
  default_auto_archive_duration: 'optional', default_thread_rate_limit_per_user: 'optional', topic: 'optional', last_message_id: 'optional', type: 'required', flags: 'optional', id: 'required',
  rate_limit_per_user: 'optional', name: 'required', guild_id: 'optional', permission_overwrites: 'optional', parent_id: 'optional', nsfw: 'optional', position: 'required', last_pin_timestamp: 'optional',
});
const FORUM = shape<APIGuildForumChannel>({
  default_forum_layout: 'required', topic: 'optional', last_message_id: 'optional', rate_limit_per_user: 'optional', last_pin_timestamp: 'optional', default_auto_archive_duration: 'optional',
  available_tags: 'required', default_thread_rate_limit_per_user: 'optional', default_reaction_emoji: 'required', default_sort_order: 'required', name: 'required', guild_id: 'optional',
  permission_overwrites: 'optional', parent_id: 'optional', nsfw: 'optional', type: 'required', flags: 'optional', id: 'required', position: 'required',
});
const DM = shape<APIDMChannel>({
  name: 'required', recipients: 'optional', last_message_id: 'optional', type: 'required', flags: 'optional', id: 'required', rate_limit_per_user: 'optional', last_pin_timestamp: 'optional',
});
const COMMAND = shape<APIApplicationCommand>({
  id: 'required', type: 'required', application_id: 'required', guild_id: 'optional', name: 'required', name_localizations: 'optional', name_localized: 'optional', description: 'required',
  description_localizations: 'optional', description_localized: 'optional', options: 'optional', default_member_permissions: 'required', dm_permission: 'optional',
  default_permission: 'optional', nsfw: 'optional', integration_types: 'optional', contexts: 'optional', version: 'required', handler: 'optional',
});
const APPLICATION = shape<APIApplication>({
  id: 'required', name: 'required', icon: 'required', description: 'required', rpc_origins: 'optional', bot_public: 'required', bot_require_code_grant: 'required', bot: 'optional',
  terms_of_service_url: 'optional', privacy_policy_url: 'optional', owner: 'optional', summary: 'required', verify_key: 'required', team: 'required', guild_id: 'optional', guild: 'optional',
  primary_sku_id: 'optional', slug: 'optional', cover_image: 'optional', flags: 'required', flags_new: 'required', approximate_guild_count: 'optional',
  approximate_user_install_count: 'optional', approximate_user_authorization_count: 'optional', redirect_uris: 'optional', interactions_endpoint_url: 'optional',
  role_connections_verification_url: 'optional', tags: 'optional', install_params: 'optional', integration_types_config: 'optional', custom_install_url: 'optional',
  event_webhooks_url: 'optional', event_webhooks_status: 'optional', event_webhooks_types: 'optional',
});
const GATEWAY_BOT = shape<RESTGetAPIGatewayBotResult>({ url: 'required', shards: 'required', session_start_limit: 'required' });
const TOKEN = shape<RESTPostOAuth2AccessTokenResult>({ access_token: 'required', token_type: 'required', expires_in: 'required', refresh_token: 'required', scope: 'required' });
const ERROR = shape<RESTError>({ code: 'required', message: 'required', errors: 'optional' });

/** What `body` lacks that the shape requires, and what it has that the shape does not name. */
function misfit(body: Record<string, unknown>, keys: Record<string, string>, nested: Record<string, Record<string, string>> = {}): string[] {
  const missing = Object.entries(keys).filter(([k, rule]) => rule === 'required' && !(k in body)).map(([k]) => `missing ${k}`);
  const extra = Object.keys(body).filter((k) => !(k in keys)).map((k) => `unknown ${k}`);
  const inner = Object.entries(nested).flatMap(([k, s]) => {
    const values = Array.isArray(body[k]) ? (body[k] as Array<Record<string, unknown>>) : body[k] ? [body[k] as Record<string, unknown>] : [];
    return values.flatMap((v) => misfit(v, s).map((m) => `${k}: ${m}`));
  });
  return [...missing, ...extra, ...inner];
}

let discord: FakeDiscord;
const BEA = '700000000000000001';
beforeAll(async () => {
  discord = await new FakeDiscord().start();
  discord.addUser(BEA, 'bea');
});
afterAll(() => discord.stop());

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${discord.apiUrl}/v10${path}`, {
    method,
    headers: { authorization: 'Bot test-token', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

describe('the fake Discord’s REST answers', () => {
  it('carry exactly the fields of Discord’s documented types', async () => {
    const { thread, starter } = discord.openPost(FORUM_ID, BEA, 'A question', 'How do I <@100000000000000003>?');
    const reply = discord.say(thread.id, BEA, 'more detail', { replyTo: starter });
    const answers: Array<[string, { status: number; json: any }, Record<string, string>, Record<string, Record<string, string>>?]> = [
      ['GET /gateway/bot', await rest('GET', '/gateway/bot'), GATEWAY_BOT],
      ['GET /applications/@me', await rest('GET', '/applications/@me'), APPLICATION, { bot: USER }],
      ['GET /users/:id', await rest('GET', `/users/${BEA}`), USER],
      ['GET /guilds/:id/members/:id', await rest('GET', `/guilds/${GUILD_ID}/members/${BEA}`), MEMBER, { user: USER }],
      ['GET /channels/:text', await rest('GET', `/channels/${GENERAL_ID}`), TEXT],
      ['GET /channels/:forum', await rest('GET', `/channels/${FORUM_ID}`), FORUM],
      ['GET /channels/:thread', await rest('GET', `/channels/${thread.id}`), THREAD],
      ['GET /channels/:id/messages/:id', await rest('GET', `/channels/${thread.id}/messages/${starter.id}`), MESSAGE, { author: USER, mentions: USER }],
      ['GET /channels/:id/messages/:id (a reply)', await rest('GET', `/channels/${thread.id}/messages/${reply.id}`), MESSAGE, { author: USER, referenced_message: MESSAGE }],
      ['POST /channels/:id/messages', await rest('POST', `/channels/${GENERAL_ID}/messages`, { content: 'hello', allowed_mentions: { parse: [] } }), MESSAGE, { author: USER }],
      ['POST /users/@me/channels', await rest('POST', '/users/@me/channels', { recipient_id: BEA }), DM, { recipients: USER }],
      ['PATCH /channels/:thread', await rest('PATCH', `/channels/${thread.id}`, { applied_tags: [] }), THREAD],
      ['GET /channels/:id/messages/:unknown', await rest('GET', `/channels/${thread.id}/messages/1`), ERROR],
    ];
    const list = await rest('GET', `/channels/${thread.id}/messages?limit=50`);
    expect(list.json).toHaveLength(2);
    list.json.forEach((m: Record<string, unknown>, i: number) => answers.push([`GET /channels/:id/messages [${i}]`, { status: list.status, json: m }, MESSAGE, { author: USER }]));
    const commands = await rest('PUT', `/applications/${APP_ID}/guilds/${GUILD_ID}/commands`, [{ name: 'rank', description: 'Your points', type: ApplicationCommandType.ChatInput }]);
    commands.json.forEach((c: Record<string, unknown>) => answers.push(['PUT /applications/:id/guilds/:id/commands', { status: commands.status, json: c }, COMMAND]));

    const problems = answers.flatMap(([route, answer, keys, nested]) => misfit(answer.json, keys, nested).map((p) => `${route}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('signs in over OAuth2 with a token answer in Discord’s shape', async () => {
    discord.oauthUser = BEA;
    const redirect = 'http://site.test/login/discord/callback';
    const authorize = await fetch(`${discord.baseUrl}/oauth2/authorize?client_id=${APP_ID}&scope=identify&response_type=code&redirect_uri=${encodeURIComponent(redirect)}&state=s`, { redirect: 'manual' });
    const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
    const res = await fetch(`${discord.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: APP_ID, client_secret: discord.oauthClient.secret }),
    });
    expect(misfit((await res.json()) as Record<string, unknown>, TOKEN)).toEqual([]);
  });
});
