import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';

export async function healthRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    try {
      await fw.ping();
      return { status: 'ok' };
    } catch {
      reply.code(503);
      return { status: 'unavailable', error: 'database unreachable', code: 'unavailable' };
    }
  });
}
