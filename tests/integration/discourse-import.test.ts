/** The forum's history, imported page by page through the same pipeline: resumable, and a re-run changes nothing. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHistory } from '../../src/discourse/import.js';
import { dialect, freshDatabaseUrl, testFlywheel } from '../support/db.js';
import { forumUser, postPayload, specialPostPayload, systemUser, topicPayload } from '../support/discourse-payloads.js';
import { FakeDiscourse } from '../support/fake-discourse.js';
import { recorded } from '../support/ledger.js';

const QA = 5;
let forum: FakeDiscourse;
const env = () => ({ DISCOURSE_URL: forum.url, DISCOURSE_API_KEY: forum.apiKey, DISCOURSE_QA_CATEGORIES: String(QA) });

// A crowd of likers: more than the 200 Discourse serves on one page.
const CROWD = 204;

beforeAll(async () => {
  forum = await new FakeDiscourse().start();
  const [asker, helper, other, mod] = [forumUser('asker'), forumUser('helper'), forumUser('other'), forumUser('mod', { staff: true })];
  const crowd = Array.from({ length: CROWD }, (_, i) => forumUser(`fan${i}`));
  const day = (d: number, h = 10) => `2026-10-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00.000Z`;
  for (let i = 0; i < 5; i++) {
    const topic = topicPayload(i % 2 ? other : asker, `Topic ${i}`, i === 4 ? 9 : QA, day(i + 1));
    forum.topics.push(topic);
    const posts = [
      postPayload(topic, i % 2 ? other : asker, 1, day(i + 1)),
      postPayload(topic, helper, 2, day(i + 1, 11)),
      postPayload(topic, mod, 3, day(i + 1, 12)),
      postPayload(topic, asker, 4, day(i + 1, 13)),
      // Not replies: a moderator's whisper, the system's "closed this topic", a moderator's notice.
      specialPostPayload(topic, mod, 5, day(i + 1, 14), 4, 'staff only'),
      specialPostPayload(topic, systemUser, 6, day(i + 1, 15), 3),
      specialPostPayload(topic, mod, 7, day(i + 1, 16), 2, 'This topic was closed'),
    ];
    forum.posts.set(topic.id, posts);
    const likers = [asker, ...(i === 0 ? crowd : [])];
    forum.likes.set(posts[1]!.id, likers.map((u) => ({ id: u.id, username: u.username, name: u.name })));
    forum.likes.set(posts[4]!.id, [{ id: helper.id, username: helper.username, name: helper.name }]); // a like on a whisper
    if (i < 3) forum.solutions.set(topic.id, posts[1]!.id);
  }
});
afterAll(() => forum.stop());

describe('flywheel import discourse', () => {
  it('records topics, answers, likes and solutions, and a re-run changes nothing', async () => {
    const fw = await testFlywheel(env());
    try {
      const first = await importHistory(fw, fw.config);
      expect(first).toMatchObject({ total: 5, topics: 5, resumedFromPage: 0 });
      const ledger = await recorded(fw);
      const kinds = ledger.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.kind]: (acc[r.kind] ?? 0) + 1 }), {});
      // Per topic: the topic and 3 replies (post 1 is the topic itself). In the 4 Q&A topics, replies by
      // others are answers (the asker's own reply, in the 2 topics they opened, is a message); in the
      // other category all 3 are messages; whispers, small actions and notices are none of these. One
      // like per topic, and a crowd of likers more than one page long on the first; solutions on 3 topics. An answer is paid
      // when first endorsed (fair play): the liked answers carry a second award row, their pay.
      expect(kinds).toEqual({ question_asked: 4, topic_created: 1, answer_posted: 10 + 4, message_posted: 5, reaction_given: 5 + CROWD, reaction_received: 5 + CROWD, answer_accepted: 3 });
      expect(forum.requests.filter((r) => r.path === '/post_action_users.json').length).toBeGreaterThanOrEqual(6);
      // A second run over the same forum: nothing new.
      const again = await importHistory(fw, fw.config, { restart: true });
      expect(again.recorded).toBe(0);
      expect(await recorded(fw)).toEqual(ledger);
    } finally {
      await fw.close();
    }
  });

  it('resumes an interrupted import where it stopped, ending where an uninterrupted one ends', async () => {
    const whole = await testFlywheel(env());
    const broken = await testFlywheel(env());
    try {
      await importHistory(whole, whole.config);
      forum.requests.length = 0;
      forum.failAfterRequests = 12; // the forum goes down mid-import
      await expect(importHistory(broken, broken.config)).rejects.toThrow(/500/);
      forum.failAfterRequests = null;
      const resumed = await importHistory(broken, broken.config);
      expect(resumed.resumedFromPage).toBeGreaterThan(0);
      const keyed = async (fw: typeof whole) => (await recorded(fw)).map((r) => `${r.key}|${r.kind}|${r.points}|${r.reason}`).sort();
      expect(await keyed(broken)).toEqual(await keyed(whole));
    } finally {
      await whole.close();
      await broken.close();
    }
  });

  it('runs from the command line with a progress bar', async () => {
    const url = dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-import-')), 'fw.sqlite')}` : await freshDatabaseUrl();
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'import', 'discourse', '--url', forum.url, '--api-key', forum.apiKey], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'info', DISCOURSE_QA_CATEGORIES: String(QA) },
      timeout: 60_000,
    });
    expect(stdout).toContain('Discourse history imported');
    expect(`${stdout}${stderr}`).toMatch(/topics .* 5\/5/);
  }, 60_000);
});
