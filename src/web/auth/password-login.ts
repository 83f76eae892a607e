/**
 * Signing in without Discord or the forum: ADMIN_PASSWORD, or — when neither that nor a way for
 * admins to sign in with Discord or the forum is configured — a one-time password printed to the
 * log at start, so a fresh install is never locked out and never open.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { adminSignInConfigured } from './providers.js';

export interface PasswordLogin {
  enabled: boolean;
  /** Whether `attempt` is the password; a one-time password is used up by the first success. */
  check(attempt: string): boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function passwordLogin(config: WebConfig, logger: Logger): PasswordLogin {
  let password = config.auth.adminPassword;
  const oneTime = !password && !adminSignInConfigured(config);
  if (oneTime) {
    password = randomBytes(12).toString('base64url');
    logger.warn(`No ADMIN_PASSWORD and no Discord or forum sign-in for admins configured. One-time admin password (sign in at ${config.community.siteUrl}/admin): ${password}`);
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
