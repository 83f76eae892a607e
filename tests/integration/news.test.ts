/**
 * News waits in the database for the instance that announces it (see src/app/news.ts), on both
 * databases: an instance that publishes and subscribes has announced its news when publishing
 * resolves; news held by a subscriber that went away mid-announcement is announced again once
 * that claim runs out, and only then; news nobody announced within a day is dropped and purged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { News } from '../../src/app/news.js';
import { claimNews, finishNews } from '../../src/db/news-repo.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
afterEach(async () => {
  await fw?.close();
});

const HOUR = 60 * 60_000;
const grant = (memberId: number, at: number): News => ({ moves: [], grants: [{ awardId: memberId, memberId, badgeId: 'first-question', awardedAt: at }] });
const heardOf = (heard: readonly News[]) => heard.flatMap((n) => n.grants.map((g) => g.memberId));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rows = async () => Number((await fw.db('news').count({ n: '*' }).first())!.n);

describe('news', () => {
  it('published where it is announced, is announced when publishing resolves, once', async () => {
    fw = await testFlywheel();
    const heard: News[] = [];
    fw.news.subscribe(async (news) => void heard.push(news));
    await fw.news.publish(grant(1, fw.clock.now));
    expect(heardOf(heard)).toEqual([1]);
    await fw.news.publish({ moves: [], grants: [] }); // nothing to tell: nothing stored
    await pause(1_200);
    expect(heardOf(heard)).toEqual([1]);
    expect(await rows()).toBe(1);
  });

  it('held by a subscriber that went away is announced again when its claim runs out, and not before', async () => {
    fw = await testFlywheel();
    await fw.news.publish(grant(2, fw.clock.now));
    // Another instance claimed it and died before announcing it.
    expect(await claimNews(fw.db, { now: fw.clock.now, since: 0, claimant: 'gone', leaseMs: 5 * 60_000 })).not.toBeNull();
    const heard: News[] = [];
    fw.news.subscribe(async (news) => void heard.push(news));
    await pause(1_200);
    expect(heard).toEqual([]);

    fw.clock.now += 5 * 60_000 + 1;
    await expect.poll(() => heardOf(heard), { timeout: 2_000, interval: 20 }).toEqual([2]);
    // The late claimant cannot mark it done: it is no longer theirs.
    expect(await finishNews(fw.db, 1, 'gone', fw.clock.now)).toBe(false);
    await pause(1_200);
    expect(heardOf(heard)).toEqual([2]);
  });

  it('nobody announced within a day is dropped, and purged', async () => {
    fw = await testFlywheel();
    await fw.news.publish(grant(3, fw.clock.now));
    fw.clock.now += 25 * HOUR;
    await fw.news.publish(grant(4, fw.clock.now));
    expect(await rows()).toBe(1);
    const heard: News[] = [];
    fw.news.subscribe(async (news) => void heard.push(news));
    await expect.poll(() => heardOf(heard), { timeout: 2_000, interval: 20 }).toEqual([4]);
    await pause(1_200);
    expect(heardOf(heard)).toEqual([4]);
  });

  it('a listener that fails (Discord down) does not hold back the news after it', async () => {
    fw = await testFlywheel();
    const heard: News[] = [];
    fw.news.subscribe(async (news) => {
      if (news.grants[0]?.memberId === 5) throw new Error('Discord is down');
      heard.push(news);
    });
    await fw.news.publish(grant(5, fw.clock.now));
    await fw.news.publish(grant(6, fw.clock.now));
    expect(heardOf(heard)).toEqual([6]);
  });
});
