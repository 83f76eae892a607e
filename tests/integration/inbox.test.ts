/**
 * The inbox (src/app/inbox.ts) on both databases: a stored delivery is answered with its
 * outcomes, a copy records nothing, a bad one is refused before it is stored, and what a stopped
 * process stored but did not ingest is ingested by the next one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeDelivery } from '../../src/db/inbox-repo.js';
import { act, discord, minutes } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
afterEach(async () => fw?.close());

describe('the inbox', () => {
  it('answers a delivery with its outcomes, a copy as duplicates, and refuses a bad one before storing it', async () => {
    fw = await testFlywheel();
    const question = act('question_asked', discord('1'), minutes(0), { key: 'inbox:q1' });
    const [first, copy] = await Promise.all([fw.inbox.submit([question]), fw.inbox.submit([question])]);
    // Whichever was stored first records; the other is a copy.
    const answers = [first, copy].map((a) => ('outcomes' in a ? a.outcomes[0]!.status : 'stored'));
    expect(answers.sort()).toEqual(['awarded', 'duplicate']);
    await expect(fw.inbox.submit([{ ...question, key: 'inbox:q2', occurredAt: Date.parse('1970-01-02') }])).rejects.toMatchObject({ code: 'invalid_activity' });
    expect(await fw.ledger.recordedKeys(['inbox:q1', 'inbox:q2'])).toEqual(new Set(['inbox:q1']));
    expect(await fw.inbox.pending()).toBe(0);
  });

  it('ingests what a stopped process stored and never ingested, when the next one starts', async () => {
    fw = await testFlywheel();
    // As if a process stored it and died before the ingester took it.
    await storeDelivery(fw.db, 'left-behind', [act('question_asked', discord('2'), minutes(1), { key: 'inbox:left' })], minutes(1));
    expect(await fw.inbox.pending()).toBe(1);
    await fw.inbox.start();
    expect(await fw.inbox.settled(5_000)).toBe(true);
    expect(await fw.ledger.recordedKeys(['inbox:left'])).toEqual(new Set(['inbox:left']));
    expect((await fw.members.standing('discord', '2'))?.all.points).toBe(2);
  });
});
