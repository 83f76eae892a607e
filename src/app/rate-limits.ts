/**
 * Rate limits counted in the database, so several instances behind one load balancer allow what
 * one would (five sign-in attempts a minute, not five per instance). Counters whose window has
 * ended are swept now and then by whichever instance counts.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/knex.js';
import { forgetEndedRateLimits, hitRateLimit } from '../db/rate-limits-repo.js';

const SWEEP_EVERY_MS = 300_000;
const MAX_KEY = 300;

export interface RateLimits {
  /** Count a hit on `key` in a window of `windowMs`: how many so far in this window, and when it ends. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
}

export function rateLimits(db: Db, now: () => number): RateLimits {
  let sweptAt = 0;
  return {
    async hit(key, windowMs) {
      const at = now();
      // A long key (an IPv6 address behind a long route) is kept as its digest.
      const stored = key.length > MAX_KEY ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
      const { hits, resetAt } = await hitRateLimit(db, stored, at, windowMs);
      if (at - sweptAt >= SWEEP_EVERY_MS) {
        sweptAt = at;
        await forgetEndedRateLimits(db, at);
      }
      return { count: hits, resetAt };
    },
  };
}
