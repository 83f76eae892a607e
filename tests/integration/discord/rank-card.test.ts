/** /rank answers with the member's rank card attached, through the real discord.js client and the fake Discord's multipart upload. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_HEIGHT, CARD_WIDTH } from '../../../src/images/rank-card.js';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { GENERAL_ID } from '../../support/fake-discord.js';
import { decodePng, PNG_SIGNATURE } from '../../support/png.js';

const ANA = '400000000000000001';
const BEN = '400000000000000002';
const CY = '400000000000000003';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
  h.discord.addUser(ANA, 'ana');
  h.discord.addUser(BEN, 'ben');
  h.discord.addUser(CY, 'cy');
  h.discord.say(GENERAL_ID, ANA, 'hello');
  h.discord.say(GENERAL_ID, BEN, `thanks <@${ANA}>`);
  await h.settle();
});
afterEach(() => h.close());

const user = (id: string) => ({ name: 'member', type: 6, value: id });

describe('/rank', () => {
  it('attaches the member’s rank card as a PNG, described in the reply’s attachments', async () => {
    const { response } = await h.discord.command('rank', BEN, { options: [user(ANA)] });
    expect(response.body.data.content).toMatch(/^\*\*ana\*\* — contributor\nThis month: 6 points \(#1\)/);
    expect(response.body.data.flags ?? 0).toBe(0);
    expect(response.files).toHaveLength(1);
    const [file] = response.files!;
    expect(file).toMatchObject({ field: 'files[0]', filename: 'rank.png', contentType: 'image/png' });
    expect(response.body.data.attachments).toEqual([{ id: '0', description: 'Rank card of ana' }]);
    expect(file!.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const png = decodePng(file!.data);
    expect([png.width, png.height]).toEqual([CARD_WIDTH, CARD_HEIGHT]);
  });

  it('attaches no card for a hidden member: their own reply stays private and text-only', async () => {
    await h.discord.command('privacy', ANA, { options: [{ name: 'visibility', type: 3, value: 'hide' }] });
    const own = await h.discord.command('rank', ANA);
    expect(own.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/hidden/) });
    expect(own.response.files).toBeUndefined();
    const other = await h.discord.command('rank', CY, { options: [user(ANA)] });
    expect(other.response.body.data).toMatchObject({ flags: 64, content: '**ana** keeps their profile private.' });
    expect(other.response.files).toBeUndefined();
  });

  it('the fake Discord refuses an upload its payload does not describe, as Discord does', async () => {
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ type: 4, data: { content: 'x', attachments: [] } }));
    form.append('files[0]', new Blob([Buffer.from('png')], { type: 'image/png' }), 'rank.png');
    const res = await fetch(`${h.discord.apiUrl}/v10/interactions/1/token-1/callback`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(50035);
  });
});
