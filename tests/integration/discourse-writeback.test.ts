/** Badges back out to the forum through the outbox: committed with the award, delivered exactly once, whatever the forum does. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discourseFetch } from '../../src/discourse/api.js';
import { discourseSender } from '../../src/app/outbox.js';
import { syncBadges } from '../../src/discourse/sync-badges.js';
import { startWriteBack } from '../../src/discourse/write-back.js';
import { createLogger } from '../../src/logger.js';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { act } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { FakeDiscourse } from '../support/fake-discourse.js';

let forum: FakeDiscourse;
let fw: TestFlywheel;
const T = Date.parse('2026-11-20T10:00:00Z');
const helper = { platform: 'discourse' as const, externalId: '42', username: 'helper' };
const asker = { platform: 'discourse' as const, externalId: '43', username: 'asker' };
const discordOnly = { platform: 'discord' as const, externalId: '900000000000000001', username: 'disco' };

beforeEach(async () => {
  forum = await new FakeDiscourse().start();
  forum.badges.push({ id: 7, name: 'First Solution', badge_type_id: 3 });
  fw = await testFlywheel({ DISCOURSE_URL: forum.url, DISCOURSE_API_KEY: forum.apiKey, DISCOURSE_API_USERNAME: 'system', PUBLIC_URL: 'https://community.example.org' }, (c) => {
    c.badges = parseCatalog(
      [
        { id: 'first-solution', name: 'First Solution', description: 'x', tier: 'bronze', icon: 'check', earn: { count: { kind: 'answer_accepted', atLeast: 1 } }, discourse: 7 },
        { id: 'helping-hand', name: 'Helping Hand', description: 'Answered 2', tier: 'silver', icon: 'hands', earn: { count: { kind: 'answer_posted', atLeast: 2 } }, discourse: 'sync' },
        { id: 'unmapped', name: 'Unmapped', description: 'x', tier: 'gold', icon: 'star', earn: { count: { kind: 'answer_posted', atLeast: 1 } } },
      ],
      [],
      c.rules.kinds,
    );
  });
  fw.clock.now = T;
});
afterEach(async () => {
  await fw.close();
  await forum.stop();
});

const send = () => discourseSender((path, body) => discourseFetch(fw.config.discourse, path, { method: 'POST', body }));
const outbox = () => fw.db('outbox').select('status', 'attempts', 'last_error').orderBy('id');

describe('badges back out to Discourse', () => {
  it('owes the forum a grant from the same transaction as the award, and delivers it once', async () => {
    await fw.ingest([act('answer_accepted', helper, T, { counterpart: asker }), act('answer_accepted', discordOnly, T, { counterpart: asker })]);
    expect(await outbox()).toEqual([{ status: 'pending', attempts: 0, last_error: null }]); // the Discord-only member has no forum account
    expect(await fw.badges.deliverOutbox(send())).toBe(1);
    // No reason: Discourse refuses one that is not a link to its own topic or post (the fake too).
    expect(forum.grants).toEqual([{ username: 'helper', badge_id: 7 }]);
    expect(await fw.badges.deliverOutbox(send())).toBe(0);
    expect(forum.grants).toHaveLength(1);
  });

  it('waits out a forum that is down or rate-limiting, honouring Retry-After, and still grants exactly once', async () => {
    forum.failures.push({ status: 500 }, { status: 429, retryAfter: 120 });
    await fw.ingest([act('answer_accepted', helper, T, { counterpart: asker })]);
    expect(await fw.badges.deliverOutbox(send())).toBe(0);
    expect(await outbox()).toEqual([{ status: 'pending', attempts: 1, last_error: expect.stringContaining('500') }]);
    expect(await fw.badges.deliverOutbox(send())).toBe(0); // not due yet: backing off
    fw.clock.now += 30_000;
    expect(await fw.badges.deliverOutbox(send())).toBe(0); // 429
    const next = Number((await fw.db('outbox').first()).next_attempt_at);
    expect(next).toBe(fw.clock.now + 120_000);
    fw.clock.now = next;
    expect(await fw.badges.deliverOutbox(send())).toBe(1);
    expect(forum.grants).toHaveLength(1);
    // Ingestion never waited for the forum.
    expect((await fw.ingest([act('answer_posted', helper, T + 1, { counterpart: asker, subject: 'q9' })])).outcomes[0]!.status).toBe('awarded');
  });

  it('creates "sync" badges on the forum once, then grants them', async () => {
    // Two answers, each liked by the asker (an answer counts once endorsed: fair play).
    await fw.ingest([
      act('answer_posted', helper, T, { counterpart: asker, subject: 'q1', key: 'discourse:post:1' }),
      act('answer_posted', helper, T + 1000, { counterpart: asker, subject: 'q2', key: 'discourse:post:2' }),
      act('reaction_received', helper, T + 2000, { counterpart: asker, source: 'discourse:post:1:liked_by:asker' }),
      act('reaction_received', helper, T + 3000, { counterpart: asker, source: 'discourse:post:2:liked_by:asker' }),
    ]);
    expect(await fw.badges.deliverOutbox(send())).toBe(0);
    expect((await outbox())[0]!.last_error).toMatch(/run flywheel discourse sync-badges/);
    expect(await syncBadges(fw, fw.config)).toEqual({ created: ['helping-hand'], found: [] });
    expect(await syncBadges(fw, fw.config)).toEqual({ created: [], found: ['helping-hand'] });
    expect(forum.badges.find((b) => b.name === 'Helping Hand')).toMatchObject({ badge_type_id: 2 });
    fw.clock.now += 3_600_000;
    expect(await fw.badges.deliverOutbox(send())).toBe(1);
    expect(forum.grants.map((g) => g.badge_id)).toEqual([forum.badges.find((b) => b.name === 'Helping Hand')!.id]);
  });

  it('creates a "sync" badge once even when two sync-badges runs start together: the second waits its turn', async () => {
    const { holdLease, releaseLease } = await import('../../src/db/election.js');
    // Another run (another instance, another operator) is creating badges right now.
    expect(await holdLease(fw.db, 'discourse-sync-badges', 'other-run', fw.clock.now, 30_000)).toBe(true);
    await expect(syncBadges(fw, fw.config)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('another `flywheel discourse sync-badges` is running') });
    expect(forum.requests.filter((r) => r.path === '/admin/badges.json')).toEqual([]);
    await releaseLease(fw.db, 'discourse-sync-badges', 'other-run');
    expect(await syncBadges(fw, fw.config)).toEqual({ created: ['helping-hand'], found: [] });
    // The run gave its turn back when it finished.
    expect(await syncBadges(fw, fw.config)).toEqual({ created: [], found: ['helping-hand'] });
  });

  it('on shutdown, finishes the grant it is sending before the database closes, and claims no more (a restart must not grant it twice)', async () => {
    const third = { platform: 'discourse' as const, externalId: '44', username: 'third' };
    await fw.ingest([act('answer_accepted', helper, T, { counterpart: asker }), act('answer_accepted', third, T + 1, { counterpart: asker })]);
    forum.grantDelayMs = 400; // a busy forum: the first grant is in flight when the process is told to stop
    const stop = startWriteBack(fw, fw.config, createLogger('silent'));
    for (let i = 0; i < 100 && forum.grantPosts.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(forum.grantPosts).toHaveLength(1);
    await stop();
    // Sent and finished, not left claimed (to be sent again when its lease runs out); the other never claimed.
    expect(await outbox()).toEqual([
      { status: 'done', attempts: 1, last_error: null },
      { status: 'pending', attempts: 0, last_error: null },
    ]);
    expect(forum.grantPosts).toHaveLength(1);
  });
});
