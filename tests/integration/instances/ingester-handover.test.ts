/**
 * Two Flywheels over one PostgreSQL database in one process (as two instances): one is elected
 * ingester and answers with outcomes; the other answers "stored" as soon as its insert commits,
 * without waiting for the ingester, and what it stored is recorded; when the ingester goes away,
 * the other takes over within about a second and nothing stored is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createDb } from '../../../src/db/knex.js';
import { takeWriteTurn } from '../../../src/db/signals.js';
import { createLogger } from '../../../src/logger.js';
import { buildWebApp } from '../../../src/web/app.js';
import { forumUser, topicPayload } from '../../support/discourse-payloads.js';
import { createFlywheel, type Flywheel } from '../../../src/app/flywheel.js';
import { act, discord } from '../../support/builders.js';
import { freshDatabaseUrl } from '../../support/db.js';
import { signedWebhook } from '../../support/web.js';

const open: Flywheel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fw) => fw.close()));
});

const configOf = (url: string) => loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', DISCOURSE_WEBHOOK_SECRET: SECRET, METRICS_TOKEN: TOKEN }, '/nonexistent');

async function instance(url: string): Promise<Flywheel> {
  const config = configOf(url);
  const fw = createFlywheel(createDb(config.database), config);
  open.push(fw);
  return fw;
}

const SECRET = 'handover-webhook-secret';
const TOKEN = 'handover-metrics-token-0123';

/** Two instances over a new database; `a` started first, so it is the ingester. */
async function twoInstances(): Promise<{ url: string; a: Flywheel; b: Flywheel }> {
  const url = await freshDatabaseUrl();
  const a = await instance(url);
  await a.maintenance.migrate();
  await a.inbox.start();
  const b = await instance(url);
  await b.inbox.start();
  return { url, a, b };
}

/**
 * Hold every write's turn from a connection of its own (as a long recompute does), so the ingester
 * cannot commit until `release` is called; resolves once the turn is held.
 */
async function holdWriteTurn(url: string): Promise<{ release: () => Promise<void> }> {
  const other = createDb(configOf(url).database);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const blocker = other.transaction(async (trx) => {
    await takeWriteTurn(trx);
    holding();
    await released;
  });
  await held;
  return {
    release: async () => {
      release();
      await blocker;
      await other.destroy();
    },
  };
}

const question = (n: number) => act('question_asked', discord(String(100 + n)), Date.now() - 60_000, { key: `handover:${n}` });

describe('the elected ingester', () => {
  it('is one instance; the other is answered through it, and takes over when it goes away', async () => {
    const { a, b } = await twoInstances();
    expect(await a.inbox.submit([question(1)])).toMatchObject({ outcomes: [{ status: 'awarded', points: 2 }] });
    expect([a.inbox.ingesting(), b.inbox.ingesting()]).toEqual([true, false]);

    // b stores and answers at once; a ingests it.
    expect(await b.inbox.submit([question(2)])).toEqual({ stored: ['handover:2'] });
    expect(await b.inbox.settled(2_000)).toBe(true);
    expect(await b.ledger.recordedKeys(['handover:2'])).toEqual(new Set(['handover:2']));

    await a.close();
    open.splice(open.indexOf(a), 1);
    const from = performance.now();
    await b.inbox.submit([question(3)]);
    expect(await b.inbox.settled(2_000)).toBe(true);
    expect(performance.now() - from).toBeLessThan(2_000);
    expect(b.inbox.ingesting()).toBe(true);
    // Elected, b answers with outcomes.
    expect(await b.inbox.submit([question(4)])).toMatchObject({ outcomes: [{ status: 'awarded', points: 2 }] });
    expect(await b.ledger.recordedKeys(['handover:1', 'handover:2', 'handover:3', 'handover:4'])).toEqual(new Set(['handover:1', 'handover:2', 'handover:3', 'handover:4']));
  });

  it('on an instance that is not the ingester, answers once the delivery is stored, without waiting for the ingester', async () => {
    const { url, a, b } = await twoInstances();
    expect([a.inbox.ingesting(), b.inbox.ingesting()]).toEqual([true, false]);
    // Every write's turn is held elsewhere (a long recompute, say): the ingester cannot commit.
    const turn = await holdWriteTurn(url);
    try {
      const from = performance.now();
      expect(await b.inbox.submit([question(5)])).toEqual({ stored: ['handover:5'] });
      expect(performance.now() - from).toBeLessThan(1_000);
      // Stored durably: it is in the inbox, not yet recorded.
      expect(await b.inbox.pending()).toBe(1);
      expect(await b.ledger.recordedKeys(['handover:5'])).toEqual(new Set());
    } finally {
      await turn.release();
    }
    expect(await b.inbox.settled(5_000)).toBe(true);
    expect(await b.ledger.recordedKeys(['handover:5'])).toEqual(new Set(['handover:5']));
  });

  it('answers a webhook on an instance that is not the ingester 202 with the keys stored, and /metrics counts it accepted, not ignored', async () => {
    const { url, a, b } = await twoInstances();
    const web = await buildWebApp(b, configOf(url), createLogger('silent'));
    try {
      const topic = topicPayload(forumUser('storedx'), 'Stored on another instance', 1, new Date(Date.now() - 60_000).toISOString());
      const answer = await signedWebhook(web, SECRET, 'topic', 'topic_created', { topic });
      expect([answer.statusCode, answer.json()]).toEqual([202, { stored: [`discourse:topic:${topic.id}`] }]);
      const metrics = (await web.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
      expect(metrics).toContain('flywheel_webhook_deliveries_total{source="discourse",outcome="accepted"} 1');
      expect(metrics).not.toContain('outcome="ignored"');
      expect(await b.inbox.settled(5_000)).toBe(true);
      expect(await b.ledger.recordedKeys([`discourse:topic:${topic.id}`])).toEqual(new Set([`discourse:topic:${topic.id}`]));
    } finally {
      await web.close();
    }
  });

  it('answers a deletion 503 (sent again later) when what was stored before it cannot be recorded in time, rather than withdrawing nothing', async () => {
    const { url, a, b } = await twoInstances();
    const web = await buildWebApp(b, configOf(url), createLogger('silent'));
    const deliver = (group: string, event: string, body: object) => signedWebhook(web, SECRET, group, event, body);
    try {
      const author = forumUser('deleterx');
      const topic = topicPayload(author, 'A topic deleted while the ingester is busy', 1, new Date(Date.now() - 60_000).toISOString());
      // The ingester cannot commit (a long recompute holds every write's turn) when the topic arrives…
      const turn = await holdWriteTurn(url);
      try {
        expect((await deliver('topic', 'topic_created', { topic })).statusCode).toBe(202);
        // …so the deletion cannot see the topic it withdraws: it is refused for now, not answered "nothing to withdraw".
        const busy = await deliver('topic', 'topic_destroyed', { topic: { ...topic, deleted_at: new Date().toISOString() } });
        expect([busy.statusCode, busy.json().code, busy.headers['retry-after']]).toEqual([503, 'unavailable', '60']);
      } finally {
        await turn.release();
      }
      expect(await b.inbox.settled(5_000)).toBe(true);
      const points = async () => (await a.members.standing('discourse', String(author.id)))?.all.points ?? 0;
      expect(await points()).toBeGreaterThan(0);
      // The forum sends it again: now it withdraws what the topic earned.
      const again = await deliver('topic', 'topic_destroyed', { topic: { ...topic, deleted_at: new Date().toISOString() } });
      expect(again.statusCode).toBeLessThan(300);
      expect(await b.inbox.settled(5_000)).toBe(true);
      expect(await points()).toBe(0);
    } finally {
      await web.close();
    }
  }, 30_000);
});
