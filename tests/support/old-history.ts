/**
 * The history of a community twelve years old (2014 to the test clock, late 2026), sparse but
 * spanning 600+ weeks: shared by the tests that run an old community's housekeeping and its site.
 */
import type { ActivityInput } from '../../src/domain/activity.js';
import { act, discord } from './builders.js';

export const DAY = 86_400_000;
export const START = Date.parse('2014-11-03T12:00:00Z'); // a Monday, twelve years before the test clock
export const NOW = Date.parse('2026-11-22T12:00:00Z');
export const asker = discord('1', { username: 'asker' });
export const helpers = [discord('2', { username: 'ada' }), discord('3', { username: 'bo' }), { platform: 'discourse' as const, externalId: '4', username: 'cy' }];

/**
 * One answer every 17 days from one of three helpers (Cy on the forum), from 2014 until a month ago,
 * each liked by the asker an hour later (an answer earns once someone else endorses it); Ada stops in 2016.
 */
export function history(): ActivityInput[] {
  const out: ActivityInput[] = [];
  let n = 0;
  for (let at = START; at < NOW - 30 * DAY; at += 17 * DAY, n++) {
    const helper = at < Date.parse('2016-06-01') ? helpers[n % 3]! : helpers[1 + (n % 2)]!;
    const like = { source: `a${n}:like`, subject: `q${n}` };
    out.push(act('question_asked', asker, at, { subject: `q${n}` }));
    out.push(act('answer_posted', helper, at + 3_600_000, { counterpart: asker, subject: `q${n}`, source: `a${n}` }));
    out.push(act('reaction_given', asker, at + 7_200_000, { ...like, counterpart: helper }));
    out.push(act('reaction_received', helper, at + 7_200_000, { ...like, counterpart: asker }));
  }
  return out;
}

/** Recorded as it happened: a batch a season, the clock just past it; the clock ends at NOW. */
export async function recordHistory(fw: { clock: { now: number }; ingest(batch: ActivityInput[]): Promise<unknown> }, all: ActivityInput[] = history()): Promise<void> {
  for (let i = 0; i < all.length; i += 10) {
    const batch = all.slice(i, i + 10);
    fw.clock.now = Number(batch.at(-1)!.occurredAt) + 60_000;
    await fw.ingest(batch);
  }
  fw.clock.now = NOW;
}
