/**
 * A @fastify/rate-limit store over the database (fw.rateLimits), for PostgreSQL where several
 * instances serve one site: each route's limit is counted once for all of them. Each route gets
 * its own counters (its method and path in the key), as the plugin's own stores do.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimits } from '../app/rate-limits.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function databaseRateLimitStore(limits: RateLimits, now: () => number): FastifyRateLimitStoreCtor {
  class DatabaseStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = 'global|',
    ) {}

    incr(key: string, callback: Callback, timeWindow?: number): void {
      const windowMs = typeof timeWindow === 'number' && timeWindow > 0 ? timeWindow : 60_000;
      limits.hit(this.prefix + key, windowMs).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: Math.max(0, resetAt - now()) }),
        (error: Error) => callback(error),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // At run time the plugin passes the route's merged limit options, the route itself as `routeInfo`.
      const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
      return new DatabaseStore(routeOptions, `${[route.method ?? ''].flat().join(',')} ${route.url ?? ''}|`);
    }
  }
  return DatabaseStore;
}
