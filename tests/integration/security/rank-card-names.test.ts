/**
 * A rank card is drawn from a name as the member typed it on their platform: whatever it holds
 * (control characters, a right-to-left override, emoji, the longest name the ledger keeps, a
 * formula), the card is a PNG, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord } from '../../support/builders.js';
import { decodePng } from '../../support/png.js';
import { testSite, type TestSite } from '../../support/web.js';
import { CARD_HEIGHT, CARD_WIDTH } from '../../../src/images/rank-card.js';

const NAMES = ['Bell\u0007 Ringer', 'Esc\u001b[31mape', 'Not\uFFFFa char', '\u202Eevil.exe', '👩‍👩‍👧‍👦 family', '=HYPERLINK("http://x")', 'Ж'.repeat(200)];
let site: TestSite;
const ids: number[] = [];

beforeAll(async () => {
  site = await testSite();
  const now = site.fw.clock.now;
  const asker = discord('730000000000000999', { displayName: 'Asker' });
  const members = NAMES.map((displayName, i) => discord(`73000000000000000${i}`, { displayName }));
  await site.fw.ingest(members.map((m, i) => act('answer_accepted', m, now - 3_600_000 + i, { counterpart: asker, subject: `q${i}` })));
  for (const m of members) ids.push((await site.fw.members.lookup('discord', m.externalId)).id);
});
afterAll(() => site.close());

describe('a rank card for any name', () => {
  it('is a PNG of the card’s size', async () => {
    for (const [i, id] of ids.entries()) {
      const res = await site.app.inject({ method: 'GET', url: `/members/${id}/card.png` });
      expect(res.statusCode, JSON.stringify(NAMES[i])).toBe(200);
      const png = decodePng(res.rawPayload);
      expect([png.width, png.height]).toEqual([CARD_WIDTH, CARD_HEIGHT]);
    }
  });
});
