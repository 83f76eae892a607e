/** The favicon (browsers ask for /favicon.ico on every first visit) and the default link-preview image. */
import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';
import { brandOf, markSvg, previewPng } from '../brand.js';

const DAY = 'public, max-age=86400';

export async function brandRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  const brand = brandOf(fw.config);
  app.get('/favicon.svg', async (_request, reply) => reply.header('cache-control', DAY).type('image/svg+xml').send(markSvg(brand)));
  app.get('/favicon.ico', async (_request, reply) => reply.header('cache-control', DAY).redirect(brand.icon, 301));
  app.get('/brand.png', async (_request, reply) => reply.header('cache-control', DAY).type('image/png').send(previewPng(brand)));
}
