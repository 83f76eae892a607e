/** Rate-limit counters shared by every instance over one database: SQL only here. */
import type { Tx } from './knex.js';

/**
 * Count one hit on `key` in a fixed window of `windowMs` that starts at its first hit: one atomic
 * upsert, so concurrent instances never lose a hit. Returns the hits so far and when the window ends.
 */
export async function hitRateLimit(db: Tx, key: string, now: number, windowMs: number): Promise<{ hits: number; resetAt: number }> {
  const result = await db.raw(
    `INSERT INTO rate_limits (key, hits, reset_at) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limits.reset_at <= ? THEN 1 ELSE rate_limits.hits + 1 END,
       reset_at = CASE WHEN rate_limits.reset_at <= ? THEN excluded.reset_at ELSE rate_limits.reset_at END
     RETURNING hits, reset_at`,
    [key, now + windowMs, now, now],
  );
  // pg answers { rows }, sqlite3 the rows themselves.
  const row = ((Array.isArray(result) ? result : result.rows) as Array<{ hits: number; reset_at: number }>)[0]!;
  return { hits: Number(row.hits), resetAt: Number(row.reset_at) };
}

/** Drop counters whose window has ended (they would start again from one anyway). */
export async function forgetEndedRateLimits(db: Tx, now: number): Promise<number> {
  return Number(await db('rate_limits').where('reset_at', '<=', now).delete());
}
