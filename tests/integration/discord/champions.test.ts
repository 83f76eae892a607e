/** Champions in Discord: "Nominate as champion" with its modal, and what the bot does when a manager approves. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { CHAMPION_ROLE_ID, MANAGER_ROLE_ID } from '../../support/fake-discord.js';

const BOSS = '600000000000000001';
const ANA = '600000000000000002';
const BEN = '600000000000000003';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
  h.discord.addUser(BOSS, 'boss', { roles: [MANAGER_ROLE_ID] });
  h.discord.addUser(ANA, 'ana');
  h.discord.addUser(BEN, 'ben');
});
afterEach(() => h.close());

describe('Nominate as champion', () => {
  it('asks a manager for the reason in a modal, then records the nomination', async () => {
    const { response } = await h.discord.command('Nominate as champion', BOSS, { targetUser: BEN });
    expect(response.body.type).toBe(9); // a modal
    expect(response.body.data.custom_id).toBe(`nominate:${BEN}`);
    const submitted = await h.discord.submitModal(BOSS, `nominate:${BEN}`, { reason: 'Ben answers every question in #help' });
    expect(submitted.response.body.data).toMatchObject({ flags: 64, content: 'Nominated **ben** as a champion. The community team will review it.' });
    expect(await h.fw.db('nominations').select('kind', 'reason', 'status')).toEqual([{ kind: 'nomination', reason: 'Ben answers every question in #help', status: 'pending' }]);

    // A second voice for the same member becomes an endorsement.
    const second = await h.discord.command('nominate', BOSS, { options: [{ name: 'member', type: 6, value: BEN }, { name: 'reason', type: 3, value: 'Also wrote our best tutorial' }] });
    expect(second.response.body.data.content).toMatch(/already waiting for review — your words were added/);
    expect(Number((await h.fw.db('endorsements').count({ n: '*' }).first())!.n)).toBe(1);
  });

  it('is refused to members when the community takes no suggestions', async () => {
    const { response } = await h.discord.command('Nominate as champion', ANA, { targetUser: BEN });
    expect(response.body.data).toMatchObject({ flags: 64, content: 'Only the community team nominates champions here.' });
  });
});

describe('approval', () => {
  it('gives the champion role, announces the badge, and tells the new champion in a direct message', async () => {
    const n = await h.fw.champions.nominate({ member: { platform: 'discord', externalId: BEN, username: 'ben' }, by: { platform: 'discord', externalId: BOSS }, as: 'nomination', reason: 'Ben answers every question in #help', space: 'support', evidence: [], origin: 't1' });
    await h.fw.news.publish(await h.fw.champions.decide(n.nominationId, 'approve', { memberId: null, label: 'test' }, { citation: 'Our most patient helper' }));
    await h.discord.waitFor((c) => c.method === 'PUT' && c.path.endsWith(`/members/${BEN}/roles/${CHAMPION_ROLE_ID}`));
    const dmChannel = await h.discord.waitFor((c) => c.method === 'POST' && c.path.endsWith('/users/@me/channels'));
    expect(dmChannel.body).toEqual({ recipient_id: BEN });
    const dm = await h.discord.waitFor((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path) && /appointed a champion/.test(c.body?.content ?? ''));
    expect(dm.body.content).toMatch(/Your term runs until \d{4}-\d{2}-\d{2}/);
    await h.discord.waitFor((c) => c.method === 'POST' && /earned the \*\*Champion\*\* badge/.test(JSON.stringify(c.body?.embeds ?? [])));

    // When the term ends, the role goes.
    const champion = (await h.fw.db('champions').first()).id;
    await h.fw.news.publish(await h.fw.champions.end(champion, { memberId: null, label: 'test' }, null));
    await h.discord.waitFor((c) => c.method === 'DELETE' && c.path.endsWith(`/members/${BEN}/roles/${CHAMPION_ROLE_ID}`));
  });
});
