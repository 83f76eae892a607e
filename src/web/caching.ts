import type { FastifyReply, FastifyRequest } from 'fastify';

/** Public pages may be cached briefly by browsers and proxies — unless the page is personalised (signed in). */
export function cacheable(request: FastifyRequest, reply: FastifyReply, seconds = 60): void {
  reply.header('cache-control', request.session ? 'private, no-store' : `public, max-age=${seconds}`);
}
