/**
 * What grants a session its role, as a short key stored with the session and compared on every
 * request: when the key the configuration gives now differs, the session has ended. Taking an id
 * off `access.managerDiscordIds` / `adminDiscordIds`, or changing ADMIN_PASSWORD, changes the key.
 * The manager role in Discord lives outside the configuration: it is asked again every ten minutes.
 * So does a forum account's role (its forum admin or moderator flag, or a group), when the forum's
 * API can be asked (DISCOURSE_API_KEY); the rule of `access.forumAdmins` / `forumManagers` that
 * granted it is in the key, so taking the rule off the configuration ends the session at once.
 */
import { scryptSync } from 'node:crypto';
import type { WebConfig } from '../../config.js';
import type { SessionIdentity, SessionRole, StoredSession } from '../../app/sessions.js';
import { apiReady, fetchForumFacts } from '../../discourse/api.js';
import { holdsManagerRole } from './discord-oauth.js';
import { forumGrantKey, forumRuleConfigured, ruleStillMatches } from './forum-grant.js';
import { adminSignInConfigured } from './providers.js';

/** Never stored: no session is started with it, so a session compared with it has ended. */
export const NO_GRANT = 'none';

/** How long a Discord role's grant is taken on trust before Discord is asked again. */
export const ROLE_RECHECK_MS = 10 * 60_000;

export interface Grants {
  /** The key a new session is stored with; a forum account's team role names the rule that granted it. */
  keyOf(who: { role: SessionRole; identity: SessionIdentity | null; forumRule?: string | null }): string;
  /** Whether a stored session's grant holds under the configuration as it is now. */
  holds(session: StoredSession): boolean;
  /** Whether the grant lives in Discord or the forum and was last confirmed long enough ago to ask again. */
  recheckDue(session: StoredSession, now: number): boolean;
  /** Ask Discord or the forum whether the session's grant still holds (throws when it cannot be asked). */
  stillHeld(session: StoredSession): Promise<boolean>;
}

export function grants(config: WebConfig): Grants {
  const { adminPassword, adminDiscordIds, managerDiscordIds } = config.auth;
  const { guildId, managerRoleId } = config.discord;
  let passwordKey: string | null = null;
  // The password is kept only as a slow, salted digest: the database never holds a cheap way to test guesses.
  const password = () =>
    (passwordKey ??= adminPassword
      ? `password:${scryptSync(adminPassword, 'flywheel admin session', 16).toString('hex')}`
      : adminSignInConfigured(config)
        ? NO_GRANT
        : 'password:one-time');
  const keyOf: Grants['keyOf'] = ({ role, identity, forumRule }) => {
    if (identity === null) return role === 'admin' ? password() : NO_GRANT;
    if (role === 'member') return 'member';
    if (identity.platform === 'discourse') return forumRule ? forumGrantKey(role, forumRule) : NO_GRANT;
    if (identity.platform !== 'discord') return NO_GRANT;
    const discordId = identity.externalId;
    if (role === 'admin') return adminDiscordIds.includes(discordId) ? 'admin:listed' : NO_GRANT;
    if (role === 'manager') {
      if (managerDiscordIds.includes(discordId)) return 'manager:listed';
      return guildId && managerRoleId ? `manager:role:${guildId}:${managerRoleId}` : NO_GRANT;
    }
    return NO_GRANT;
  };
  const forumTeam = (s: StoredSession) => s.identity?.platform === 'discourse' && s.role !== 'member';
  return {
    keyOf,
    holds(session) {
      if (forumTeam(session)) return forumRuleConfigured(config, session.grantKey, session.role);
      const key = keyOf(session);
      return key !== NO_GRANT && key === session.grantKey;
    },
    recheckDue: (session, now) =>
      (session.grantKey.startsWith('manager:role:') || (forumTeam(session) && apiReady(config.discourse))) && now - session.checkedAt >= ROLE_RECHECK_MS,
    async stillHeld(session) {
      if (!session.identity) return false;
      if (session.identity.platform === 'discord') return holdsManagerRole(config, session.identity.externalId);
      const facts = await fetchForumFacts(config.discourse, session.identity.externalId);
      return facts !== null && ruleStillMatches(session.grantKey, facts);
    },
  };
}
