/** The batch path is built for backfills: statements scale with batches, and writers never interleave. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, discord, minutes, thanks } from '../support/builders.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';

let fw: TestFlywheel;
beforeEach(async () => {
  fw = await testFlywheel();
});
afterEach(() => fw.close());

/** A realistic mix: questions, answers to them, thanks, accepted answers, chat, a deletion. */
function history(n: number, offset: number) {
  const out = [];
  for (let i = 0; i < n / 6; i++) {
    const asker = discord(String(offset + i));
    const helper = discord(String(offset + i + 1));
    const q = `q${offset + i}`;
    out.push(act('question_asked', asker, minutes(i), { key: q }));
    out.push(act('answer_posted', helper, minutes(i) + 1, { counterpart: asker, subject: q, key: `${q}:a` }));
    out.push(...thanks(asker, helper, minutes(i) + 2, undefined, q));
    out.push(act('answer_accepted', helper, minutes(i) + 3, { counterpart: asker, subject: q }));
    out.push(act('message_posted', asker, minutes(i) + 4));
  }
  return out;
}

async function statementsFor(batch: ReturnType<typeof history>): Promise<number> {
  let count = 0;
  const listener = () => count++;
  fw.db.on('query', listener);
  await fw.ingest(batch);
  fw.db.off('query', listener);
  return count;
}

describe('the batch path', () => {
  it('issues about as many statements for 600 activities as for 60', async () => {
    const small = await statementsFor(history(60, 0));
    const large = await statementsFor(history(600, 10_000));
    // (Fair play reads a few facts per batch — pair usage, waiting answers, endorsed help: 45, not 40.)
    expect(small).toBeLessThan(45);
    expect(large).toBeLessThan(small * 1.5);
  });

  it('serialises concurrent ingests: 50 deliveries at once give exact totals', async () => {
    const helper = discord('7');
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => fw.ingest([act('answer_accepted', helper, minutes(i), { counterpart: discord(String(100 + i)) })])),
    );
    expect((await fw.members.lookup('discord', '7')).points.all).toBe(50 * 15);
    expect(await fw.db('awards').count({ n: '*' }).first()).toEqual({ n: 50 });
  });
});
