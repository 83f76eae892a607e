/**
 * The Fastify application: routes registered from one explicit list, views from ./views,
 * static files from ./public. Built without listening, so tests drive it with `inject`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import handlebars from 'handlebars';
import type { Flywheel } from '../app/flywheel.js';
import type { Logger } from '../logger.js';
import { registerErrorHandling } from './errors.js';
import { viewHelpers } from './view-helpers.js';
import { leaderboardApi } from './routes/api-leaderboard.js';
import { badgesApi } from './routes/api-badges.js';
import { badgePages } from './routes/badge-pages.js';
import { openBadges } from './routes/open-badges.js';
import { membersApi } from './routes/api-members.js';
import { healthRoutes } from './routes/health.js';
import { siteRoutes } from './routes/site.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ROUTES = [healthRoutes, leaderboardApi, membersApi, badgesApi, badgePages, openBadges, siteRoutes] as const;

export async function buildWebApp(fw: Flywheel, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger.child({ adapter: 'web' }) as FastifyBaseLogger, bodyLimit: 256 * 1024, trustProxy: true });
  const hbs = handlebars.create();
  for (const [name, helper] of Object.entries(viewHelpers)) hbs.registerHelper(name, helper);
  await app.register(fastifyView, {
    engine: { handlebars: hbs },
    root: join(ROOT, 'views'),
    layout: 'layouts/main.hbs',
    options: { partials: {} },
  });
  await app.register(fastifyStatic, { root: join(ROOT, 'public'), prefix: '/static/' });
  registerErrorHandling(app);
  for (const routes of ROUTES) await app.register(async (scope) => routes(scope, fw));
  return app;
}
