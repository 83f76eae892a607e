/**
 * The fake Discourse may only answer as Discourse does: every answer it gives while Flywheel uses
 * it (history import, badge sync, asking who opened a topic) must validate against Discourse's
 * published schemas (tests/support/discourse-schemas.ts), so the fake cannot drift into fields a
 * real forum never sends — the way `like_count` once hid that every imported like was lost.
 */
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { fetchTopic } from '../../src/discourse/api.js';
import { importHistory } from '../../src/discourse/import.js';
import { syncBadges } from '../../src/discourse/sync-badges.js';
import { testFlywheel } from '../support/db.js';
import { forumUser, postPayload, specialPostPayload, systemUser, topicPayload } from '../support/discourse-payloads.js';
import * as schemas from '../support/discourse-schemas.js';
import { FakeDiscourse } from '../support/fake-discourse.js';

const ajv = new Ajv({ allErrors: true, strict: true });

/** Which schema answers which route of the fake (ids as `{id}`). */
const SCHEMA_OF: Record<string, object> = {
  'GET /latest.json': schemas.latest,
  'GET /t/{id}.json': schemas.topicShow,
  'GET /t/{id}/posts.json': schemas.topicPosts,
  'GET /post_action_users.json': schemas.postActionUsers,
  'GET /about.json': schemas.about,
  'GET /admin/badges.json': schemas.badgeList,
  'POST /admin/badges.json': schemas.badgeCreate,
};

let forum: FakeDiscourse;

beforeAll(async () => {
  forum = await new FakeDiscourse().start();
  const [asker, helper, mod] = [forumUser('asker'), forumUser('helper'), forumUser('mod', { staff: true })];
  const crowd = Array.from({ length: 230 }, (_, i) => forumUser(`fan${i}`));
  for (let i = 0; i < 3; i++) {
    const at = (h: number) => `2026-10-0${i + 1}T${String(10 + h).padStart(2, '0')}:00:00.000Z`;
    const topic = topicPayload(asker, `Topic ${i}`, 5, at(0));
    forum.topics.push(topic);
    const posts = [
      postPayload(topic, asker, 1, at(0)),
      postPayload(topic, helper, 2, at(1)),
      specialPostPayload(topic, mod, 3, at(2), 4, 'whisper'),
      specialPostPayload(topic, systemUser, 4, at(3), 3),
      postPayload(topic, asker, 5, at(4)),
    ];
    forum.posts.set(topic.id, posts);
    forum.likes.set(posts[1]!.id, (i === 0 ? crowd : [asker]).map((u) => ({ id: u.id, username: u.username, name: u.name })));
    if (i === 1) forum.solutions.set(topic.id, posts[1]!.id);
  }
});
afterAll(() => forum.stop());

describe('the fake Discourse', () => {
  it('answers everything Flywheel asks in the shapes of Discourse’s published schemas', async () => {
    const fw = await testFlywheel({ DISCOURSE_URL: forum.url, DISCOURSE_API_KEY: forum.apiKey, DISCOURSE_QA_CATEGORIES: '5' }, (c) => {
      c.badges = parseCatalog([{ id: 'helping-hand', name: 'Helping Hand', description: 'Answered 2', tier: 'silver', icon: 'hands', earn: { count: { kind: 'answer_posted', atLeast: 2 } }, discourse: 'sync' }], [], c.rules.kinds);
    });
    try {
      await importHistory(fw, fw.config);
      await syncBadges(fw, fw.config);
      await fetchTopic(fw.config.discourse, forum.topics[0]!.id);
    } finally {
      await fw.close();
    }
    // Every endpoint Flywheel uses was asked, including a second page of likers.
    expect(new Set(forum.answers.map((a) => a.route))).toEqual(new Set(Object.keys(SCHEMA_OF)));
    expect(forum.answers.some((a) => a.route === 'GET /post_action_users.json' && (a.body as { load_more_post_action_users?: string }).load_more_post_action_users)).toBe(true);
    const invalid = forum.answers.flatMap((a) => {
      const validate = ajv.compile(SCHEMA_OF[a.route]!);
      return a.status === 200 && !validate(a.body) ? [`${a.route}: ${ajv.errorsText(validate.errors)}`] : [];
    });
    expect(invalid).toEqual([]);
  });

  it('has schemas that refuse what Discourse does not send (a post with like_count, a list topic without posters)', () => {
    const served = forum.answers.find((a) => a.route === 'GET /t/{id}.json')!.body as { post_stream: { posts: object[] } };
    const post = served.post_stream.posts[0]!;
    expect(ajv.validate(schemas.topicPost, post)).toBe(true);
    expect(ajv.validate(schemas.topicPost, { ...post, like_count: 1 })).toBe(false);
    const list = forum.answers.find((a) => a.route === 'GET /latest.json')!.body as { topic_list: { topics: Array<Record<string, unknown>> } };
    const { posters: _posters, ...withoutPosters } = list.topic_list.topics[0]!;
    expect(ajv.validate(schemas.latest, { ...list, topic_list: { ...list.topic_list, topics: [withoutPosters] } })).toBe(false);
  });
});
