/**
 * A community twelve years old: history from 2014 to the test clock (late 2026), sparse (a few
 * answers a month) but spanning 600+ weeks and 140+ months of periods. Everything an operator
 * runs on such a community — period closing, boards, stage reviews, merges, links, recompute and
 * a forum history import — works, and gives the numbers a member would expect.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importHistory } from '../../src/discourse/import.js';
import { act } from '../support/builders.js';
import { DAY, history, NOW, recordHistory, START, asker, helpers } from '../support/old-history.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { forumUser, postPayload, topicPayload } from '../support/discourse-payloads.js';
import { FakeDiscourse } from '../support/fake-discourse.js';
import { stateOf } from '../support/ledger.js';

/** How many periods a repeatable top-of-period badge was awarded for. */
async function topBadges(fw: TestFlywheel, badge: string): Promise<number> {
  return (await fw.db('badge_awards').where({ badge_id: badge }).whereNull('revoked_at').distinct('instance')).length;
}

/** Periods of `period` in which anyone scored: each has exactly one winner of its top badge. */
async function periodsWithScores(fw: TestFlywheel, period: 'week' | 'month'): Promise<number> {
  const rows = await fw.db('boards as b').join('scores as s', 's.board_id', 'b.id').where('b.period', period).andWhere('s.points', '>', 0).distinct('b.period_start');
  return rows.length;
}

describe('a community with twelve years of history', () => {
  let fw: TestFlywheel;
  beforeEach(async () => {
    fw = await testFlywheel();
    await recordHistory(fw);
  });
  afterEach(() => fw.close());

  it('closes every week and month since 2014: one top-of-period badge per period, boards of 2015 still answer', async () => {
    const weeks = await periodsWithScores(fw, 'week');
    expect(weeks).toBeGreaterThan(250); // one answer every 17 days over twelve years
    const grants = await fw.maintenance.closePeriods();
    expect(await topBadges(fw, 'helper-of-the-week')).toBe(weeks);
    expect(await topBadges(fw, 'helper-of-the-month')).toBe(await periodsWithScores(fw, 'month'));
    expect(grants.length).toBeGreaterThan(weeks);
    // The hourly housekeeping runs again: nothing is granted twice.
    expect(await fw.maintenance.closePeriods()).toEqual([]);

    const week = await fw.boards.leaderboard({ period: 'week', at: '2014-11-05' });
    // Ada: the answer and the like on it.
    expect(week.entries.map((e) => [e.member.displayName, e.points])).toEqual([['ada', 6], ['asker', 2]]);
    const month = await fw.boards.leaderboard({ period: 'month', at: '2015-03-10' });
    expect(month.entries[0]!.points).toBeGreaterThanOrEqual(5);
    // The first week's badge is Ada's, dated when that week ended.
    const ada = await fw.members.lookup('discord', '2');
    const first = await fw.db('badge_awards').where({ badge_id: 'helper-of-the-week', instance: '2014-11-03' }).first();
    expect([first.member_id, Number(first.awarded_at)]).toEqual([ada.id, Date.parse('2014-11-10T00:00:00Z')]);
  });

  it('reviews stages, merges, links and recomputes without changing what members see', async () => {
    await fw.maintenance.closePeriods();
    // Ada stopped answering in 2016: the review finds her a contributor no longer.
    const moves = await fw.maintenance.reviewStages();
    const ada = await fw.members.lookup('discord', '2');
    expect(moves.map((m) => m.memberId)).toContain(ada.id);

    const before = await stateOf(fw.db);
    const recomputed = await fw.maintenance.recompute();
    expect(recomputed.activities).toBe(history().length);
    expect(await stateOf(fw.db)).toEqual(before);

    // A manager merges two members with years of history each (Bo on Discord, Cy on the forum): their points add up.
    const bo = await fw.members.lookup('discord', '3');
    const cy = await fw.members.lookup('discourse', '4');
    const sum = (await fw.members.standing('discord', '3'))!.all.points + (await fw.members.standing('discourse', '4'))!.all.points;
    await fw.links.merge(bo.id, cy.id);
    expect((await fw.members.standing('discord', '3'))!.all.points).toBe(sum);

    // Ada links her forum account (the use case behind POST /link).
    const { code } = await fw.links.issueCode(helpers[0]!);
    const forum = { platform: 'discourse' as const, externalId: '77', username: 'ada_forum' };
    await fw.ingest([act('answer_posted', forum, NOW - DAY, { counterpart: asker, subject: 'forum-q' })]);
    const linked = await fw.links.linkWithCode(code, forum);
    expect(linked.memberId).toBe(ada.id);
    expect((await fw.members.lookup('discourse', '77')).id).toBe(ada.id);
  });
});

describe('importing a forum whose history starts twelve years ago', () => {
  let forum: FakeDiscourse;
  let fw: TestFlywheel;
  beforeEach(async () => {
    forum = await new FakeDiscourse().start();
    fw = await testFlywheel({ DISCOURSE_URL: forum.url, DISCOURSE_API_KEY: forum.apiKey, DISCOURSE_QA_CATEGORIES: '5' });
    fw.clock.now = NOW;
  });
  afterEach(async () => {
    await fw.close();
    await forum.stop();
  });

  it('imports a topic a season since 2014, then closes its weeks and months', async () => {
    const op = forumUser('op');
    const helper = forumUser('helper');
    for (let at = START; at < NOW - 60 * DAY; at += 91 * DAY) {
      const topic = topicPayload(op, `Question of ${new Date(at).toISOString().slice(0, 10)}`, 5, new Date(at).toISOString());
      forum.topics.push(topic);
      const answer = postPayload(topic, helper, 2, new Date(at + 3_600_000).toISOString());
      forum.posts.set(topic.id, [postPayload(topic, op, 1, topic.created_at), answer]);
      // The asker liked the answer: it earns (fair play).
      forum.likes.set(answer.id, [{ id: op.id, username: op.username, name: op.name }]);
    }
    const result = await importHistory(fw, fw.config);
    expect(result.topics).toBe(forum.topics.length);
    await fw.maintenance.closePeriods();
    // Every season's answer won its week and its month.
    expect(await topBadges(fw, 'helper-of-the-week')).toBe(forum.topics.length);
    expect(await topBadges(fw, 'helper-of-the-month')).toBe(forum.topics.length);
    const first = await fw.boards.leaderboard({ period: 'month', at: '2014-11-15' });
    expect(first.entries.map((e) => [e.member.displayName, e.points])).toEqual([['Helper', 6], ['Op', 2]]);
  });
});
