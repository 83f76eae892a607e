/**
 * Public pages as anonymous visitors see them, kept rendered until the next write. A leaderboard
 * linked from a launch post is the same page for thousands of visitors; rendering it once per
 * change instead of once per visit is what keeps it fast. Signed-in visitors (their own row is
 * highlighted) always get a fresh page. Every write through the write lock moves the generation,
 * so a hidden member or a new point shows on the next view; writes by another process (an
 * import beside `serve`) show within a few seconds.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ReadCache } from '../app/read-cache.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The page is the same for every anonymous visitor: keep it rendered until the next write. */
    pageCache?: boolean;
  }
  interface FastifyRequest {
    pageGeneration?: number;
  }
}

export const CACHE_HEADER = 'x-flywheel-cache';

const cacheable = (request: FastifyRequest): boolean => request.method === 'GET' && request.routeOptions.config.pageCache === true && !request.session;

/** Register before compression, so the cache holds pages as rendered and each visitor still gets them compressed. */
export function registerPageCache(app: FastifyInstance, generation: () => number): void {
  const pages = new ReadCache<{ html: string; cacheControl: string }>(generation, 5_000, 500);

  app.addHook('preHandler', async (request, reply) => {
    if (!cacheable(request)) return;
    // The generation the page is rendered at: a write during rendering makes it stale at once.
    request.pageGeneration = generation();
    const page = pages.peek(request.url);
    if (!page) return;
    return reply.header(CACHE_HEADER, 'hit').header('cache-control', page.cacheControl).type('text/html; charset=utf-8').send(page.html);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.pageGeneration === undefined || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (reply.getHeader(CACHE_HEADER) === 'hit' || reply.getHeader('set-cookie')) return payload;
    pages.keep(request.url, request.pageGeneration, { html: payload, cacheControl: String(reply.getHeader('cache-control') ?? 'no-cache') });
    reply.header(CACHE_HEADER, 'miss');
    return payload;
  });
}

/** Route options of a public page that is the same for every anonymous visitor. */
export const PUBLIC_PAGE = { config: { pageCache: true } } as const;
