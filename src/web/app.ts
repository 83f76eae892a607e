/**
 * The Fastify application: routes registered from one explicit list, views from ./views,
 * static files from ./public. Built without listening, so tests drive it with `inject`.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyView from '@fastify/view';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifySchema } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import handlebars from 'handlebars';
import type { Flywheel } from '../app/flywheel.js';
import type { WebConfig } from '../config.js';
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
import { adminRoutes } from './routes/admin.js';
import { adminContributionRoutes } from './routes/admin-contributions.js';
import { contributionsApi } from './routes/api-contributions.js';
import { meContributionRoutes } from './routes/me-contributions.js';
import { discourseWebhook } from './routes/discourse-webhook.js';
import { authRoutes } from './routes/auth.js';
import { championsRoutes } from './routes/champions.js';
import { meRoutes } from './routes/me.js';
import { linkRoutes } from './routes/link.js';
import { brandRoutes } from './routes/brand.js';
import { brandOf } from './brand.js';
import { howItWorksRoutes } from './routes/how-it-works.js';
import { embedRoutes } from './routes/embed.js';
import { rankCardRoutes } from './routes/rank-card.js';
import { passwordLogin, type PasswordLogin } from './auth/password-login.js';
import { csrfUserInfo, registerSessions } from './auth/session.js';
import { registerPageCache } from './page-cache.js';
import { serializerCompiler } from './serializer.js';
import { errors, noQuery, openApiDocument } from './openapi.js';
import { memoryRateLimits, routeRateLimitStore } from './rate-limit-store.js';
import { registerMetrics } from './metrics.js';
import { PROJECT_ROOT } from '../paths.js';

declare module 'fastify' {
  interface FastifyInstance {
    passwordLogin: PasswordLogin;
    /** Every route the app serves (method, path, schema, config), so tests can cover routes added later too. */
    routeList: Array<{ method: string; url: string; schema?: FastifySchema | undefined; config?: unknown }>;
  }
}

const ROUTES = [discourseWebhook, healthRoutes, brandRoutes, leaderboardApi, membersApi, badgesApi, badgePages, openBadges, championsRoutes, siteRoutes, authRoutes, meRoutes, linkRoutes, adminRoutes, adminContributionRoutes, contributionsApi, meContributionRoutes, howItWorksRoutes, embedRoutes, rankCardRoutes] as const;

/** `config` is the web's slice of the configuration; everything else comes through the use cases of `fw`. */
export async function buildWebApp(fw: Flywheel, config: WebConfig, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger.child({ adapter: 'web' }) as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // One summary line per request (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    // Errors the router raises before any route runs (a path segment too long, a bad URL) get the same { error, code }.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void (reply as FastifyReply).code(status).send({ error: status === 414 ? 'the address is too long' : 'the address could not be read', code: status === 414 ? 'uri_too_long' : 'bad_request' });
    },
  });
  // Security headers; compression for pages and JSON alike. Images may come over https from elsewhere:
  // members' avatars live on Discord's CDN and the forum, a community's logo on its own site.
  await app.register(fastifyHelmet, { contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'https:'], 'form-action': ["'self'", 'https://discord.com'] } } });
  // Requests are summarised in one line, at debug level in a terminal (where every page load would
  // bury what matters) and at info level for a log collector (LOG_FORMAT / a pipe).
  const requestLevel = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY) ? 'debug' : 'info';
  app.addHook('onResponse', async (request, reply) => {
    request.log[requestLevel]({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, `${request.method} ${request.url} ${reply.statusCode} ${Math.round(reply.elapsedTime)} ms`);
  });
  registerPageCache(app, () => fw.writes());
  await app.register(fastifyCompress, { threshold: 1024 });
  // Each route's zod schemas validate its request, serialise its answer and document both (openapi.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${config.community.name} — Flywheel API`, version: '1', description: 'Leaderboards, members, badges and champions. Hidden members are never returned.' },
      servers: [{ url: config.community.siteUrl }],
    },
    hideUntagged: true,
    transform: jsonSchemaTransform,
  });
  const hbs = handlebars.create();
  for (const [name, helper] of Object.entries(viewHelpers)) hbs.registerHelper(name, helper);
  await app.register(fastifyView, {
    engine: { handlebars: hbs },
    root: join(PROJECT_ROOT, 'views'),
    layout: 'layouts/main.hbs',
    options: { partials: { 'admin-nav': 'partials/admin-nav.hbs' } },
    // Every page, error pages and manager pages included, wears the community's name and colours.
    defaultContext: { brand: brandOf(config) },
    // Compile each template once (the plugin otherwise re-reads and re-compiles it on every
    // request unless NODE_ENV is production); NODE_ENV=development picks up edits without a restart.
    production: process.env.NODE_ENV !== 'development',
  });
  await app.register(fastifyStatic, { root: join(PROJECT_ROOT, 'public'), prefix: '/static/' });
  // Sessions and CSRF tokens live in signed cookies; the secret survives restarts (kept in the database).
  const cookieSecret = config.auth.sessionSecret ?? (await fw.settings.secret('session_secret'));
  await app.register(fastifyCookie, { secret: cookieSecret });
  await app.register(fastifyFormbody);
  // A CSRF token is bound to the session it was made for: one session's pair is refused in another.
  await app.register(fastifyCsrf, {
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/' },
    getUserInfo: csrfUserInfo,
    csrfOpts: { hmacKey: createHmac('sha256', cookieSecret).update('csrf').digest() },
  });
  // On PostgreSQL several instances may serve the site: limits are counted in the database, once for all of them.
  // SQLite is one process: counting in memory keeps every request off the single writer connection.
  const store = routeRateLimitStore(config.database.client === 'postgres' ? fw.rateLimits : memoryRateLimits(fw.now), fw.now);
  await app.register(fastifyRateLimit, { global: false, allowList: config.rateLimitAllow, store });
  const routeList: FastifyInstance['routeList'] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeList.push({ method, url: route.url, schema: route.schema, config: route.config });
  });
  registerSessions(app, fw, config);
  registerMetrics(app, fw, config);
  app.decorate('passwordLogin', passwordLogin(config, logger));
  registerErrorHandling(app);
  for (const routes of ROUTES) await app.register(async (scope) => routes(scope, fw, config));
  app.get('/api/v1/openapi.json', { schema: { querystring: noQuery, response: { 200: openApiDocument, ...errors(400) } } }, async () => app.swagger());
  return app;
}
