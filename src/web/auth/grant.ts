/**
 * What grants a session its role, as a short key stored with the session and compared on every
 * request: when the key the configuration gives now differs, the session has ended. Taking an id
 * off `access.managerDiscordIds` / `adminDiscordIds`, or changing ADMIN_PASSWORD, changes the key.
 */
import { scryptSync } from 'node:crypto';
import type { Config } from '../../config.js';
import type { SessionRole } from '../../app/sessions.js';
import { oauthConfigured } from './discord-oauth.js';

/** Never stored: no session is started with it, so a session compared with it has ended. */
export const NO_GRANT = 'none';

export interface Grants {
  keyOf(who: { role: SessionRole; discordId: string | null }): string;
}

export function grants(config: Config): Grants {
  const { adminPassword, adminDiscordIds, managerDiscordIds } = config.auth;
  const { guildId, managerRoleId } = config.discord;
  let passwordKey: string | null = null;
  // The password is kept only as a slow, salted digest: the database never holds a cheap way to test guesses.
  const password = () =>
    (passwordKey ??= adminPassword
      ? `password:${scryptSync(adminPassword, 'flywheel admin session', 16).toString('hex')}`
      : oauthConfigured(config)
        ? NO_GRANT
        : 'password:one-time');
  return {
    keyOf({ role, discordId }) {
      if (discordId === null) return role === 'admin' ? password() : NO_GRANT;
      if (role === 'admin') return adminDiscordIds.includes(discordId) ? 'admin:listed' : NO_GRANT;
      if (role === 'manager') {
        if (managerDiscordIds.includes(discordId)) return 'manager:listed';
        return guildId && managerRoleId ? `manager:role:${guildId}:${managerRoleId}` : NO_GRANT;
      }
      return 'member';
    },
  };
}
