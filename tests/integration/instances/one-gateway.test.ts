/**
 * Three `flywheel serve` processes with DISCORD_TOKEN over one PostgreSQL database, against the
 * fake Discord (which, like Discord, sends every interaction to every session the bot has open):
 * exactly one opens a gateway session, the others say in their log that another instance holds it
 * and serve the web only; a member's slash command is answered once. When the holder stops,
 * another instance opens the gateway, and commands are still answered once. Postgres project only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../support/db.js';
import { FakeDiscord, GUILD_ID } from '../../support/fake-discord.js';
import { startServeCluster, type Instance, type ServeCluster } from '../../support/serve-cluster.js';
import { exited } from '../../../scripts/processes.js';

const MEMBER = '100000000000000501';
const CONNECTED = 'Discord bot connected';
const STANDBY = 'another instance holds the Discord gateway; serving the web only';

let discord: FakeDiscord;
let cluster: ServeCluster;

beforeAll(async () => {
  discord = await new FakeDiscord().start();
  discord.addUser(MEMBER, 'ana');
  cluster = await startServeCluster(
    3,
    { DATABASE_URL: await freshDatabaseUrl(), DISCORD_TOKEN: 'test-token', DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: discord.apiUrl, PUBLIC_URL: 'https://community.example.org' },
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
