/**
 * Signing in without Discord: ADMIN_PASSWORD, or — when neither that nor Discord sign-in is
 * configured — a one-time password printed to the log at start, so a fresh install is never
 * locked out and never open.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { oauthConfigured } from './discord-oauth.js';

export interface PasswordLogin {
  enabled: boolean;
  /** Whether `attempt` is the password; a one-time password is used up by the first success. */
  check(attempt: string): boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function passwordLogin(config: Config, logger: Logger): PasswordLogin {
  let password = config.auth.adminPassword;
  const oneTime = !password && !oauthConfigured(config);
  if (oneTime) {
    password = randomBytes(12).toString('base64url');
    logger.warn(`No ADMIN_PASSWORD and no Discord sign-in configured. One-time admin password for ${config.community.siteUrl}/login: ${password}`);
  }
  return {
    get enabled() {
      return password !== null;
    },
    check(attempt) {
      if (password === null) return false;
      // Compare digests in constant time, whatever the lengths.
      const ok = timingSafeEqual(digest(attempt), digest(password));
      if (ok && oneTime) password = null;
      return ok;
    },
  };
}
