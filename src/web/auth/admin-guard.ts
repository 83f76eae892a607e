/** The community team's guard: without a session a page sends you to sign in and a post answers 401; a member's session gets 403. */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../app/champions.js';
import { DomainError } from '../../domain/errors.js';
import { canManage, type Session } from './session.js';

export function guardForManagers(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    const session = request.session;
    if (!session) {
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      throw new DomainError('unauthorized', 'sign in first');
    }
    if (!canManage(session)) throw new DomainError('forbidden', 'this page is for the community team');
  });
}

/** Who acts, as the audit log names them. */
export const actorOfSession = (session: Session): Actor => ({ memberId: session.memberId, label: session.discordId ? `discord:${session.discordId}` : 'password' });
