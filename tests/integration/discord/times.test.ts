/**
 * Discord dates a message by its id (a snowflake). A message whose id says it was written a month
 * from now — forged, or from a skewed clock — is outside the accepted range: the bot records
 * nothing of it, and goes on recording what follows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { fakeClock, GENERAL_ID } from '../../support/fake-discord.js';
import { recorded } from '../../support/ledger.js';

const ANA = '400000000000000001';
const BEN = '400000000000000002';
const DAY = 86_400_000;

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
  h.discord.addUser(ANA, 'ana');
  h.discord.addUser(BEN, 'ben');
});
afterEach(() => h.close());

describe('a Discord message dated outside the accepted range', () => {
  it('is not recorded, and the next message is', async () => {
    const clock = fakeClock.now;
    fakeClock.now = () => h.fw.clock.now + 30 * DAY;
    try {
      h.discord.say(GENERAL_ID, ANA, `thank you <@${BEN}>`);
      await h.settle();
    } finally {
      fakeClock.now = clock;
    }
    expect(await recorded(h.fw)).toEqual([]);
    h.discord.say(GENERAL_ID, ANA, `thanks a lot <@${BEN}>`);
    await h.settle();
    expect((await recorded(h.fw)).filter((r) => r.kind === 'thanks_received').map((r) => [r.who, r.points])).toEqual([[BEN, 5]]);
  });
});
