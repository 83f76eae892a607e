/** GET /metrics: Prometheus text that moves with the work, behind a bearer token (no token configured, no route). */
import { afterEach, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { storeDelivery } from '../../src/db/inbox-repo.js';
import { forumSender } from '../../src/discourse/write-back.js';
import { act } from '../support/builders.js';
import { forumUser, topicPayload } from '../support/discourse-payloads.js';
import { signedWebhook, testSite, type TestSite } from '../support/web.js';

const TOKEN = 'metrics-token-0123456789';
const SECRET = 'webhook-secret-123';
const FORUM = 'http://127.0.0.1:9'; // nothing listens: every grant fails
let site: TestSite;
afterEach(() => site?.close());

/** Each sample as `name{labels}` → value. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    expect(m, `a sample line: ${line}`).not.toBeNull();
    samples.set(m![1]!, Number(m![2]));
  }
  return samples;
}

async function scrape(): Promise<Map<string, number>> {
  const res = await site.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(res.body);
}

const value = (samples: Map<string, number>, name: string) => samples.get(name) ?? 0;
const sum = (samples: Map<string, number>, prefix: string) => [...samples].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);

const webhook = (body: unknown) => signedWebhook(site.app, SECRET, 'topic', 'topic_created', body, FORUM);

describe('GET /metrics', () => {
  it('does not exist unless a token is configured, and answers only that token', async () => {
    site = await testSite();
    const hidden = await site.app.inject({ method: 'GET', url: '/metrics' });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toMatchObject({ code: 'not_found' });
    await site.close();
    site = await testSite({ METRICS_TOKEN: TOKEN });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', TOKEN, `Basic ${TOKEN}`]) {
      const res = await site.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect([authorization, res.statusCode]).toEqual([authorization, 401]);
      expect(res.body).not.toContain('flywheel_');
    }
  });

  it('counts ingest, webhooks, latency by route, the outbox and database time, and moves with them', async () => {
    site = await testSite({ METRICS_TOKEN: TOKEN, DISCOURSE_WEBHOOK_SECRET: SECRET, DISCOURSE_URL: FORUM, DISCOURSE_API_KEY: 'key', DISCOURSE_QA_CATEGORIES: '5' }, (c) => {
      c.badges = parseCatalog([{ id: 'first-solution', name: 'First Solution', description: 'x', tier: 'bronze', icon: 'check', earn: { count: { kind: 'answer_accepted', atLeast: 1 } }, discourse: 7 }], [], c.rules.kinds);
    });
    const before = await scrape();
    for (const series of [
      'flywheel_ingest_queue_depth',
      'flywheel_outbox_pending',
      'flywheel_outbox_failing',
      'flywheel_outbox_oldest_age_seconds',
      'flywheel_inbox_pending',
      'flywheel_nodejs_eventloop_lag_seconds',
      'flywheel_process_cpu_seconds_total',
    ])
      expect(before.has(series), series).toBe(true);
    expect(sum(before, 'flywheel_db_query_duration_seconds_count')).toBeGreaterThan(0);

    // A webhook delivery, a member page, an unknown address, and a grant owed to a forum that is down.
    expect((await webhook({ topic: topicPayload(forumUser('asker'), 'How do I rotate keys?', 5, '2026-11-20T10:00:00Z') })).statusCode).toBe(200);
    expect((await site.app.inject({ method: 'POST', url: '/webhooks/discourse', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode).toBe(401);
    await site.app.inject({ method: 'GET', url: '/members/424242' });
    await site.app.inject({ method: 'GET', url: '/no/such/page' });
    await site.fw.ingest([act('answer_accepted', { platform: 'discourse', externalId: '42', username: 'helper' }, Date.parse('2026-11-20T10:00:00Z'), { counterpart: { platform: 'discourse', externalId: '43', username: 'asker' } })]);
    await site.fw.badges.deliverOutbox(forumSender(site.fw.config));

    // Stored by an instance that died, while no ingester runs: waiting in the inbox.
    await site.fw.inbox.stop();
    await storeDelivery(site.fw.db, 'left-behind', [act('question_asked', { platform: 'discourse', externalId: '44', username: 'later' }, Date.parse('2026-11-20T11:00:00Z'), { key: 'metrics:left' })], Date.parse('2026-11-20T11:00:00Z'));

    const after = await scrape();
    expect(value(after, 'flywheel_inbox_pending')).toBe(1);
    expect(value(after, 'flywheel_webhook_deliveries_total{source="discourse",outcome="accepted"}')).toBe(1);
    expect(value(after, 'flywheel_webhook_deliveries_total{source="discourse",outcome="refused"}')).toBe(1);
    expect(value(after, 'flywheel_ingest_activities_total{status="awarded"}')).toBeGreaterThanOrEqual(2);
    expect(value(after, 'flywheel_ingest_batch_duration_seconds_count')).toBe(2);
    expect(value(after, 'flywheel_outbox_pending')).toBe(1);
    expect(value(after, 'flywheel_outbox_failing')).toBe(1);
    expect(sum(after, 'flywheel_db_query_duration_seconds_count')).toBeGreaterThan(sum(before, 'flywheel_db_query_duration_seconds_count'));
    // Latency is labelled by the route's pattern, never by the address asked for.
    const routes = [...after.keys()].filter((k) => k.startsWith('flywheel_http_request_duration_seconds_count'));
    expect(routes).toContain('flywheel_http_request_duration_seconds_count{method="GET",route="/members/:id",status="404"}');
    expect(routes).toContain('flywheel_http_request_duration_seconds_count{method="POST",route="/webhooks/discourse",status="200"}');
    expect(routes.some((r) => r.includes('424242') || r.includes('/no/such/page'))).toBe(false);
  });
});
