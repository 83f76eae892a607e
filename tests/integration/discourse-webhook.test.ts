/** Signed Discourse webhooks, through real HTTP semantics (inject), into the one pipeline. */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signatureOf } from '../../src/discourse/signature.js';
import { discobot, forumUser, postPayload, systemUser, topicPayload } from '../support/discourse-payloads.js';
import { ForumWebhooks, type WebhookDelivery } from '../support/fake-discourse-webhooks.js';
import { FakeDiscourse } from '../support/fake-discourse.js';
import { stateOf } from '../support/ledger.js';
import { recorded } from '../support/ledger.js';
import { replayThriceChangesNothing } from '../support/replay.js';
import { testSite, type TestSite } from '../support/web.js';

const SECRET = 'webhook-secret-123';
/** The forum the site is configured for (a scenario with the forum's API points it at a fake Discourse). */
let instance = 'https://forum.example.org';
const QA = 5;
const OTHER = 6;
let site: TestSite;

beforeEach(async () => {
  instance = 'https://forum.example.org';
  site = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, DISCOURSE_URL: instance, DISCOURSE_QA_CATEGORIES: String(QA) });
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

async function deliver(group: string, event: string, body: unknown, options: { secret?: string; signature?: string; raw?: string; instance?: string; replay?: boolean; contentType?: string } = {}) {
  const raw = options.raw ?? JSON.stringify(body);
  const response = await site.app.inject({
    method: 'POST',
    url: '/webhooks/discourse',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-discourse-event-type': group,
      'x-discourse-event': event,
      'x-discourse-event-id': randomUUID(), // a retried delivery gets a new one
      'x-discourse-instance': options.instance ?? instance,
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
    const member = await site.fw.members.lookup('discourse', String(helper.id));
    expect(member).toMatchObject({ displayName: 'Helper', identities: [{ platform: 'discourse', externalId: String(helper.id), username: 'helper' }] });
  });

  it('keeps the avatar the forum gives a member (a template with {size}), and a payload without one leaves it alone', async () => {
    const topic = topicPayload(asker, 'Where do avatars come from?', QA, at(0));
    await deliver('topic', 'topic_created', { topic });
    const answer = { ...postPayload(topic, helper, 2, at(5)), avatar_template: '/user_avatar/forum.example.org/helper/{size}/7_2.png' };
    await deliver('post', 'post_created', { post: answer });
    // A like names its giver without an avatar field: the asker's avatar stays as the topic gave it.
    await deliver('like', 'post_liked', { like: { post: answer, user: { id: asker.id, username: asker.username, name: asker.name } } });
    expect((await site.fw.members.lookup('discourse', String(helper.id))).avatarUrl).toBe('https://forum.example.org/user_avatar/forum.example.org/helper/160/7_2.png');
    expect((await site.fw.members.lookup('discourse', String(asker.id))).avatarUrl).toBe('https://forum.example.org/a/160.png');
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
    const total = async () => (await site.fw.members.standing('discourse', String(helper.id)))!.all.points;
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
    const board = await site.fw.boards.leaderboard({ period: 'all' });
    expect(board.entries.length).toBeGreaterThan(0);
    await replayThriceChangesNothing(site.fw.db, deliveries, async ([g, e, b]) => {
      expect((await deliver(g, e, b, { replay: true })).json().recorded.every((o: { status: string }) => o.status === 'duplicate')).toBe(true);
    });
    expect(await site.fw.boards.leaderboard({ period: 'all' })).toEqual(board);
  });

  it('records a member whose forum name is longer than the ledger keeps, with the name shortened', async () => {
    const longName = forumUser('longname', { name: 'N'.repeat(255) });
    const topic = topicPayload(longName, 'Long names', QA, at(0));
    expect((await deliver('topic', 'topic_created', { topic })).json().recorded[0]).toMatchObject({ status: 'awarded', points: 2 });
    const member = await site.fw.members.lookup('discourse', String(longName.id));
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

describe('what real forums send (Discourse’s own payloads and sequences, and the solved plugin’s)', () => {
  const points = async (user: { id: number }) => (await site.fw.members.standing('discourse', String(user.id)))?.all.points ?? 0;
  let forum: ForumWebhooks;
  beforeEach(() => {
    forum = new ForumWebhooks(new FakeDiscourse());
  });
  /** Deliver what the forum sent, in order; the answers, in order. */
  const send = async (...batches: Array<WebhookDelivery[] | { sent: WebhookDelivery[] }>) => {
    const answers = [];
    for (const batch of batches) for (const d of Array.isArray(batch) ? batch : batch.sent) answers.push(await deliver(d.group, d.event, d.body));
    return answers;
  };

  it('scores nothing in private messages: not the forum bot’s welcome, not a member’s reply, not a like', async () => {
    const welcome = forum.privateMessage(discobot, 'Greetings!', at(0));
    const reply = forum.reply(welcome.topic, helper, at(1), 'thanks bot');
    const answers = await send(welcome, reply, forum.reply(welcome.topic, discobot, at(2)), forum.like(reply.post, asker));
    expect(answers.map((r) => [r.statusCode, r.json()])).toEqual(answers.map(() => [200, { recorded: [] }]));
    expect(await recorded(site.fw)).toEqual([]);
    expect((await site.fw.boards.leaderboard({ period: 'all' })).entries).toEqual([]);
  });

  it('counts neither a moderator’s whisper nor the system’s “closed this topic” as an answer or a first response; the system user is a bot', async () => {
    const q = forum.openTopic(asker, 'Whispers', QA, at(0));
    await send(q);
    const specials = await send(forum.whisper(q.topic, mod, at(1)), forum.close(q.topic, systemUser, at(2)));
    expect(specials.map((r) => r.json())).toEqual([{ recorded: [] }, { recorded: [] }]);
    const [bot] = await send(forum.reply(q.topic, systemUser, at(4), 'automatic reply'));
    expect(bot!.json().recorded).toMatchObject([{ status: 'awarded', points: 0, reason: 'bot' }]);
    // The member's answer, which the asker likes (an answer earns once someone else endorses it).
    const answer = forum.reply(q.topic, helper, at(60));
    await send(answer, forum.like(answer.post, asker));
    expect((await recorded(site.fw)).filter((r) => !r.kind.startsWith('reaction_')).map((r) => [r.kind, r.who, r.points, r.reason])).toEqual([
      ['question_asked', String(asker.id), 2, 'awarded'],
      ['answer_posted', String(systemUser.id), 0, 'bot'],
      ['answer_posted', String(helper.id), 0, 'unendorsed'],
      // Paid when the asker's like endorsed it.
      ['answer_posted', String(helper.id), 5, 'awarded'],
    ]);
    // The first response is the member's, an hour after the question.
    const insights = await site.fw.insights.report({ platform: 'discourse', from: '2026-11', to: '2026-11' });
    expect(insights.responsiveness).toMatchObject({ questions: 1, medianFirstResponseMinutes: 60 });
    expect((await site.fw.boards.leaderboard({ period: 'all' })).entries.map((e) => e.member.displayName)).not.toContain('system');
  });

  it('takes the 15 points back from the old solution when the asker accepts another answer', async () => {
    const other = forumUser('other');
    const q = forum.openTopic(asker, 'Two answers', QA, at(0));
    const first = forum.reply(q.topic, helper, at(1));
    const second = forum.reply(q.topic, other, at(2));
    await send(q, first, second, forum.accept(first.post));
    // Nobody endorsed the other answer yet: it earns once accepted (fair play).
    expect([await points(helper), await points(other)]).toEqual([20, 0]);
    // The plugin sends only this: the first answer's acceptance is dropped in silence.
    const switched = forum.accept(second.post);
    expect(switched.map((d) => d.event)).toEqual(['accepted_solution']);
    await send(switched);
    expect([await points(helper), await points(other)]).toEqual([5, 20]);
    const key = `discourse:post:${first.post.id}:accepted:reversed`;
    expect((await recorded(site.fw)).filter((r) => r.key === key)).toEqual([{ key, kind: 'answer_accepted', who: String(helper.id), points: -15, reason: 'reversal' }]);
  });

  it('withdraws the question, its answers, their likes and its acceptance when the topic is deleted', async () => {
    const q = forum.openTopic(asker, 'Deleted later', QA, at(0));
    const answer = forum.reply(q.topic, helper, at(1));
    await send(q, answer, forum.like(answer.post, asker), forum.like(q.first, helper), forum.accept(answer.post));
    expect([await points(asker), await points(helper)]).toEqual([3, 21]);
    const deletion = forum.deleteTopic(q.topic, at(30));
    expect(deletion.map((d) => d.event)).toEqual(['unaccepted_solution', 'post_destroyed', 'topic_destroyed']);
    await send(deletion);
    expect([await points(asker), await points(helper)]).toEqual([0, 0]);
    const reversed = (await recorded(site.fw)).filter((r) => r.reason === 'reversal').map((r) => r.kind);
    // The answer has two award rows (0 until the asker's like endorsed it, then its 5): both are reversed.
    expect(reversed.sort()).toEqual(['answer_accepted', 'answer_posted', 'answer_posted', 'question_asked', 'reaction_given', 'reaction_given', 'reaction_received', 'reaction_received']);
  });

  it('gives back what a delete withdrew when the post is restored, under new keys, once', async () => {
    const q = forum.openTopic(asker, 'Restore me', QA, at(0));
    const answer = forum.reply(q.topic, helper, at(1));
    await send(q, answer, forum.like(answer.post, asker));
    expect(await points(helper)).toBe(6);
    await send(forum.deletePost(answer.post, at(10)));
    expect(await points(helper)).toBe(0);
    const [restored] = await send(forum.recoverPost(answer.post, at(20)));
    const stamp = Date.parse(at(20));
    const id = answer.post.id;
    expect(restored!.json().recorded.map((o: { key: string }) => o.key).sort()).toEqual(
      [`discourse:post:${id}:liked_by:${asker.id}:given:restored:${stamp}`, `discourse:post:${id}:liked_by:${asker.id}:received:restored:${stamp}`, `discourse:post:${id}:restored:${stamp}`].sort(),
    );
    expect(await points(helper)).toBe(6);
    // Deleted and restored once more: each time a generation of its own.
    await send(forum.deletePost({ ...answer.post, updated_at: at(20) }, at(40)));
    expect(await points(helper)).toBe(0);
    await send(forum.recoverPost(answer.post, at(50)));
    expect(await points(helper)).toBe(6);
    // Rebuilding from the ledger ends where live ingest ended.
    const live = await stateOf(site.fw.db);
    await site.fw.maintenance.recompute();
    expect(await stateOf(site.fw.db)).toEqual(live);
  });

  it('restores a deleted topic with what it had, but not a reply deleted before it, nor the acceptance the plugin withdrew', async () => {
    const removedAuthor = forumUser('removed');
    const q = forum.openTopic(asker, 'Topic restored', QA, at(0));
    const answer = forum.reply(q.topic, helper, at(1));
    const removed = forum.reply(q.topic, removedAuthor, at(2));
    // The asker likes the reply that will be deleted: it earned, so its points are there to lose.
    await send(q, answer, removed, forum.like(q.first, helper), forum.like(removed.post, asker), forum.accept(answer.post));
    expect([await points(asker), await points(helper), await points(removedAuthor)]).toEqual([3, 20, 6]);
    // The plugin's hook unaccepts the solution too, naming the deleted reply: Flywheel keeps the
    // answer's acceptance (nobody withdrew it), and the asker marking it again changes nothing.
    await send(forum.deletePost(removed.post, at(5)));
    await send(forum.accept(answer.post));
    expect(await points(helper)).toBe(20);
    await send(forum.deleteTopic(q.topic, at(30)));
    expect([await points(asker), await points(helper)]).toEqual([0, 0]);
    const recovery = forum.recoverTopic(q.topic, at(40));
    expect(recovery.map((d) => d.event)).toEqual(['post_recovered', 'topic_recovered']);
    await send(recovery);
    // The question, the answer and the like on the question are back; the acceptance is not (the forum shows none).
    expect([await points(asker), await points(helper), await points(removedAuthor)]).toEqual([3, 5, 0]);
    const live = await stateOf(site.fw.db);
    await site.fw.maintenance.recompute();
    expect(await stateOf(site.fw.db)).toEqual(live);
  });

  it('answers 200 for a post whose author was deleted, and records nothing for it — Discourse would retry a refusal four times', async () => {
    const gone = forumUser('gone');
    const q = forum.openTopic(asker, 'Orphans', QA, at(0));
    const reply = forum.reply(q.topic, gone, at(1));
    // The asker likes the reply while its author is there: it earns.
    await send(q, reply, forum.like(reply.post, asker));
    const [orphan] = forum.deleteUser(gone);
    const answers = await send(forum.like(orphan!, helper), forum.accept(orphan!));
    for (const res of answers) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ skipped: 'the post’s author no longer has an account on the forum' });
    }
    // Deleting it still takes back what it earned while its author was there.
    const [unaccepted, destroyed] = await send(forum.deletePost(orphan!, at(5)));
    expect([unaccepted!.statusCode, destroyed!.statusCode]).toEqual([200, 200]);
    expect(await points(gone)).toBe(0);
    // Nothing for the skipped like and acceptance; the reply's pay (its answer, endorsed by the asker's like) is taken back.
    expect((await recorded(site.fw)).map((r) => [r.kind, r.points])).toEqual([
      ['question_asked', 2],
      ['answer_posted', 0],
      ['reaction_given', 0],
      ['reaction_received', 1],
      ['answer_posted', 5],
      ['answer_posted', 0],
      ['answer_posted', -5],
      ['reaction_given', 0],
      ['reaction_received', -1],
    ]);
  });

  describe('with the forum’s API, which says which answer solves a topic now', () => {
    let api: FakeDiscourse;
    beforeEach(async () => {
      api = await new FakeDiscourse().start();
      forum = new ForumWebhooks(api);
      await site.close();
      instance = api.url;
      site = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, DISCOURSE_URL: api.url, DISCOURSE_API_KEY: api.apiKey, DISCOURSE_QA_CATEGORIES: String(QA) });
    });
    // Stopped only once every scenario's closing replay is done: the forum must answer it too.
    const started: FakeDiscourse[] = [];
    beforeEach(() => void started.push(api));
    afterAll(async () => {
      for (const f of started) await f.stop();
    });

    it('pays an answer again when the asker switches back to it, and ignores late copies of what came before', async () => {
      const other = forumUser('other');
      const q = forum.openTopic(asker, 'Back and forth', QA, at(0));
      const first = forum.reply(q.topic, helper, at(1));
      const second = forum.reply(q.topic, other, at(2));
      // Each step a minute after the last, as the asker clicks.
      const later = () => void (site.fw.clock.now += 60_000);
      await send(q, first, second, forum.accept(first.post));
      later();
      const secondAccept = forum.accept(second.post);
      await send(secondAccept);
      expect([await points(helper), await points(other)]).toEqual([5, 20]);
      later();
      await send(forum.accept(first.post));
      expect([await points(helper), await points(other)]).toEqual([20, 5]);
      // The asker changes their mind once more: unaccept, then accept the same answer again.
      later();
      const unaccept = forum.unaccept(first.post);
      await send(unaccept);
      expect(await points(helper)).toBe(5);
      later();
      await send(forum.accept(first.post));
      expect([await points(helper), await points(other)]).toEqual([20, 5]);
      // A late copy of the old unaccept, or of the other answer's acceptance, changes nothing.
      later();
      const before = await stateOf(site.fw.db);
      await send(unaccept, secondAccept);
      expect(await stateOf(site.fw.db)).toEqual(before);
      await site.fw.maintenance.recompute();
      expect(await stateOf(site.fw.db)).toEqual(before);
    });
  });

  it('tells a forum whose webhook sends form encoding to switch to JSON, instead of blaming the signature', async () => {
    const raw = `payload=${encodeURIComponent(JSON.stringify({ user: { id: 78, username: 'formy' } }))}`;
    const res = await deliver('user', 'user_created', null, { raw, contentType: 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: expect.stringContaining('webhook content type must be application/json'), code: 'unsupported_media_type' });
    expect(await recorded(site.fw)).toEqual([]);
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
