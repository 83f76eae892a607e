/** Contributions beyond chat in Discord: /submit waits for a manager, the member hears the decision in a DM; /award keeps its rules in the use case. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from '../../support/discord.js';
import { MANAGER_ROLE_ID } from '../../support/fake-discord.js';
import { totalOf } from '../../support/ledger.js';

const BOSS = '700000000000000001';
const ANA = '700000000000000002';
const BOT = '700000000000000009';

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
  h.discord.addUser(BOSS, 'boss', { roles: [MANAGER_ROLE_ID] });
  h.discord.addUser(ANA, 'ana');
  h.discord.addUser(BOT, 'otherbot', { bot: true });
});
afterEach(() => h.close());

const text = (name: string, value: string) => ({ name, type: 3, value });
const boss = { memberId: null, label: 'test manager' };

describe('/submit', () => {
  it('records nothing until a manager approves; then the points count and the member is told in a DM', async () => {
    const talk = [text('what', 'event_spoke'), text('date', '2026-11-20'), text('event', 'RustConf'), text('link', 'https://example.org/talks/ana')];
    const { response } = await h.discord.command('submit', ANA, { options: talk });
    expect(response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/^Thank you — the community team will review it/) });
    expect(await h.fw.db('contribution_submissions').select('kind', 'event', 'day', 'status')).toEqual([{ kind: 'event_spoke', event: 'RustConf', day: '2026-11-20', status: 'pending' }]);
    expect(await totalOf(h.fw, ANA)).toBe(0);

    const [pending] = await h.fw.contributions.pending();
    const decided = await h.fw.contributions.decide(pending!.id, 'approve', boss);
    expect(decided.recorded).toMatchObject({ status: 'recorded', points: 30 });
    expect(await totalOf(h.fw, ANA)).toBe(30);
    const dmChannel = await h.discord.waitFor((c) => c.method === 'POST' && c.path.endsWith('/users/@me/channels') && c.body?.recipient_id === ANA);
    expect(dmChannel).toBeTruthy();
    const dm = await h.discord.waitFor((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path) && /was approved/.test(c.body?.content ?? ''));
    expect(dm.body.content).toBe('Your submission “RustConf · https://example.org/talks/ana · 2026-11-20” was approved: +30 points.');
  });

  it('refuses what cannot be checked, ephemerally, and submits nothing', async () => {
    const noLink = await h.discord.command('submit', ANA, { options: [text('what', 'review_written'), text('date', '2026-11-20')] });
    expect(noLink.response.body.data).toMatchObject({ flags: 64, content: expect.stringMatching(/^url: expected the link to it/) });
    const badDate = await h.discord.command('submit', ANA, { options: [text('what', 'content_published'), text('date', '20-11-2026'), text('link', 'https://example.org/p')] });
    expect(badDate.response.body.data).toMatchObject({ flags: 64, content: 'date: expected a day such as 2026-11-01' });
    expect(await h.fw.db('contribution_submissions')).toEqual([]);
  });

  it('tells the member, in a DM, why a submission was declined', async () => {
    await h.discord.command('submit', ANA, { options: [text('what', 'content_published'), text('date', '2026-11-20'), text('link', 'https://example.org/nope')] });
    const [pending] = await h.fw.contributions.pending();
    await h.fw.contributions.decide(pending!.id, 'decline', boss, 'this page does not mention us');
    const dm = await h.discord.waitFor((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path) && /not approved/.test(c.body?.content ?? ''));
    expect(dm.body.content).toBe('Your submission “https://example.org/nope · 2026-11-20” was not approved: this page does not mention us');
    expect(await totalOf(h.fw, ANA)).toBe(0);
  });
});

describe('/award', () => {
  it('refuses a self-award and a bot through the use case, and records a valid award once', async () => {
    const award = (who: string, points: number, reason = 'ran the workshop') =>
      h.discord.command('award', BOSS, { options: [{ name: 'member', type: 6, value: who }, { name: 'points', type: 4, value: points }, text('reason', reason)] });
    expect((await award(BOSS, 10)).response.body.data).toMatchObject({ flags: 64, content: 'managers cannot award themselves; ask another manager' });
    expect((await award(BOT, 10)).response.body.data).toMatchObject({ flags: 64, content: 'member: bots cannot receive points' });
    // The limit is the domain's one rule (AWARD_LIMIT), refused in the use case's words as on the site and the CLI.
    expect((await award(ANA, 1001)).response.body.data).toMatchObject({ flags: 64, content: 'points: expected a whole number between -1000 and 1000' });
    expect((await award(ANA, 0)).response.body.data).toMatchObject({ flags: 64, content: 'points: an award of 0 points changes nothing' });
    expect((await award(ANA, 40)).response.body.data.content).toMatch(/^Recorded \+40 .* for \*\*ana\*\*: “ran the workshop”\.$/);
    expect(await totalOf(h.fw, ANA)).toBe(40);
    expect(await h.fw.db('audit_log').where({ action: 'manual_award' }).pluck('actor')).toEqual([`discord:${BOSS}`]);
  });
});
