/** Server-rendered pages (the full site arrives with its own issue; this is the front door). */
import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';

export async function siteRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  app.get('/', async (_request, reply) => {
    const board = await fw.leaderboard({ period: 'month', limit: 10 });
    return reply.view('pages/home.hbs', {
      title: fw.config.community.name,
      community: fw.config.community.name,
      board,
    });
  });
}
