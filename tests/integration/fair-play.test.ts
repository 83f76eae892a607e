/**
 * Issue 26's scenario: an honest forum of 30 members over three weeks, then the same forum with
 * three gaming strategies added — a like ring spread over days (six accounts), an alt pair (twelve
 * accepted answers from a second account) and one day of unendorsed replies (500 replies across 51
 * questions). Under the fair-play rules no gamer reaches the all-time or monthly top ten, honest
 * members keep at least 90% of what they earned before the rules and their order, the managers'
 * queue lists the ring and the alt pair, and spam does not improve "answers from members".
 * Activities are built by the Discourse adapter, as a forum would send them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityInput } from '../../src/domain/activity.js';
import {
  joinActivities,
  likeActivities,
  postActivities,
  solutionActivities,
  topicActivities,
  type AuthoredPost,
  type DiscourseUser,
  type MapContext,
} from '../../src/discourse/activities.js';
import { testFlywheel, withoutFairPlay, type TestFlywheel } from '../support/db.js';

const DAY = 86_400_000;
const MIN = 60_000;
const START = Date.parse('2026-11-02T08:00:00Z'); // a Monday; three weeks of November
const NOW = Date.parse('2026-11-23T12:00:00Z');
const QA = 1;
const LOUNGE = 2;

/** A small deterministic generator (mulberry32): the community is the same on every run and dialect. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let nextId = 1000;
const user = (id: number, username: string): DiscourseUser => ({ id, username });
const ctx = (topicAuthor: DiscourseUser | null): MapContext => ({
  url: null,
  qaCategories: [QA],
  topicAuthor: topicAuthor ? { platform: 'discourse', externalId: String(topicAuthor.id), username: topicAuthor.username } : null,
});

class Forum {
  readonly out: ActivityInput[] = [];
  join(u: DiscourseUser, at: number): void {
    this.out.push(...joinActivities({ ...u, created_at: new Date(at).toISOString() }, at));
  }
  ask(asker: DiscourseUser, at: number): { id: number; asker: DiscourseUser; posts: number } {
    const id = ++nextId;
    this.out.push(...topicActivities({ id, title: `question ${id}`, category_id: QA, user_id: asker.id, created_by: asker, created_at: new Date(at).toISOString() }, ctx(asker)));
    return { id, asker, posts: 1 };
  }
  reply(topic: { id: number; asker: DiscourseUser; posts: number }, author: DiscourseUser, at: number, category = QA): AuthoredPost {
    const post: AuthoredPost = {
      id: ++nextId,
      topic_id: topic.id,
      post_number: ++topic.posts,
      user_id: author.id,
      username: author.username,
      created_at: new Date(at).toISOString(),
      category_id: category,
    };
    this.out.push(...postActivities(post, ctx(topic.asker)));
    return post;
  }
  like(post: AuthoredPost, liker: DiscourseUser, at: number, asker: DiscourseUser): void {
    this.out.push(...likeActivities({ post, user: liker }, ctx(asker), at));
  }
  accept(post: AuthoredPost, asker: DiscourseUser, at: number): void {
    this.out.push(...solutionActivities(post, ctx(asker), at));
  }
}

// Thirty honest members: ten who help (some much more than others) and twenty who mostly ask.
const helpers = Array.from({ length: 10 }, (_, i) => user(i + 1, `helper${i}`));
const askers = Array.from({ length: 20 }, (_, i) => user(i + 101, `asker${i}`));
const honest = [...helpers, ...askers];
const ring = Array.from({ length: 6 }, (_, i) => user(i + 501, `ring${i}`));
const main = user(601, 'mara');
const alt = user(602, 'mara_two');
const spammer = user(701, 'replybot');
const gamers = [...ring, main, alt, spammer];

/** Three weeks of honest help; returns the questions asked, for the spammer to reply to. */
function honestCommunity(forum: Forum): Array<{ id: number; asker: DiscourseUser; posts: number }> {
  const rand = random(26);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const weighted = (): DiscourseUser => {
    // helper i answers with weight 10 - i: a few carry most of the help, as in real forums
    let r = rand() * 55;
    for (let i = 0; i < 10; i++) if ((r -= 10 - i) < 0) return helpers[i]!;
    return helpers[9]!;
  };
  for (const m of honest) forum.join(m, START - 30 * DAY);
  const questions: Array<{ id: number; asker: DiscourseUser; posts: number }> = [];
  const lounge = forum.ask(helpers[0]!, START - 29 * DAY); // a lounge topic for chat (a second category)
  for (let day = 0; day < 21; day++) {
    const base = START + day * DAY;
    for (const asker of askers) {
      if (rand() > 0.35) continue;
      const at = base + Math.floor(rand() * 600) * MIN;
      const q = forum.ask(asker, at);
      questions.push(q);
      const answerers = new Set<DiscourseUser>();
      const wanted = 1 + Math.floor(rand() * 3);
      while (answerers.size < wanted) answerers.add(weighted());
      const answers = [...answerers].map((h, i) => ({ h, post: forum.reply(q, h, at + (20 + i * 40 + Math.floor(rand() * 120)) * MIN) }));
      let t = at + 300 * MIN;
      // The asker likes the answers that helped, and usually marks one as the solution.
      for (const { post } of answers) if (rand() < 0.8) forum.like(post, asker, (t += 7 * MIN), asker);
      if (rand() < 0.8) forum.accept(pick(answers).post, asker, (t += 9 * MIN));
      // Others reading the thread like a good answer now and then.
      for (const { h, post } of answers)
        for (let k = 0; k < 2; k++) {
          const reader = pick(honest);
          if (reader !== h && reader !== asker && rand() < 0.3) forum.like(post, reader, (t += 11 * MIN), asker);
        }
    }
    // Chat in the lounge.
    for (const m of honest) if (rand() < 0.4) forum.reply(lounge, m, base + Math.floor(rand() * 700) * MIN, LOUNGE);
  }
  return questions;
}

function gaming(forum: Forum, questions: ReadonlyArray<{ id: number; asker: DiscourseUser; posts: number }>): void {
  // A like ring: six new accounts post in the lounge for six days and like each other's posts,
  // every like on a distinct post.
  const lounge = forum.ask(ring[0]!, START + 7 * DAY);
  for (const r of ring) forum.join(r, START + 7 * DAY - 60 * MIN);
  for (let day = 7; day < 13; day++)
    for (let n = 0; n < 10; n++)
      ring.forEach((r, i) => {
        const at = START + day * DAY + (n * 30 + i) * MIN;
        const post = forum.reply(lounge, r, at, LOUNGE);
        for (let k = 1; k <= 4; k++) forum.like(post, ring[(i + k) % ring.length]!, at + (k + 10) * MIN, ring[0]!);
      });
  // An alt pair: mara asks twelve questions over the three weeks; her second account, created the
  // day before the first, answers each and she accepts it.
  forum.join(main, START - 30 * DAY);
  forum.join(alt, START);
  for (let n = 0; n < 12; n++) {
    const at = START + DAY + n * (DAY + DAY / 2);
    const q = forum.ask(main, at);
    const answer = forum.reply(q, alt, at + 30 * MIN);
    forum.accept(answer, main, at + 45 * MIN);
  }
  // A day of unendorsed replies: 500 replies across 51 of the community's questions.
  forum.join(spammer, START + 14 * DAY);
  for (let n = 0; n < 500; n++) forum.reply(questions[n % 51]!, spammer, START + 15 * DAY + n * MIN);
}

async function play(withGamers: boolean, fairPlay: boolean): Promise<TestFlywheel> {
  const fw = await testFlywheel({}, (c) => {
    c.rules.timeZone = c.community.timeZone = 'UTC';
    if (!fairPlay) withoutFairPlay(c);
  });
  fw.clock.now = NOW;
  nextId = 1000;
  const forum = new Forum();
  const questions = honestCommunity(forum);
  if (withGamers) gaming(forum, questions);
  const all = forum.out.sort((a, b) => Number(new Date(a.occurredAt)) - Number(new Date(b.occurredAt)));
  for (let i = 0; i < all.length; i += 400) await fw.ingest(all.slice(i, i + 400));
  return fw;
}

const nameOf = (u: DiscourseUser) => u.username;
async function pointsOf(fw: TestFlywheel, users: readonly DiscourseUser[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const u of users) {
    const standing = await fw.members.standing('discourse', String(u.id));
    out.set(nameOf(u), standing?.all.points ?? 0);
  }
  return out;
}
const topTen = async (fw: TestFlywheel, period: 'all' | 'month') =>
  (await fw.boards.leaderboard({ period, at: '2026-11-20', limit: 10 })).entries.map((e) => e.member.displayName);

let before: TestFlywheel; // honest community, rules as they were (no fair-play limits)
let gamedBefore: TestFlywheel; // with gamers, rules as they were
let after: TestFlywheel; // with gamers, fair-play rules (the defaults)

beforeAll(async () => {
  before = await play(false, false);
  gamedBefore = await play(true, false);
  after = await play(true, true);
}, 300_000);
afterAll(async () => {
  await before?.close();
  await gamedBefore?.close();
  await after?.close();
});

describe('fair play: gaming does not buy a place among the honest top ten', () => {
  it('each strategy bought a top-ten place under the old rules (the scenario is about something)', async () => {
    const board = (await gamedBefore.boards.leaderboard({ period: 'all', limit: 50 })).entries;
    const tenthHonest = board.filter((e) => honest.some((m) => nameOf(m) === e.member.displayName))[9]!.points;
    const old = await pointsOf(gamedBefore, gamers);
    for (const g of [...ring, alt, spammer]) expect(old.get(nameOf(g)), nameOf(g)).toBeGreaterThan(tenthHonest);
    expect((await topTen(gamedBefore, 'all')).filter((n) => ring.some((r) => nameOf(r) === n)).length).toBeGreaterThanOrEqual(4);
  });

  it('no gamer is in the all-time or the monthly top ten', async () => {
    const gamerNames = new Set(gamers.map(nameOf));
    for (const period of ['all', 'month'] as const) {
      const top = await topTen(after, period);
      expect(top).toHaveLength(10);
      expect(top.filter((n) => gamerNames.has(n))).toEqual([]);
    }
  });

  it('every honest member keeps at least 90% of their points, and their order', async () => {
    const was = await pointsOf(before, honest);
    const now = await pointsOf(after, honest);
    for (const m of honest) expect(now.get(nameOf(m)), nameOf(m)).toBeGreaterThanOrEqual(0.9 * was.get(nameOf(m))!);
    // Whoever was ahead of whom among the honest stays ahead (or level).
    for (const a of honest)
      for (const b of honest)
        if (was.get(nameOf(a))! > was.get(nameOf(b))!) expect(now.get(nameOf(a))!, `${nameOf(a)} over ${nameOf(b)}`).toBeGreaterThanOrEqual(now.get(nameOf(b))!);
  });

  it('the ring does not make contributors, and the day of replies earns nothing', async () => {
    for (const r of ring) expect((await after.members.standing('discourse', String(r.id)))!.stage, nameOf(r)).not.toMatch(/contributor|advocate/);
    expect((await pointsOf(after, [spammer])).get(nameOf(spammer))).toBe(0);
  });

  it("the managers' queue lists the ring and the alt pair, with the evidence", async () => {
    const queue = await after.fairPlay.queue();
    const listed = new Map(queue.map((q) => [q.displayName, q]));
    for (const r of ring) expect(listed.has(nameOf(r)), nameOf(r)).toBe(true);
    const altEntry = listed.get(nameOf(alt));
    expect(altEntry).toBeDefined();
    expect(altEntry!.counterparts[0]!.displayName).toBe(nameOf(main));
    expect(altEntry!.counterparts[0]!.share).toBeGreaterThan(0.9);
    // No honest member is accused.
    for (const m of honest) expect(listed.has(nameOf(m)), nameOf(m)).toBe(false);
  });

  it('spam does not improve "answers from members"', async () => {
    const share = (i: Awaited<ReturnType<TestFlywheel['insights']['report']>>) => i.producers.reduce((n, m) => n + m.answersByMembers, 0);
    const honestOnly = await before.insights.report({ from: '2026-11', to: '2026-11' });
    const gamed = await after.insights.report({ from: '2026-11', to: '2026-11' });
    // The alt's twelve accepted answers are the only answers the gamers add that Flywheel counts.
    expect(share(gamed)).toBeLessThanOrEqual(share(honestOnly) + 12);
  });

  it('recompute gives exactly what live ingest gave', async () => {
    const live = await topTen(after, 'all');
    const points = await pointsOf(after, [...honest, ...gamers]);
    await after.maintenance.recompute();
    expect(await topTen(after, 'all')).toEqual(live);
    expect(await pointsOf(after, [...honest, ...gamers])).toEqual(points);
  });
});
