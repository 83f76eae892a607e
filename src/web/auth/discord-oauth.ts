/** Sign-in with Discord: OAuth2 authorization code flow, `identify` scope, and who the account is here. */
import type { WebConfig } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import type { Role } from './session.js';

export const oauthConfigured = (config: WebConfig): boolean => Boolean(config.auth.discordClientId && config.auth.discordClientSecret);

export const callbackUrl = (config: WebConfig): string => `${config.community.siteUrl.replace(/\/$/, '')}/auth/discord/callback`;

export function authorizeUrl(config: WebConfig, state: string): string {
  const url = new URL(`${config.auth.discordOAuthUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({ response_type: 'code', client_id: config.auth.discordClientId!, scope: 'identify', state, redirect_uri: callbackUrl(config), prompt: 'none' }).toString();
  return url.toString();
}

export interface DiscordAccount {
  id: string;
  username: string;
  displayName: string;
}

const TIMEOUT_MS = 10_000;
const failed = () => new DomainError('invalid_parameter', 'Discord sign-in did not complete; please try again');

/** Trade the code Discord sent back for the account that consented. */
export async function accountFor(config: WebConfig, code: string): Promise<DiscordAccount> {
  const api = `${config.discord.apiUrl}/v10`;
  const token = await fetch(`${api}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: config.auth.discordClientId!,
      client_secret: config.auth.discordClientSecret!,
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl(config),
    }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  // A bad or reused code is the visitor's to retry, not our fault.
  if (!token.ok) throw failed();
  const { access_token: accessToken } = (await token.json()) as { access_token?: string };
  if (!accessToken) throw failed();
  const me = await fetch(`${api}/users/@me`, { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!me.ok) throw failed();
  const user = (await me.json()) as { id: string; username: string; global_name?: string | null };
  return { id: user.id, username: user.username, displayName: user.global_name || user.username };
}

/** Admins and managers are named in the configuration, or hold the manager role in the community's server. */
export async function roleOf(config: WebConfig, discordId: string): Promise<Role> {
  if (config.auth.adminDiscordIds.includes(discordId)) return 'admin';
  if (config.auth.managerDiscordIds.includes(discordId)) return 'manager';
  const { guildId, managerRoleId, token } = config.discord;
  if (!guildId || !managerRoleId || !token) return 'member';
  const res = await fetch(`${config.discord.apiUrl}/v10/guilds/${guildId}/members/${discordId}`, {
    headers: { authorization: `Bot ${token}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!res.ok) return 'member';
  const member = (await res.json()) as { roles?: string[] };
  return member.roles?.includes(managerRoleId) ? 'manager' : 'member';
}

/**
 * Whether the account holds the manager role in the community's server now (a session's grant
 * being confirmed): false when it does not or has left the server; throws when Discord cannot say
 * (down, rate limited), so a hiccup does not sign managers out.
 */
export async function holdsManagerRole(config: WebConfig, discordId: string): Promise<boolean> {
  const { guildId, managerRoleId, token } = config.discord;
  if (!guildId || !managerRoleId || !token) return false;
  const res = await fetch(`${config.discord.apiUrl}/v10/guilds/${guildId}/members/${discordId}`, {
    headers: { authorization: `Bot ${token}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`Discord answered ${res.status} when asked for a member's roles`);
  const member = (await res.json()) as { roles?: string[] };
  return member.roles?.includes(managerRoleId) ?? false;
}
