/**
 * The README's quick start, as a newcomer runs it: `npm start` compiles the sources and serves
 * the site on an empty embedded database with no configuration.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/processes.js';

describe('npm start', () => {
  it('builds and serves the site on a fresh embedded database, and stops on SIGTERM', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'fw-start-'));
    const child = spawn('npm', ['start'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'flywheel.sqlite')}`, LOG_LEVEL: 'info' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      let health: Response | null = null;
      for (let i = 0; i < 900 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(health?.status, output).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/leaderboard`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Nobody has points in this period yet.');
      expect(output).toMatch(/one-time admin password/i);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    await exited;
    // The server went down with it: nothing answers on the port any more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'down')).toBe('down');
  }, 150_000);
});
