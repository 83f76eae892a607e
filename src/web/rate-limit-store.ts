/**
 * The @fastify/rate-limit store: every route's counters in one place, kept by a RateLimits — the
 * database's (fw.rateLimits) on PostgreSQL, where several instances serve one site and each limit
 * is counted once for all of them, or memory's on SQLite (one process). Each route gets its own
 * counters (its method and path in the key), as the plugin's own stores do — except that a HEAD
 * request counts as the GET it is: Fastify answers HEAD by running the GET route, and the plugin
 * gives that derived route a limit of its own, which would double every GET route's limit.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimits } from '../app/rate-limits.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function routeRateLimitStore(limits: RateLimits, now: () => number): FastifyRateLimitStoreCtor {
  class RouteStore implements FastifyRateLimitStore {
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
      const methods = [...new Set([route.method ?? ''].flat().map((m) => (m === 'HEAD' ? 'GET' : m)))];
      return new RouteStore(routeOptions, `${methods.join(',')} ${route.url ?? ''}|`);
    }
  }
  return RouteStore;
}

/** Counters in this process's memory, at most `maxKeys` of them (the oldest window goes first). */
export function memoryRateLimits(now: () => number, maxKeys = 10_000): RateLimits {
  const counters = new Map<string, { count: number; resetAt: number }>();
  return {
    async hit(key, windowMs) {
      const at = now();
      let c = counters.get(key);
      if (!c || c.resetAt <= at) {
        counters.delete(key);
        if (counters.size >= maxKeys) for (const [k, old] of counters) if (old.resetAt <= at || counters.size >= maxKeys) counters.delete(k);
        c = { count: 0, resetAt: at + windowMs };
        counters.set(key, c);
      }
      c.count += 1;
      return { count: c.count, resetAt: c.resetAt };
    },
  };
}
