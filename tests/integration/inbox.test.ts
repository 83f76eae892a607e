/**
 * The inbox (src/app/inbox.ts) on both databases: a stored delivery is answered with its
 * outcomes, a copy records nothing, a bad one is refused before it is stored, and what a stopped
 * process stored but did not ingest is ingested by the next one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeDelivery } from '../../src/db/inbox-repo.js';
import { createInbox, type Inbox } from '../../src/app/inbox.js';
import type { Ingest } from '../../src/app/ingest.js';
import { Peers } from '../../src/app/peers.js';
import { act, discord, minutes } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
let own: Inbox | null = null;
afterEach(async () => {
  await own?.stop();
  own = null;
  await fw?.close();
});

/** An inbox over the test's database whose pipeline fails as told before it works (a deadlock, a dropped connection). */
function inboxFailing(failures: () => Error | null): Inbox {
  const ingest: Ingest = (activities, options) => {
    const failure = failures();
    return failure ? Promise.reject(failure) : fw.ingest(activities, options);
  };
  own = createInbox({ db: fw.db, reads: fw.db, ingest, peers: new Peers(fw.db, () => {}), kinds: fw.config.rules.kinds, now: () => fw.clock.now, onBatch: async () => {} });
  return own;
}

const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

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

  it('tries a delivery again when recording it failed for a passing reason, instead of giving it up (its copies are already answered as duplicates)', async () => {
    fw = await testFlywheel();
    let left = 2;
    const inbox = inboxFailing(() => (left-- > 0 ? deadlock() : null));
    const answer = await inbox.submit([act('question_asked', discord('3'), minutes(2), { key: 'inbox:retried' })]);
    expect(answer).toMatchObject({ outcomes: [{ key: 'inbox:retried', status: 'awarded', points: 2 }] });
    expect(await fw.ledger.recordedKeys(['inbox:retried'])).toEqual(new Set(['inbox:retried']));
    // The forum's retry of the same delivery is a copy: it records nothing more.
    expect(await inbox.submit([act('question_asked', discord('3'), minutes(2), { key: 'inbox:retried' })])).toMatchObject({ outcomes: [{ status: 'duplicate' }] });
  });

  it('gives up a delivery that keeps failing after a few tries, and what was stored after it is recorded', async () => {
    fw = await testFlywheel();
    let broken = true;
    const inbox = inboxFailing(() => (broken ? deadlock() : null));
    await expect(inbox.submit([act('question_asked', discord('4'), minutes(3), { key: 'inbox:broken' })], 20_000)).rejects.toThrow('the delivery could not be recorded');
    broken = false;
    expect(await inbox.submit([act('question_asked', discord('5'), minutes(4), { key: 'inbox:after' })])).toMatchObject({ outcomes: [{ status: 'awarded' }] });
    expect(await fw.ledger.recordedKeys(['inbox:broken', 'inbox:after'])).toEqual(new Set(['inbox:after']));
    expect(await fw.inbox.pending()).toBe(0);
  });
});
