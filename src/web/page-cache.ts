/**
 * Public pages as anonymous visitors see them, kept rendered until the next write. A leaderboard
 * linked from a launch post is the same page for thousands of visitors; rendering it once per
 * change instead of once per visit is what keeps it fast. Signed-in visitors (their own row is
 * highlighted) always get a fresh page. Every write through the write lock moves the generation,
 * so a hidden member or a new point shows on the next view, on every instance over the same
 * PostgreSQL within a second (see read-cache.ts); writes by another process on a SQLite file (an
 * import beside `serve`) show within 5 seconds.
 *
 * A kept answer is the first answer again: its status, body and headers as the route sent them
 * (a badge image stays `image/svg+xml`, not whatever a page would be).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KEEP_WINDOW_MS, ReadCache, type ReadStamp } from '../app/read-cache.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The page is the same for every anonymous visitor: keep it rendered until the next write. */
    pageCache?: boolean;
  }
  interface FastifyRequest {
    pageStamp?: ReadStamp;
  }
  interface FastifyInstance {
    /** Every route whose answers the page cache may keep (method and path), so tests cover routes added later too. */
    pageCacheRoutes: Array<{ method: string; url: string }>;
  }
}

export const CACHE_HEADER = 'x-flywheel-cache';

/** Headers that belong to one answer on the wire, not to the page: recomputed (or never kept) on every answer. */
const PER_ANSWER = new Set(['content-length', 'set-cookie', 'date', 'connection', 'transfer-encoding', 'content-encoding', CACHE_HEADER]);

interface KeptAnswer {
  status: number;
  /** A page, or an image (a badge, a rank card) as bytes. */
  body: string | Buffer;
  headers: Record<string, string | number | string[]>;
}

const cacheable = (request: FastifyRequest): boolean => request.method === 'GET' && request.routeOptions.config.pageCache === true && !request.session;

/**
 * A kept answer is found by what the route sees — its pattern and its validated parameters and
 * query — not by the address as typed: `?x=1` (a key the schema drops), `%31` for `1` or another
 * order of the query would otherwise each render again (a rank card costs ~0.1 s of CPU), and
 * fill the cache so that nothing useful stays in it.
 */
const pageKey = (request: FastifyRequest): string => JSON.stringify([request.routeOptions.url, request.params, request.query]);

/** Register before compression, so the cache holds pages as rendered and each visitor still gets them compressed. */
export function registerPageCache(app: FastifyInstance, generation: () => number): void {
  // The boards' window: a page ends with the boards it was rendered from.
  const pages = new ReadCache<KeptAnswer>(generation, KEEP_WINDOW_MS, 500);
  const routes: Array<{ method: string; url: string }> = [];
  app.decorate('pageCacheRoutes', routes);
  app.addHook('onRoute', (route) => {
    if (route.config?.pageCache === true) for (const method of [route.method].flat()) if (method === 'GET') routes.push({ method, url: route.url });
  });

  app.addHook('preHandler', async (request, reply) => {
    if (!cacheable(request)) return;
    // The generation and window the page is rendered in: a write (or the window's end) during rendering makes it stale at once.
    request.pageStamp = pages.stamp();
    const kept = pages.peek(pageKey(request));
    if (!kept) return;
    return reply.code(kept.status).headers(kept.headers).header(CACHE_HEADER, 'hit').send(kept.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.pageStamp === undefined || reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    if (reply.getHeader(CACHE_HEADER) === 'hit' || reply.getHeader('set-cookie')) return payload;
    const headers: KeptAnswer['headers'] = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined && !PER_ANSWER.has(name.toLowerCase())) headers[name] = value;
    pages.keep(pageKey(request), request.pageStamp, { status: reply.statusCode, body: payload, headers });
    reply.header(CACHE_HEADER, 'miss');
    return payload;
  });
}

/** Route options of a public page that is the same for every anonymous visitor. */
export const PUBLIC_PAGE = { config: { pageCache: true, json: false } } as const;
