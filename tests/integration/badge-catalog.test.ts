/** Every badge of the default catalog can be earned: one community's season, played through the pipeline. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityInput } from '../../src/domain/activity.js';
import { act, discord, thanks } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

const DAY = 86_400_000;
const D0 = Date.parse('2026-06-01T09:00:00Z');
const QUESTIONS = 150;

let fw: TestFlywheel;
afterEach(() => fw?.close());

function season(): ActivityInput[] {
  const ben = discord('ben', { displayName: 'Ben' });
  const cy = discord('cy', { displayName: 'Cy' });
  const askers = Array.from({ length: QUESTIONS }, (_, i) => discord(`asker${i}`));
  const out: ActivityInput[] = [];
  // Two questions a day for 75 days: Ben answers each, has it accepted, and is thanked.
  askers.forEach((asker, i) => {
    const at = D0 + Math.floor(i / 2) * DAY + (i % 2) * 3 * 3600_000;
    out.push(act('question_asked', asker, at, { key: `q${i}` }));
    out.push(act('answer_posted', ben, at + 600_000, { counterpart: asker, subject: `q${i}` }));
    out.push(act('answer_accepted', ben, at + 1200_000, { counterpart: asker, subject: `q${i}` }));
    out.push(...thanks(asker, ben, at + 1800_000, `thanks-ben-${i}`));
  });
  // The first asker learns, then answers someone else, and thanks ten people.
  // (The asker of q7 thanks them there: an answer earns, and counts as help, once endorsed.)
  out.push(act('answer_posted', askers[0]!, D0 + 3 * DAY, { counterpart: askers[7]!, subject: 'q7' }));
  out.push(...thanks(askers[7]!, askers[0]!, D0 + 3 * DAY + 600_000, 'thanks-a7-a0', 'q7'));
  for (let i = 1; i <= 10; i++) out.push(...thanks(askers[0]!, askers[i]!, D0 + 4 * DAY + i * 60_000, `thanks-a0-${i}`));
  // Cy writes, speaks, brings ideas and friends.
  out.push(act('content_published', cy, D0 + 5 * DAY));
  out.push(act('event_spoke', cy, D0 + 6 * DAY));
  for (let i = 0; i < 5; i++) out.push(act('feedback_submitted', cy, D0 + (7 + i) * DAY));
  for (let i = 0; i < 3; i++) out.push(act('member_referred', cy, D0 + (12 + i) * DAY, { counterpart: discord(`friend${i}`) }));
  return out;
}

describe('the default badge catalog', () => {
  it('has no badge that cannot be earned', async () => {
    fw = await testFlywheel();
    const activities = season();
    for (let i = 0; i < activities.length; i += 400) await fw.ingest(activities.slice(i, i + 400));
    await fw.maintenance.closePeriods();
    await fw.badges.grant({ badgeId: 'champion', member: discord('ben'), by: discord('cy'), reason: 'carried the help forum all summer', origin: 'test' });

    const granted = new Set<string>((await fw.db('badge_awards').whereNull('revoked_at').distinct('badge_id')).map((r: { badge_id: string }) => r.badge_id));
    const missing = fw.config.badges.map((b) => b.id).filter((id) => !granted.has(id));
    expect(missing).toEqual([]);

    // And the dates say when: Ben's 150th accepted answer, on the 75th day.
    const oracle = await fw.db('badge_awards').where({ badge_id: 'oracle' }).first();
    expect(new Date(Number(oracle.awarded_at)).toISOString().slice(0, 10)).toBe(new Date(D0 + 74 * DAY).toISOString().slice(0, 10));
  }, 60_000);
});
