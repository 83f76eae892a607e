/**
 * "How it works": what earns points, the caps and cooldowns, the ladder and every badge, from the
 * configuration the site runs with. Managers also find the leaderboard widget's snippet here.
 */
import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { canManage } from '../auth/session.js';
import { cacheable } from '../caching.js';
import { noQuery } from '../openapi.js';
import { PUBLIC_PAGE } from '../page-cache.js';
import { embedSnippet } from './embed.js';

export async function howItWorksRoutes(app: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const page = fw.boards.howItWorks();
  app.get('/how-it-works', { ...PUBLIC_PAGE, schema: { querystring: noQuery } }, async (request, reply) => {
    cacheable(request, reply);
    return reply.view('pages/how-it-works.hbs', {
      title: `How it works — ${config.community.name}`,
      community: config.community.name,
      ...page,
      snippet: canManage(request.session) ? embedSnippet(config.community.siteUrl) : null,
    });
  });
}
