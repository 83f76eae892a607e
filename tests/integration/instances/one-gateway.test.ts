/**
 * Three `flywheel serve` processes with DISCORD_TOKEN over one PostgreSQL database, against the
 * fake Discord (which, like Discord, sends every interaction to every session the bot has open):
 * exactly one opens a gateway session, the others say in their log that another instance holds it
 * and serve the web only; a member's slash command is answered once. When the holder stops,
 * another instance opens the gateway, and commands are still answered once. What an instance
 * without the gateway records (a contribution through the API) is announced by the holder, once.
 * Postgres project only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../support/db.js';
import { ANNOUNCE_ID, FakeDiscord, GUILD_ID } from '../../support/fake-discord.js';
import { loadConfig } from '../../../src/config.js';
import { flywheelOver } from '../../support/db.js';
import { act, discord as onDiscord } from '../../support/builders.js';
import { startServeCluster, type Instance, type ServeCluster } from '../../support/serve-cluster.js';
import { exited } from '../../../scripts/processes.js';

const MEMBER = '100000000000000501';
const CONNECTED = 'Discord bot connected';
const STANDBY = 'another instance holds the Discord gateway; serving the web only';

let discord: FakeDiscord;
let cluster: ServeCluster;
let databaseUrl: string;

beforeAll(async () => {
  discord = await new FakeDiscord().start();
  discord.addUser(MEMBER, 'ana');
  databaseUrl = await freshDatabaseUrl();
  cluster = await startServeCluster(
    3,
    { DATABASE_URL: databaseUrl, DISCORD_ANNOUNCE_CHANNEL_ID: ANNOUNCE_ID, DISCORD_TOKEN: 'test-token', DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: discord.apiUrl, PUBLIC_URL: 'https://community.example.org' },
    [],
  );
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  await discord?.stop();
});

const saying = (text: string) => cluster.instances.filter((i) => i.child.exitCode === null && i.log.some((line) => line.includes(text)));

/** A member runs /leaderboard; resolves with how many times the bot answered it (after a pause for a second answer to arrive). */
async function answersTo(): Promise<number> {
  const { id } = await discord.command('leaderboard', MEMBER);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return discord.callsTo('POST', new RegExp(`/interactions/${id}/[^/]+/callback$`)).length;
}

describe('three serve processes with DISCORD_TOKEN over one PostgreSQL', () => {
  it('announce in Discord, once, a badge earned through an instance that does not hold the gateway', async () => {
    await expect.poll(() => saying(CONNECTED).length, { timeout: 30_000, interval: 100 }).toBe(1);
    const [holder] = saying(CONNECTED) as [Instance];
    const other = cluster.instances.find((i) => i !== holder)!;
    // Ana is a member (she joined the server); a manager's automation holds an API token.
    const fw = flywheelOver(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, '/nonexistent'));
    let token: string;
    try {
      await fw.ingest([act('member_joined', onDiscord(MEMBER, { username: 'ana' }), Date.now() - 60_000)]);
      ({ token } = await fw.contributions.createToken('events', { memberId: null, label: 'test' }));
    } finally {
      await fw.close();
    }

    // Her talk is recorded through the instance without the gateway: she earns the Speaker badge.
    const response = await fetch(`${other.url}/api/v1/contributions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ kind: 'event_spoke', member: { discordId: MEMBER }, date: new Date().toISOString().slice(0, 10), event: 'Spring meetup' }),
    });
    expect(response.status).toBe(201);
    const speaker = () => discord.callsTo('POST', new RegExp(`/channels/${ANNOUNCE_ID}/messages$`)).filter((c) => /earned the \*\*Speaker\*\* badge/.test(JSON.stringify(c.body?.embeds ?? [])));
    await expect.poll(() => speaker().length, { timeout: 5_000, interval: 50 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(speaker()).toHaveLength(1);
  }, 60_000);

  it('open one gateway between them, answer a command once, and hand the gateway over when its holder stops', async () => {
    await expect.poll(() => saying(CONNECTED).length, { timeout: 30_000, interval: 100 }).toBe(1);
    const [holder] = saying(CONNECTED) as [Instance];
    const others = cluster.instances.filter((i) => i !== holder);
    // Give a second session every chance to open before counting.
    await expect.poll(() => saying(STANDBY).length, { timeout: 10_000, interval: 100 }).toBe(2);
    expect(discord.sessionsOpened).toBe(1);
    expect(others.every((i) => !i.log.some((line) => line.includes(CONNECTED)))).toBe(true);
    for (const i of cluster.instances) expect((await fetch(`${i.url}/healthz`)).status).toBe(200);
    expect(await answersTo()).toBe(1);

    // The holder stops: it hands the gateway back; one of the others opens it at its next try.
    holder.child.kill('SIGTERM');
    expect(await exited(holder.child)).toBe(0);
    await expect.poll(() => saying(CONNECTED).length, { timeout: 30_000, interval: 200 }).toBe(1);
    const [next] = saying(CONNECTED) as [Instance];
    expect(others).toContain(next);
    expect(next.log.some((line) => line.includes('this instance now holds the Discord gateway'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(discord.sessionsOpened).toBe(2);
    expect(await answersTo()).toBe(1);
    for (const i of others) expect((await fetch(`${i.url}/healthz`)).status).toBe(200);
  }, 90_000);
});
