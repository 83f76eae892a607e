/** Signed Discourse webhooks, through real HTTP semantics (inject), into the one pipeline. */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/discourse/signature.js';
import { forumUser, postPayload, topicPayload } from '../support/discourse-payloads.js';
import { recorded } from '../support/ledger.js';
import { replayThriceChangesNothing } from '../support/replay.js';
import { testSite, type TestSite } from '../support/web.js';

const SECRET = 'webhook-secret-123';
const QA = 5;
const OTHER = 6;
let site: TestSite;

beforeEach(async () => {
  site = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, DISCOURSE_URL: 'https://forum.example.org', DISCOURSE_QA_CATEGORIES: String(QA) });
});
// Every scenario ends by proving that the forum retrying all its deliveries (new ids, any order) changes nothing.
afterEach(async () => {
  await replayThriceChangesNothing(site.fw.db, [...sent], async ({ group, event, body, status }) => {
    expect((await deliver(group, event, body, { replay: true })).statusCode).toBe(status);
  });
  sent.length = 0;
  await site.close();
});

/** Deliveries the forum signed and sent as itself (the ones it would retry), with the answer each got. */
const sent: Array<{ group: string; event: string; body: unknown; status: number }> = [];

async function deliver(group: string, event: string, body: unknown, options: { secret?: string; signature?: string; raw?: string; instance?: string; replay?: boolean } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const response = await site.app.inject({
    method: 'POST',
    url: '/webhooks/discourse',
    headers: {
      'content-type': 'application/json',
      'x-discourse-event-type': group,
      'x-discourse-event': event,
      'x-discourse-event-id': randomUUID(), // a retried delivery gets a new one
      'x-discourse-instance': options.instance ?? 'https://forum.example.org',
      'x-discourse-event-signature': options.signature ?? signatureOf(raw, options.secret ?? SECRET),
    },
    payload: raw,
  });
  if (Object.keys(options).length === 0) sent.push({ group, event, body, status: response.statusCode });
  return response;
}

const asker = forumUser('asker');
const helper = forumUser('helper');
const mod = forumUser('mod', { staff: true });
const at = (min: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + min * 60_000).toISOString();
const who = (r: { who: string }) => r.who;

describe('POST /webhooks/discourse', () => {
  it('records a question, the answer, a like and the accepted solution — and the topic’s first post earns nothing more', async () => {
    const topic = topicPayload(asker, 'How do I rotate API keys?', QA, at(0));
    expect((await deliver('topic', 'topic_created', { topic })).json().recorded).toEqual([{ key: `discourse:topic:${topic.id}`, status: 'awarded', points: 2, reason: 'awarded' }]);
    expect((await deliver('post', 'post_created', { post: postPayload(topic, asker, 1, at(0)) })).json()).toEqual({ recorded: [] });
    const answer = postPayload(topic, helper, 2, at(5), 'Use the admin panel');
    // The answer waits for an endorsement (fair play): the asker's like pays it.
    expect((await deliver('post', 'post_created', { post: answer })).json().recorded[0]).toMatchObject({ status: 'awarded', points: 0, reason: 'unendorsed' });
    await deliver('like', 'post_liked', { like: { post: answer, user: { id: asker.id, username: asker.username, name: asker.name } } });
    await deliver('solved', 'accepted_solution', { solved: answer });
    const ledger = await recorded(site.fw);
    expect(ledger.map((r) => [r.kind, r.who === String(helper.id) ? 'helper' : 'asker', r.points])).toEqual([
      ['question_asked', 'asker', 2],
      ['answer_posted', 'helper', 0],
      ['reaction_given', 'asker', 0],
      ['reaction_received', 'helper', 1],
      ['answer_posted', 'helper', 5],
      ['answer_accepted', 'helper', 15],
    ]);
    const member = await site.fw.lookupMember('discourse', String(helper.id));
    expect(member).toMatchObject({ displayName: 'Helper', identities: [{ platform: 'discourse', externalId: String(helper.id), username: 'helper' }] });
  });

  it('counts replies outside Q&A, the asker’s own follow-ups and staff answers as what they are', async () => {
    const chat = topicPayload(asker, 'Show and tell', OTHER, at(0));
    expect((await deliver('topic', 'topic_created', { topic: chat })).json().recorded[0]).toMatchObject({ points: 5 }); // topic_created
    await deliver('post', 'post_created', { post: postPayload(chat, helper, 2, at(1)) });
    const q = topicPayload(asker, 'A question', QA, at(2));
    await deliver('topic', 'topic_created', { topic: q });
    await deliver('post', 'post_created', { post: postPayload(q, asker, 2, at(3)) });
    await deliver('post', 'post_created', { post: postPayload(q, mod, 3, at(4)) });
    const kinds = (await recorded(site.fw)).map((r) => r.kind);
    expect(kinds).toEqual(['topic_created', 'message_posted', 'question_asked', 'message_posted', 'answer_posted']);
    expect((await site.fw.db('members').where({ display_name: 'Mod' }).first()).is_staff).toBeTruthy();
  });

  it('never pays a self-solution, and reverses unaccepted solutions and destroyed posts', async () => {
    const q = topicPayload(asker, 'Q', QA, at(0));
    await deliver('topic', 'topic_created', { topic: q });
    const own = postPayload(q, asker, 2, at(1));
    await deliver('post', 'post_created', { post: own });
    await deliver('solved', 'accepted_solution', { solved: own });
    expect((await recorded(site.fw)).find((r) => r.kind === 'answer_accepted')).toMatchObject({ points: 0, reason: 'self_award' });

    const answer = postPayload(q, helper, 3, at(2));
    await deliver('post', 'post_created', { post: answer });
    await deliver('solved', 'accepted_solution', { solved: answer });
    const total = async () => (await site.fw.standing('discourse', String(helper.id)))!.all.points;
    expect(await total()).toBe(20);
    await deliver('solved', 'unaccepted_solution', { solved: answer });
    expect(await total()).toBe(5);
    await deliver('post', 'post_destroyed', { post: answer });
    expect(await total()).toBe(0);
  });

  it('records nothing twice when Discourse retries with a new delivery id', async () => {
    const q = topicPayload(asker, 'Q', QA, at(0));
    for (let i = 0; i < 3; i++) await deliver('topic', 'topic_created', { topic: q });
    const answer = postPayload(q, helper, 2, at(1));
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push((await deliver('post', 'post_created', { post: answer })).json().recorded[0].status);
    expect(replies).toEqual(['awarded', 'duplicate', 'duplicate']);
    expect((await recorded(site.fw)).map(who)).toHaveLength(2);
  });

  it('ends the same when every delivery of a whole conversation is replayed three more times, shuffled, with new delivery ids', async () => {
    const q = topicPayload(asker, 'Replay me', QA, at(0));
    const answer = postPayload(q, helper, 2, at(1));
    const deliveries: Array<[string, string, unknown]> = [
      ['topic', 'topic_created', { topic: q }],
      ['post', 'post_created', { post: postPayload(q, asker, 1, at(0)) }],
      ['post', 'post_created', { post: answer }],
      ['post', 'post_created', { post: postPayload(q, mod, 3, at(2)) }],
      ['like', 'post_liked', { like: { post: answer, user: { id: asker.id, username: asker.username, name: asker.name } } }],
      ['solved', 'accepted_solution', { solved: answer }],
      ['user', 'user_created', { user: { id: 4242, username: 'newbie', created_at: at(3) } }],
    ];
    for (const [g, e, b] of deliveries) expect((await deliver(g, e, b)).statusCode).toBe(200);
    const board = await site.fw.leaderboard({ period: 'all' });
    expect(board.entries.length).toBeGreaterThan(0);
    await replayThriceChangesNothing(site.fw.db, deliveries, async ([g, e, b]) => {
      expect((await deliver(g, e, b, { replay: true })).json().recorded.every((o: { status: string }) => o.status === 'duplicate')).toBe(true);
    });
    expect(await site.fw.leaderboard({ period: 'all' })).toEqual(board);
  });

  it('records a member whose forum name is longer than the ledger keeps, with the name shortened', async () => {
    const longName = forumUser('longname', { name: 'N'.repeat(255) });
    const topic = topicPayload(longName, 'Long names', QA, at(0));
    expect((await deliver('topic', 'topic_created', { topic })).json().recorded[0]).toMatchObject({ status: 'awarded', points: 2 });
    const member = await site.fw.lookupMember('discourse', String(longName.id));
    expect(member!.displayName).toBe(`${'N'.repeat(199)}…`);
  });

  it('refuses a missing, wrong or truncated signature, a signature over another body, and another forum — recording nothing', async () => {
    const body = { user: { id: 77, username: 'newbie', name: 'Newbie', created_at: at(0) } };
    const raw = JSON.stringify(body);
    for (const res of [
      await deliver('user', 'user_created', body, { signature: '' }),
      await deliver('user', 'user_created', body, { secret: 'not-the-secret' }),
      await deliver('user', 'user_created', body, { signature: signatureOf(raw, SECRET).slice(0, 40) }),
      await deliver('user', 'user_created', body, { signature: signatureOf(JSON.stringify({ ...body, extra: 1 }), SECRET) }),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'X-Discourse-Event-Signature: missing or wrong', code: 'unauthorized' });
    }
    expect((await deliver('user', 'user_created', body, { instance: 'https://evil.example' })).statusCode).toBe(403);
    expect(await recorded(site.fw)).toEqual([]);
    expect((await deliver('user', 'user_created', body)).json().recorded[0]).toMatchObject({ status: 'awarded', key: 'discourse:user:77:joined' });
  });

  it('answers a ping, ignores unknown events with 202, and refuses malformed bodies with 400', async () => {
    expect((await deliver('ping', 'ping', { ping: 'OK' })).json()).toEqual({ ok: true });
    const unknown = await deliver('category', 'category_updated', { category: { id: 1 } });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual({ ignored: true, event: 'category:category_updated' });
    const broken = await deliver('post', 'post_created', null, { raw: '{"post": {' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: 'body: expected JSON', code: 'invalid_parameter' });
    const wrongShape = await deliver('post', 'post_created', { post: { id: 'seven' } });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json().code).toBe('invalid_parameter');
  });
});

describe('without DISCOURSE_WEBHOOK_SECRET', () => {
  it('accepts nothing', async () => {
    const bare = await testSite();
    try {
      const res = await bare.app.inject({ method: 'POST', url: '/webhooks/discourse', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(res.statusCode).toBe(401);
    } finally {
      await bare.close();
    }
  });
});
