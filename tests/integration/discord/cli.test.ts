/** The bot as operators run it: deploy-commands, and `serve` running site and bot in one process. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/discord/commands/index.js';
import { dialect, freshDatabaseUrl } from '../../support/db.js';
import { FakeDiscord, GUILD_ID } from '../../support/fake-discord.js';
import { freePort } from '../../../scripts/processes.js';

const run = promisify(execFile);
const databaseUrl = async () => (dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-bot-')), 'fw.sqlite')}` : freshDatabaseUrl());

let discord: FakeDiscord;
beforeEach(async () => {
  discord = await new FakeDiscord().start();
});
afterEach(() => discord.stop());

const env = async () => ({
  ...process.env,
  LOG_LEVEL: 'info',
  DATABASE_URL: await databaseUrl(),
  DISCORD_TOKEN: 'test-token',
  DISCORD_GUILD_ID: GUILD_ID,
  DISCORD_API_URL: discord.apiUrl,
});

describe('flywheel deploy-commands', () => {
  it('registers every command with the server, replacing what was there', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'deploy-commands'], { env: await env(), timeout: 60_000 });
    const put = discord.callsTo('PUT', /\/applications\/\d+\/guilds\/\d+\/commands$/);
    expect(put).toHaveLength(1);
    expect(put[0]!.auth).toBe('Bot test-token');
    expect(put[0]!.body.map((c: { name: string }) => c.name)).toEqual(COMMANDS.map((c) => c.data.name));
    expect(result.stdout).toContain(`registered ${COMMANDS.length} commands (guild)`);
  }, 60_000);

  it('names the missing key instead of failing at Discord', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'deploy-commands'], { env: { ...(await env()), DISCORD_GUILD_ID: 'general' }, timeout: 60_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('DISCORD_GUILD_ID (environment): expected a Discord id') });
    expect(discord.calls).toEqual([]);
  }, 60_000);
});

describe('flywheel serve with DISCORD_TOKEN', () => {
  it('runs the site and the bot in one process, and stops both on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env: { ...(await env()), PORT: String(port), HOST: '127.0.0.1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain('Discord bot connected');
      expect(discord.identified).not.toBeNull();
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  }, 60_000);
});
