/**
 * What grants a session its role, as a short key stored with the session and compared on every
 * request: when the key the configuration gives now differs, the session has ended. Taking an id
 * off `access.managerDiscordIds` / `adminDiscordIds`, or changing ADMIN_PASSWORD, changes the key.
 * The manager role in Discord lives outside the configuration: it is asked again every ten minutes.
 */
import { scryptSync } from 'node:crypto';
import type { Config } from '../../config.js';
import type { SessionRole, StoredSession } from '../../app/sessions.js';
import { holdsManagerRole, oauthConfigured } from './discord-oauth.js';

/** Never stored: no session is started with it, so a session compared with it has ended. */
export const NO_GRANT = 'none';

/** How long a Discord role's grant is taken on trust before Discord is asked again. */
export const ROLE_RECHECK_MS = 10 * 60_000;

export interface Grants {
  keyOf(who: { role: SessionRole; discordId: string | null }): string;
  /** Whether the grant lives in Discord and was last confirmed long enough ago to ask again. */
  recheckDue(session: StoredSession, now: number): boolean;
  /** Ask Discord whether the session's grant still holds (throws when Discord cannot be asked). */
  stillHeld(session: StoredSession): Promise<boolean>;
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
  const keyOf: Grants['keyOf'] = ({ role, discordId }) => {
    if (discordId === null) return role === 'admin' ? password() : NO_GRANT;
    if (role === 'admin') return adminDiscordIds.includes(discordId) ? 'admin:listed' : NO_GRANT;
    if (role === 'manager') {
      if (managerDiscordIds.includes(discordId)) return 'manager:listed';
      return guildId && managerRoleId ? `manager:role:${guildId}:${managerRoleId}` : NO_GRANT;
    }
    return 'member';
  };
  return {
    keyOf,
    recheckDue: (session, now) => session.grantKey.startsWith('manager:role:') && now - session.checkedAt >= ROLE_RECHECK_MS,
    stillHeld: async (session) => session.discordId !== null && (await holdsManagerRole(config, session.discordId)),
  };
}
