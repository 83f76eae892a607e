import type { FastifyInstance } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';

export async function badgesApi(app: FastifyInstance, fw: Flywheel): Promise<void> {
  // The catalog and how many (visible) members hold each badge.
  app.get('/api/v1/badges', async () => ({ badges: await fw.badges() }));
}
