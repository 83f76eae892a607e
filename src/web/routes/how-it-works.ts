/**
 * "How it works": what earns points, the caps and cooldowns, the ladder and every badge, from the
 * configuration the site runs with. Managers also find the leaderboard widget's snippet here.
 */
import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';
import { howItWorks } from '../../app/how-it-works.js';
import { canManage } from '../auth/session.js';
import { cacheable } from '../caching.js';
import { noQuery } from '../openapi.js';
import { PUBLIC_PAGE } from '../page-cache.js';
import { embedSnippet } from './embed.js';

export async function howItWorksRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  // The rules only change with the configuration, i.e. at a restart: worked out once.
  const page = howItWorks(fw.config);
  app.get('/how-it-works', { ...PUBLIC_PAGE, schema: { querystring: noQuery } }, async (request, reply) => {
    cacheable(request, reply);
    return reply.view('pages/how-it-works.hbs', {
      title: `How it works — ${fw.config.community.name}`,
      community: fw.config.community.name,
      ...page,
      snippet: canManage(request.session) ? embedSnippet(fw.config.community.siteUrl) : null,
    });
  });
}
