/**
 * `POST /webhooks/discourse`: the signature is checked on the raw body before anything is parsed;
 * then the delivery is read and its activities are stored in the inbox (durably, once, whichever
 * instance took it) for the elected ingester to run through the one pipeline. On the ingester
 * (a lone instance always is) the answer waits for that (normally milliseconds) and names each
 * activity's outcome. Any other instance, and the ingester when the wait runs out, answers 202
 * with the keys stored: durably kept, they will be recorded in arrival order, and a retry is a
 * harmless copy. Unknown events are accepted and ignored; nothing here is a 500 for something a
 * client sent.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import { readDelivery, readsLedger } from '../../discourse/deliveries.js';
import { validSignature } from '../../discourse/signature.js';
import type { Logger } from '../../logger.js';
import { STORED_HEADER } from '../metrics.js';
import { errors, noQuery } from '../openapi.js';

const outcome = z.union([
  z.object({ key: z.string(), status: z.literal('duplicate') }),
  z.object({ key: z.string(), status: z.literal('awarded'), points: z.number(), reason: z.string() }),
]);
const answered = z.union([z.object({ ok: z.literal(true) }), z.object({ skipped: z.string() }), z.object({ recorded: z.array(outcome) })]);
const ignored = z.object({ ignored: z.literal(true), event: z.string() });
// Kept in the inbox, not yet ingested (taken by an instance that is not the ingester, or the wait ran out): recorded when the ingester reaches them.
const stored = z.object({ stored: z.array(z.string()) }).describe('Stored durably in the inbox, not yet recorded: the elected ingester records these keys in arrival order (a retry is a harmless copy).');

export async function discourseWebhook(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const forum = config.discourse;
  const log = app.log.child({ adapter: 'discourse' }) as unknown as Logger;
  const ignoredOnce = new Set<string>();

  // Keep the raw bytes: the signature covers them exactly.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // The body is the raw bytes the signature covers (read after it is checked): its schema lets them through.
  const schema = { querystring: noQuery, body: z.unknown(), response: { 200: answered, 202: z.union([ignored, stored]), ...errors(400, 401, 403, 413, 415, 429, 503) } };
  app.post('/webhooks/discourse', { schema, config: { rateLimit: { max: 600, timeWindow: '1 minute' } } }, async (request, reply) => {
    if (!forum.webhookSecret) throw new DomainError('unauthorized', 'Discourse webhooks are not configured here (DISCOURSE_WEBHOOK_SECRET)');
    // A webhook left on Discourse's other choice, form encoding, must be told what to change.
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      throw new DomainError('unsupported_media_type', `webhook content type must be application/json (got ${type || 'none'}): set Content Type to application/json in the forum's webhook settings`);
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.from(typeof request.body === 'string' ? request.body : '');
    if (!validSignature(raw, request.headers['x-discourse-event-signature'] as string | undefined, forum.webhookSecret))
      throw new DomainError('unauthorized', 'X-Discourse-Event-Signature: missing or wrong');
    const instance = request.headers['x-discourse-instance'];
    if (forum.url && instance && String(instance).replace(/\/+$/, '') !== forum.url) throw new DomainError('forbidden', 'X-Discourse-Instance: not the configured forum');

    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new DomainError('invalid_parameter', 'body: expected JSON');
    }
    const group = String(request.headers['x-discourse-event-type'] ?? '');
    const event = String(request.headers['x-discourse-event'] ?? '');
    // What withdraws or gives back earlier activities reads the ledger: it must see every delivery
    // stored before it. If they are not recorded in time (a long recompute holds the write turn),
    // reading now would find nothing to withdraw and answer 200; a 503 makes the forum send it again.
    if (readsLedger(group, event) && !(await fw.inbox.settled())) {
      reply.header('retry-after', '60');
      throw new DomainError('unavailable', 'deliveries stored before this one are still being recorded; send it again later');
    }
    const delivery = await readDelivery({ fw, forum, log }, group, event, body, fw.now());
    if (delivery.kind === 'ping') return { ok: true as const };
    if (delivery.kind === 'ignored') {
      if (!ignoredOnce.has(`${group}:${event}`)) log.info({ group, event }, 'Discourse event ignored (not one Flywheel records)');
      ignoredOnce.add(`${group}:${event}`);
      reply.code(202);
      return { ignored: true as const, event: `${group}:${event}` };
    }
    if (delivery.kind === 'skipped') {
      // Answered 200: a refusal would only make the forum send it again, four times.
      log.info({ group, event, reason: delivery.reason }, 'Discourse event skipped');
      return { skipped: delivery.reason };
    }
    const answer = await fw.inbox.submit(delivery.activities);
    if ('stored' in answer) {
      // Accepted, not ignored: /metrics counts it so.
      reply.code(202).header(STORED_HEADER, 'stored');
      return { stored: answer.stored };
    }
    const outcomes = answer.outcomes;
    return { recorded: outcomes.map((o) => (o.status === 'duplicate' ? { key: o.key, status: o.status } : { key: o.key, status: o.status, points: o.points, reason: o.reason as string })) };
  });
}
