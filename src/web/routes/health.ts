import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { errors, noQuery } from '../openapi.js';

const healthy = z.object({ status: z.literal('ok') });
const unavailable = z.object({ status: z.literal('unavailable'), error: z.string(), code: z.literal('unavailable') });

export async function healthRoutes(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get('/healthz', { schema: { querystring: noQuery, response: { 200: healthy, 503: unavailable, ...errors(400) } } }, async (_request, reply) => {
    try {
      await fw.ping();
      return { status: 'ok' as const };
    } catch {
      reply.code(503);
      return { status: 'unavailable' as const, error: 'database unreachable', code: 'unavailable' as const };
    }
  });
}
