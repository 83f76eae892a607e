/** A Fastify app over a fresh test database, driven with `inject` (real HTTP semantics, no socket). */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { signatureOf } from '../../src/discourse/signature.js';
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

/** POST one signed Discourse webhook delivery to `app` (a fresh event id, as Discourse gives each try). */
export function signedWebhook(app: FastifyInstance, secret: string, group: string, event: string, body: unknown, instance?: string) {
  const raw = JSON.stringify(body);
  return app.inject({
    method: 'POST',
    url: '/webhooks/discourse',
    headers: {
      'content-type': 'application/json',
      'x-discourse-event-type': group,
      'x-discourse-event': event,
      'x-discourse-event-id': randomUUID(),
      ...(instance ? { 'x-discourse-instance': instance } : {}),
      'x-discourse-event-signature': signatureOf(raw, secret),
    },
    payload: raw,
  });
}
