/** A Fastify app over a fresh test database, driven with `inject` (real HTTP semantics, no socket). */
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../src/logger.js';
import { buildWebApp } from '../../src/web/app.js';
import type { Config } from '../../src/config.js';
import { testFlywheel, type TestFlywheel } from './db.js';

export interface TestSite {
  fw: TestFlywheel;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function testSite(env: Record<string, string> = {}, configure?: (c: Config) => void): Promise<TestSite> {
  const fw = await testFlywheel(env, configure);
  const app = await buildWebApp(fw, fw.config, createLogger('silent'));
  await app.ready();
  return {
    fw,
    app,
    async close() {
      await app.close();
      await fw.close();
    },
  };
}
