/**
 * The monthly stage review `serve` runs every hour: contributors who stopped producing for others
 * are demoted at the first review past their window — every one of them, however many (the review
 * walks the community 250 members per transaction) — and those still producing keep their stage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, discord } from '../support/builders.js';
// About monthly reviews: answers count at once here (fair play off; its ladder rule has its own tests).
import { testFlywheel, withoutFairPlay, type TestFlywheel } from '../support/db.js';

const DAY = 86_400_000;
const START = Date.parse('2026-03-02T12:00:00Z');
const QUIET = 1_050; // several chunks of the review

describe('monthly stage review', () => {
  let fw: TestFlywheel;
  beforeEach(async () => {
    fw = await testFlywheel({}, withoutFairPlay);
  });
  afterEach(() => fw.close());

  it('demotes every contributor who went quiet, and keeps the one who did not', async () => {
    const asker = discord('1', { username: 'asker' });
    const answers = Array.from({ length: QUIET }, (_, i) =>
      act('answer_posted', discord(String(1000 + i)), START + i * 1000, { counterpart: asker, subject: `q${i}` }),
    );
    const busy = discord('999', { username: 'busy' });
    fw.clock.now = START + DAY;
    for (let i = 0; i < answers.length; i += 500) await fw.ingest(answers.slice(i, i + 500));
    // The busy member keeps answering every month.
    for (let month = 0; month < 5; month++) {
      fw.clock.now = START + month * 30 * DAY;
      await fw.ingest([act('answer_posted', busy, START + month * 30 * DAY, { counterpart: asker, subject: `busy${month}` })]);
    }
    const contributors = async () => Number((await fw.db('members').where({ stage: 'contributor' }).count({ n: '*' }).first())!.n);
    expect(await contributors()).toBe(QUIET + 1);

    fw.clock.now = Date.parse('2026-07-20T12:00:00Z'); // past the 90-day window and the review on July 1st
    const moves = await fw.maintenance.reviewStages();
    expect(moves).toHaveLength(QUIET);
    expect(moves.every((m) => m.from === 'contributor' && m.to === 'participant')).toBe(true);
    expect(await contributors()).toBe(1);
    const busyMember = await fw.members.lookup('discord', '999');
    expect(busyMember.stage).toBe('contributor');

    // A second review finds nothing more to do.
    expect(await fw.maintenance.reviewStages()).toEqual([]);
  });
});
