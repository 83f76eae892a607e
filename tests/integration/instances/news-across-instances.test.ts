/**
 * News reaches the instance that announces it, whichever instance published it: three Flywheels
 * over one PostgreSQL database in one process (as three instances). A is the elected ingester;
 * what its batches change (a member's first badge, their first stage) is published on A, and
 * listeners on B and C (say, two instances each thinking it runs the bot during a handover)
 * receive each item exactly once between them, within about a second. News published while
 * nobody listens is delivered when a listener appears. Postgres project only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { Flywheel } from '../../../src/app/flywheel.js';
import type { News } from '../../../src/app/news.js';
import { act, discord } from '../../support/builders.js';
import { flywheelOver, freshDatabaseUrl } from '../../support/db.js';

const open: Flywheel[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fw) => fw.close()));
});

function instance(url: string): Flywheel {
  const fw = flywheelOver(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, '/nonexistent'));
  open.push(fw);
  return fw;
}

/** A, B and C over a new database; A started first, so it ingests what is stored. */
async function threeInstances(): Promise<[Flywheel, Flywheel, Flywheel]> {
  const url = await freshDatabaseUrl();
  const a = instance(url);
  await a.maintenance.migrate();
  await a.inbox.start();
  const b = instance(url);
  const c = instance(url);
  await Promise.all([b.inbox.start(), c.inbox.start()]);
  expect([a.inbox.ingesting(), b.inbox.ingesting(), c.inbox.ingesting()]).toEqual([true, false, false]);
  return [a, b, c];
}

/** A member's first question, recorded through the inbox (on A, the ingester: its batch publishes news). */
const firstQuestion = (fw: Flywheel, n: number) =>
  fw.inbox.submit([act('question_asked', discord(String(700 + n)), Date.now() - 60_000, { key: `news:${n}` })]);

/** Every badge grant and stage move a listener heard, as "member:badge" and "member>stage". */
const items = (heard: readonly News[]): string[] => heard.flatMap((n) => [...n.grants.map((g) => `${g.memberId}:${g.badgeId}`), ...n.moves.map((m) => `${m.memberId}>${m.to}`)]);

describe('news published on one instance', () => {
  it('reaches a listener on another instance once, within about a second', async () => {
    const [a, b, c] = await threeInstances();
    const onB: News[] = [];
    const onC: News[] = [];
    b.news.subscribe(async (news) => void onB.push(news));
    c.news.subscribe(async (news) => void onC.push(news));

    const heard = () => items([...onB, ...onC]);
    const expected: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const answer = await firstQuestion(a, n);
      if (!('outcomes' in answer) || answer.outcomes[0]?.status !== 'awarded') throw new Error(`not recorded: ${JSON.stringify(answer)}`);
      const memberId = answer.outcomes[0].memberId;
      const from = performance.now();
      await expect.poll(() => heard().includes(`${memberId}:first-question`), { timeout: 2_000, interval: 10 }).toBe(true);
      expect(performance.now() - from).toBeLessThan(1_000);
      expected.push(`${memberId}:first-question`, `${memberId}>participant`);
    }
    // Each member's first badge and first stage, heard once among B and C (after time for a second copy).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(heard().sort()).toEqual(expected.sort());
  });

  it('while nobody listens is delivered when a listener appears', async () => {
    const [a, b] = await threeInstances();
    expect(await firstQuestion(a, 9)).toMatchObject({ outcomes: [{ status: 'awarded' }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const onB: News[] = [];
    b.news.subscribe(async (news) => void onB.push(news));
    await expect.poll(() => items(onB).length, { timeout: 1_500, interval: 20 }).toBeGreaterThan(0);
    const heard = items(onB);
    expect(heard.some((i) => i.includes(':'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(items(onB)).toEqual(heard);
  });
});
