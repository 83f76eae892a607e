/**
 * The accepted time range (1980-01-01 to one day after now): a time outside it is refused at the
 * door — a signed webhook, the pipeline every source goes through (Discord, imports, admin forms,
 * the CLI), the boards and insights a query asks for — with a 400 `{ error, code }` naming the
 * field, and nothing is written.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/discourse/signature.js';
import { importHistory } from '../../src/discourse/import.js';
import { act, discord } from '../support/builders.js';
import { testFlywheel } from '../support/db.js';
import { forumUser, postPayload, topicPayload } from '../support/discourse-payloads.js';
import { FakeDiscourse } from '../support/fake-discourse.js';
import { testSite, type TestSite } from '../support/web.js';

const SECRET = 'webhook-secret-123';
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-22T12:00:00Z'); // the test clock

/** Times the calendar cannot hold, or that cannot have happened: each a field value a sender could put in JSON. */
const OUT_OF_RANGE: unknown[] = [
  99999999999999999,
  8.64e15 + 1,
  -1e20,
  -1,
  0,
  1_700_000_000, // seconds sent as milliseconds: January 1970
  '1979-12-31T23:59:59Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  new Date(NOW + 2 * DAY).toISOString(),
  1e308,
];

let site: TestSite;
const count = async (table: string) => Number((await site.fw.db(table).count({ n: '*' }).first())!.n);

async function deliver(event: string, body: unknown) {
  const raw = JSON.stringify(body);
  return site.app.inject({
    method: 'POST',
    url: '/webhooks/discourse',
    headers: {
      'content-type': 'application/json',
      'x-discourse-event-type': event.split('_')[0]!,
      'x-discourse-event': event,
      'x-discourse-event-id': randomUUID(),
      'x-discourse-event-signature': signatureOf(raw, SECRET),
    },
    payload: raw,
  });
}

describe('times outside the accepted range', () => {
  beforeEach(async () => {
    site = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, DISCOURSE_QA_CATEGORIES: '5' });
  });
  afterEach(() => site.close());

  it('a signed Discourse delivery is refused with 400 naming the field, and nothing is written', async () => {
    const asker = forumUser('asker');
    const helper = forumUser('helper');
    const topic = topicPayload(asker, 'When?', 5, new Date(NOW - DAY).toISOString());
    for (const created_at of OUT_OF_RANGE) {
      const cases: Array<[string, unknown, string]> = [
        ['topic_created', { topic: { ...topic, created_at } }, 'topic.created_at'],
        ['post_created', { post: { ...postPayload(topic, helper, 2, ''), created_at } }, 'post.created_at'],
        ['user_created', { user: { id: 4242, username: 'newbie', created_at } }, 'user.created_at'],
        // A delete is dated by deleted_at, a restore by updated_at: checked as created_at is, not left to the pipeline to name.
        ['post_destroyed', { post: { ...postPayload(topic, helper, 2, ''), created_at: topic.created_at, deleted_at: created_at } }, 'post.deleted_at'],
        ['topic_destroyed', { topic: { ...topic, deleted_at: created_at } }, 'topic.deleted_at'],
        ['post_recovered', { post: { ...postPayload(topic, helper, 2, ''), created_at: topic.created_at, updated_at: created_at } }, 'post.updated_at'],
      ];
      for (const [event, body, field] of cases) {
        const res = await deliver(event, body);
        expect([event, created_at, res.statusCode]).toEqual([event, created_at, 400]);
        expect(res.json()).toEqual({ code: 'invalid_parameter', error: expect.stringContaining(`${field}: expected a time from 1980-01-01T00:00:00.000Z to 2026-11-23T12:00:00.000Z`) });
      }
    }
    expect([await count('activities'), await count('members'), await count('identities')]).toEqual([0, 0, 0]);
  });

  it('accepts the edges of the range: the first instant of 1980 and a clock a few hours ahead', async () => {
    const asker = forumUser('asker');
    const old = topicPayload(asker, 'Archived from a mailing list', 5, '1980-01-01T00:00:00.000Z');
    const ahead = topicPayload(asker, 'From a forum whose clock runs ahead', 5, new Date(NOW + 23 * 3_600_000).toISOString());
    expect((await deliver('topic_created', { topic: old })).statusCode).toBe(200);
    expect((await deliver('topic_created', { topic: ahead })).statusCode).toBe(200);
    expect(await count('activities')).toBe(2);
  });

  it('the one pipeline refuses it from any source (Discord, imports, admin forms, the CLI), naming the activity and field', async () => {
    for (const at of OUT_OF_RANGE) {
      const attempt = site.fw.ingest([act('message_posted', discord('1'), NOW), act('answer_posted', discord('2'), at as number, { counterpart: discord('1') })]);
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_activity', status: 400, message: expect.stringContaining('activities[1].occurredAt: expected a time from 1980-01-01') });
    }
    expect([await count('activities'), await count('members')]).toEqual([0, 0]);
  });

  it('boards and insights refuse days and months outside the range, naming the parameter', async () => {
    for (const at of ['1979-12-31', '0100-01-01', '9999-12-31', '2026-11-25']) {
      for (const url of [`/api/v1/leaderboard?period=week&at=${at}`, `/leaderboard?period=week&at=${at}`]) {
        const res = await site.app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
        expect([url, res.statusCode]).toEqual([url, 400]);
        expect(res.json()).toMatchObject({ code: 'invalid_parameter', error: expect.stringContaining('at: expected a day from 1980-01-01 to 2026-11-24') });
      }
    }
    expect((await site.app.inject({ method: 'GET', url: '/api/v1/leaderboard?period=week&at=1980-01-01' })).statusCode).toBe(200);
    await expect(site.fw.insights.report({ from: '1900-01' })).rejects.toMatchObject({ code: 'invalid_parameter', message: expect.stringContaining('from: expected a month from 1980-01') });
    await expect(site.fw.insights.report({ to: '9999-12' })).rejects.toMatchObject({ code: 'invalid_parameter', message: expect.stringContaining('to: expected a month from 1980-01 to 2026-11') });
    // The default window never reaches before 1980 by itself.
    expect((await site.fw.insights.report({ to: '1980-03' })).range.from).toBe('1980-01');
  });
});

describe('importing a forum with an impossible date', () => {
  it('stops on that page with a 400 naming the field; earlier pages stay, nothing of that page is written', async () => {
    const forum = await new FakeDiscourse().start();
    const fw = await testFlywheel({ DISCOURSE_URL: forum.url, DISCOURSE_API_KEY: forum.apiKey });
    try {
      const op = forumUser('op');
      const good = topicPayload(op, 'Fine', 5, '2015-01-01T00:00:00.000Z');
      const good2 = topicPayload(op, 'Fine too', 5, '2015-01-02T00:00:00.000Z');
      const bad = { ...topicPayload(op, 'Broken', 5, '2015-01-03T00:00:00.000Z'), created_at: '9999-12-31T00:00:00.000Z' };
      forum.topics.push(good, good2, bad);
      await expect(importHistory(fw, fw.config)).rejects.toMatchObject({ code: 'invalid_activity', message: expect.stringContaining('occurredAt: expected a time from 1980-01-01') });
      const keys = (await fw.db('activities').select('natural_key').orderBy('natural_key')).map((r: { natural_key: string }) => r.natural_key);
      expect(keys).toEqual([`discourse:topic:${good.id}`, `discourse:topic:${good2.id}`]);
    } finally {
      await fw.close();
      await forum.stop();
    }
  });
});
