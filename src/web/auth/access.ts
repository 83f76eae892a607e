/**
 * Who may use a route, decided on the route that matched — never on the address as sent, which
 * can spell the same route many ways (`/admin/%61udit` is `/admin/audit`). A route says what it
 * needs in its config (`config: { access: 'admin' }`); a scope sets the least its routes need.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../app/champions.js';
import { DomainError } from '../../domain/errors.js';
import { canManage, type Session } from './session.js';

export type Access = 'manager' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use the route: the community team (`manager`) or admins only. */
    access?: Access;
  }
}

const wantsPage = (request: FastifyRequest) => request.method === 'GET';

/**
 * Every route registered in this scope needs at least `least`. Without a session a page sends
 * the visitor to sign in and anything else answers 401; a session without the access gets 403.
 */
export function guardScope(app: FastifyInstance, least: Access): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: route.config?.access ?? least };
  });
  // Before validation: a visitor without access learns nothing from how a request is refused.
  app.addHook('preValidation', async (request, reply) => {
    const access = request.routeOptions.config.access ?? least;
    const session = request.session;
    if (!session) {
      if (wantsPage(request)) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      throw new DomainError('unauthorized', 'sign in first');
    }
    if (!canManage(session)) throw new DomainError('forbidden', 'this page is for the community team');
    if (access === 'admin' && session.role !== 'admin') throw new DomainError('forbidden', 'this page is for admins');
  });
}

/** Who acts, as the audit log names them. */
export const actorOf = (session: Session): Actor => ({ memberId: session.memberId, label: session.identity ? `${session.identity.platform}:${session.identity.externalId}` : 'password' });
