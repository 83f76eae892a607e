/** Server-rendered pages (the full site arrives with its own issue; this is the front door). */
import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';
import { parseQuery } from '../query.js';
import { idParams } from './api-members.js';

export async function siteRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  app.get('/', async (_request, reply) => {
    const board = await fw.leaderboard({ period: 'month', limit: 10 });
    return reply.view('pages/home.hbs', {
      title: fw.config.community.name,
      community: fw.config.community.name,
      board,
    });
  });

  // A member's page: where `/profile` in Discord points. Hidden members are not found.
  app.get('/members/:id', async (request, reply) => {
    const { id } = parseQuery(idParams, request.params);
    const member = await fw.member(id);
    return reply.view('pages/member.hbs', {
      title: `${member.displayName} — ${fw.config.community.name}`,
      community: fw.config.community.name,
      member,
      periods: (['week', 'month', 'quarter', 'year', 'all'] as const).map((period) => ({ period, points: member.points[period] })),
      journey: [...member.stages].reverse(),
    });
  });
}
