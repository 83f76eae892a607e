/**
 * `GET /metrics`, in the Prometheus text format (prom-client): ingest and its queue, the outbox's
 * backlog and failures, webhook outcomes, request latency by route (the route's pattern, never the
 * raw URL), event-loop lag and database time. Not public: without `METRICS_TOKEN` the route does not
 * exist (404); with it, only a request bearing `Authorization: Bearer <token>` is answered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Flywheel } from '../app/flywheel.js';
import type { WebConfig } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { noQuery, PAGE } from './openapi.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** Set on a webhook's 202 that stored the delivery for the ingester (a 202 otherwise ignored it). */
export const STORED_HEADER = 'x-flywheel-delivery';

/** A webhook's answer, as the sender's outcome. */
function webhookOutcome(status: number, stored: boolean): string {
  if (status === 202) return stored ? 'accepted' : 'ignored';
  if (status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'refused';
  if (status === 429) return 'rate_limited';
  return status < 500 ? 'rejected' : 'failed';
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function registerMetrics(app: FastifyInstance, fw: Flywheel, config: WebConfig): void {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'flywheel_' });

  const requests = new Histogram({
    name: 'flywheel_http_request_duration_seconds',
    help: 'Time to answer a request, by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  const webhooks = new Counter({ name: 'flywheel_webhook_deliveries_total', help: 'Webhook deliveries received, by source and outcome', labelNames: ['source', 'outcome'], registers: [register] });
  const activities = new Counter({ name: 'flywheel_ingest_activities_total', help: 'Activities through the pipeline, by outcome', labelNames: ['status'], registers: [register] });
  const batches = new Histogram({ name: 'flywheel_ingest_batch_duration_seconds', help: 'Time from handing a batch to the pipeline to its commit', buckets: LATENCY_BUCKETS, registers: [register] });
  new Gauge({
    name: 'flywheel_ingest_queue_depth',
    help: 'Activities handed to the pipeline and not yet committed (waiting for the write lock or being written)',
    registers: [register],
    collect() {
      this.set(fw.telemetry.ingestInFlight());
    },
  });
  const queries = new Histogram({ name: 'flywheel_db_query_duration_seconds', help: 'Database statements, by outcome', labelNames: ['outcome'], buckets: QUERY_BUCKETS, registers: [register] });
  const backlog = new Gauge({ name: 'flywheel_outbox_pending', help: 'Outbox rows owed and not yet delivered (all instances)', registers: [register] });
  const failing = new Gauge({ name: 'flywheel_outbox_failing', help: 'Of the owed outbox rows, those whose last attempt failed', registers: [register] });
  const claimed = new Gauge({ name: 'flywheel_outbox_claimed', help: 'Owed outbox rows a sender holds right now', registers: [register] });
  const oldest = new Gauge({ name: 'flywheel_outbox_oldest_age_seconds', help: 'Age of the oldest owed outbox row', registers: [register] });
  // With several instances this, not the queue above, is where deliveries wait: stored, not yet recorded by the ingester.
  const inbox = new Gauge({ name: 'flywheel_inbox_pending', help: 'Webhook deliveries stored and not yet recorded (all instances)', registers: [register] });

  const stops = [
    fw.telemetry.onIngest((outcomes, seconds) => {
      batches.observe(seconds);
      const counts = new Map<string, number>();
      for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
      for (const [status, n] of counts) activities.inc({ status }, n);
    }),
    fw.telemetry.onQuery((seconds, ok) => queries.observe({ outcome: ok ? 'ok' : 'error' }, seconds)),
  ];
  app.addHook('onClose', async () => {
    for (const stop of stops) stop();
    register.clear();
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const hook = /^\/webhooks\/([a-z]+)/.exec(route);
    if (hook) webhooks.inc({ source: hook[1]!, outcome: webhookOutcome(reply.statusCode, reply.getHeader(STORED_HEADER) === 'stored') });
  });

  const token = config.metrics.token;
  const allowed = (request: FastifyRequest): boolean => {
    const given = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    return given !== undefined && token !== null && timingSafeEqual(digest(given), digest(token));
  };
  // The Prometheus text format, not JSON.
  app.get('/metrics', { ...PAGE, schema: { querystring: noQuery } }, async (request, reply) => {
    if (!token) throw new DomainError('not_found', 'not found');
    if (!allowed(request)) throw new DomainError('unauthorized', 'Authorization: a bearer token (METRICS_TOKEN) is needed');
    const [b, waiting] = await Promise.all([fw.badges.outboxBacklog(), fw.inbox.pending()]);
    inbox.set(waiting);
    backlog.set(b.pending);
    failing.set(b.failing);
    claimed.set(b.claimed);
    oldest.set(b.oldestMs / 1000);
    reply.header('cache-control', 'no-store').type(register.contentType);
    return register.metrics();
  });
}
