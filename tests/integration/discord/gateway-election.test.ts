/**
 * Two `flywheel serve` processes with DISCORD_TOKEN over one database: one opens the Discord
 * gateway, the other says so and serves the web only; when the holder stops, the other takes over.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialect, freshDatabaseUrl } from '../../support/db.js';
import { FakeDiscord, GUILD_ID } from '../../support/fake-discord.js';
import { freePort } from '../../../scripts/processes.js';

let discord: FakeDiscord;
const children: ChildProcessWithoutNullStreams[] = [];
beforeEach(async () => {
  discord = await new FakeDiscord().start();
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await discord.stop();
});

interface Serve {
  child: ChildProcessWithoutNullStreams;
  port: number;
  out: () => string;
}

async function serve(env: Record<string, string>): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' } });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await expect.poll(() => out, { timeout: 40_000, interval: 100 }).toContain('Flywheel site on');
  return { child, port, out: () => out };
}

describe('two serve processes with DISCORD_TOKEN', () => {
  it('open one gateway session between them; the other serves the web only, and takes over when the holder stops', async () => {
    const env = {
      LOG_LEVEL: 'info',
      DATABASE_URL: dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-gw-')), 'fw.sqlite')}` : await freshDatabaseUrl(),
      DISCORD_TOKEN: 'test-token',
      DISCORD_GUILD_ID: GUILD_ID,
      DISCORD_API_URL: discord.apiUrl,
      PUBLIC_URL: 'https://community.example.org',
    };
    const first = await serve(env);
    await expect.poll(() => first.out(), { timeout: 30_000, interval: 100 }).toContain('Discord bot connected');
    const second = await serve(env);
    expect(second.out()).toContain('another instance holds the Discord gateway; serving the web only');
    expect(second.out()).not.toContain('Discord bot connected');
    expect(discord.sessionsOpened).toBe(1);
    for (const s of [first, second]) expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).toBe(200);

    // The holder stops: it hands the gateway back, and the other instance opens it at its next try.
    first.child.kill('SIGTERM');
    expect(await new Promise((resolve) => first.child.once('exit', resolve))).toBe(0);
    await expect.poll(() => second.out(), { timeout: 20_000, interval: 200 }).toContain('Discord bot connected');
    expect(second.out()).toContain('this instance now holds the Discord gateway');
    expect(discord.sessionsOpened).toBe(2);
    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', resolve))).toBe(0);
  }, 120_000);
});
