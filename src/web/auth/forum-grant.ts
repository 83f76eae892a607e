/**
 * Who signing in with the forum is here: `access.forumAdmins` / `access.forumManagers` name the
 * forum's own roles (`admin`, `moderator`) or its groups (`group:<name>`). The rule that granted
 * the role is kept in the session's grant key, so taking it off the configuration ends the session.
 */
import type { WebConfig } from '../../config.js';
import type { ForumAccount } from '../../discourse/connect.js';
import type { SessionRole } from '../../app/sessions.js';

export type ForumFacts = Pick<ForumAccount, 'admin' | 'moderator' | 'groups'>;

const matches = (rule: string, who: ForumFacts): boolean =>
  rule === 'admin' ? who.admin : rule === 'moderator' ? who.moderator : rule.startsWith('group:') && who.groups.includes(rule.slice('group:'.length));

/** The role a forum account has here, and the configured rule that gives it (null for a member). */
export function forumGrant(config: WebConfig, who: ForumFacts): { role: SessionRole; rule: string | null } {
  const admin = config.auth.forumAdmins.find((r) => matches(r, who));
  if (admin) return { role: 'admin', rule: admin };
  const manager = config.auth.forumManagers.find((r) => matches(r, who));
  if (manager) return { role: 'manager', rule: manager };
  return { role: 'member', rule: null };
}

export const forumGrantKey = (role: SessionRole, rule: string): string => `forum:${role}:${rule}`;

/** Whether a stored forum grant key is still a rule of the configuration, for that role. */
export function forumRuleConfigured(config: WebConfig, grantKey: string, role: SessionRole): boolean {
  const [, keyRole, ...rest] = grantKey.split(':');
  const rule = rest.join(':');
  if (keyRole !== role) return false;
  if (role === 'admin') return config.auth.forumAdmins.includes(rule);
  if (role === 'manager') return config.auth.forumManagers.includes(rule);
  return false;
}

/** Whether the facts the forum gives now still satisfy the rule a session was granted by. */
export const ruleStillMatches = (grantKey: string, who: ForumFacts): boolean => matches(grantKey.split(':').slice(2).join(':'), who);
