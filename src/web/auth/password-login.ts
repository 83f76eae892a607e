/**
 * Signing in without Discord or the forum: ADMIN_PASSWORD, or — when neither that nor a way for
 * admins to sign in with Discord or the forum is configured — a one-time password printed to the
 * log at start, so a fresh install is never locked out and never open. The password goes on its
 * own plain line on stderr (easy to find and copy; never inside a JSON log line a collector keeps).
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

export function passwordLogin(config: WebConfig, logger: Logger, out: { write(line: string): unknown } = process.stderr): PasswordLogin {
  let password = config.auth.adminPassword;
  const oneTime = !password && !adminSignInConfigured(config);
  if (oneTime) {
    password = randomBytes(12).toString('base64url');
    logger.warn('No ADMIN_PASSWORD and no Discord or forum sign-in for admins configured: a one-time admin password is printed below (on stderr)');
    out.write(`\n    One-time admin password: ${password}\n    Sign in at ${config.community.siteUrl}/admin (it works once; set ADMIN_PASSWORD to choose your own)\n\n`);
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
