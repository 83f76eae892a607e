/** The favicon (browsers ask for /favicon.ico on every first visit) and the default link-preview image. */
import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { noQuery, PAGE } from '../openapi.js';
import { brandOf, markSvg, previewPng } from '../brand.js';

const DAY = 'public, max-age=86400';

export async function brandRoutes(app: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  // Files, not JSON; they read no query.
  const file = { ...PAGE, schema: { querystring: noQuery } };
  const brand = brandOf(config);
  app.get('/favicon.svg', file, async (_request, reply) => reply.header('cache-control', DAY).type('image/svg+xml').send(markSvg(brand)));
  app.get('/favicon.ico', file, async (_request, reply) => reply.header('cache-control', DAY).redirect(brand.icon, 301));
  app.get('/brand.png', file, async (_request, reply) => reply.header('cache-control', DAY).type('image/png').send(previewPng(brand)));
}
