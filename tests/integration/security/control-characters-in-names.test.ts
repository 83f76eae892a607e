/**
 * A forum member's name is whatever they typed: a NUL or another control character in it must not
 * cost the delivery (PostgreSQL cannot store a NUL: the whole signed delivery was a 500, retried and
 * lost) nor reach pages and cards. The name is kept without them, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forumUser, topicPayload } from '../../support/discourse-payloads.js';
import { signedWebhook, testSite, type TestSite } from '../../support/web.js';

const SECRET = 'webhook-secret-123';
const FORUM = 'https://forum.example.org';
let site: TestSite;
beforeAll(async () => {
  site = await testSite({ DISCOURSE_WEBHOOK_SECRET: SECRET, DISCOURSE_URL: FORUM, DISCOURSE_QA_CATEGORIES: '5' });
});
afterAll(() => site.close());

const topicBy = (author: ReturnType<typeof forumUser>) =>
  signedWebhook(site.app, SECRET, 'topic', 'topic_created', { topic: topicPayload(author, 'How do I rotate keys?', 5, new Date(site.fw.clock.now - 60_000).toISOString()) }, FORUM);

describe('a member name with control characters', () => {
  it('is recorded, without them', async () => {
    const author = forumUser('nul', { name: 'Nul\u0000Name\u0007\u001b\u009b' });
    const res = await topicBy(author);
    expect(res.statusCode).toBe(200);
    expect(res.json().recorded).toEqual([expect.objectContaining({ status: 'awarded', points: 2 })]);
    expect((await site.fw.members.lookup('discourse', String(author.id))).displayName).toBe('NulName');
  });
});
