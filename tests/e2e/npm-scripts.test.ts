/**
 * The README's commands that compile the sources into dist/, as a newcomer runs them (in one file,
 * whose tests run one after another, so two compilations never write dist/ at once):
 * - the quick start: `npm start` serves the site on an empty embedded database, no configuration;
 *   started again with nothing changed it compiles nothing; its log is JSON when piped, text in a terminal;
 * - `npm run bench`, on a small community.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/processes.js';

/** `npm start` on a fresh embedded database in `dir`: resolves once /healthz answers, with the output so far and how to stop it. */
async function npmStart(dir: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const started = Date.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'flywheel.sqlite')}`, LOG_LEVEL: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  child.stdout!.on('data', (chunk) => (out.text += chunk));
  child.stderr!.on('data', (chunk) => (out.text += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let health: Response | null = null;
  for (let i = 0; i < 900 && !health; i++) {
    health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
    if (!health) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  return { port, health, seconds: (Date.now() - started) / 1000, out, stop };
}

describe('npm start', () => {
  it('builds and serves the site on a fresh embedded database, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-start-'));
    const { port, health, out, stop } = await npmStart(dir);
    try {
      expect(health?.status, out.text).toBe(200);
      const page = await fetch(`http://127.0.0.1:${port}/leaderboard`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Nobody has points in this period yet.');
      // The one-time password on its own plain line, not inside a JSON log line.
      expect(out.text).toMatch(/^ {4}One-time admin password: \S+$/m);
      expect(out.text).not.toMatch(/\{"level".*One-time admin password: /);
    } finally {
      await stop();
    }
    // The server went down with it: nothing answers on the port any more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'answered', () => 'down')).toBe('down');
  }, 150_000);

  it('starts again without compiling when no source changed, logging JSON (one line per request) when piped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-start-'));
    // The test above built dist/; nothing changed since, so nothing is compiled (dist/ is not rewritten).
    const built = statSync(join(process.cwd(), 'dist', 'src', 'cli.js')).mtimeMs;
    const { health, out, stop } = await npmStart(dir);
    try {
      expect(health?.status, out.text).toBe(200);
      expect(out.text).not.toContain('Compiling Flywheel');
      expect(statSync(join(process.cwd(), 'dist', 'src', 'cli.js')).mtimeMs).toBe(built);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = out.text.split('\n').filter((l) => l.startsWith('{'));
      const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.url === '/healthz');
      expect(requests.length).toBeGreaterThan(0);
      expect(requests[0]).toMatchObject({ level: 30, method: 'GET', status: 200, msg: expect.stringMatching(/^GET \/healthz 200 \d+ ms$/) });
    } finally {
      await stop();
    }
  }, 150_000);

  it('in a terminal format (LOG_FORMAT=pretty), reads as lines of text and keeps requests out of the info level', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-start-'));
    const { health, out, stop } = await npmStart(dir, { LOG_FORMAT: 'pretty' });
    try {
      expect(health?.status, out.text).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(out.text).toMatch(/INFO.*: database ready/);
      expect(out.text).not.toMatch(/^\{"level"/m);
      expect(out.text).not.toContain('/healthz 200');
    } finally {
      await stop();
    }
  }, 150_000);
});

describe('npm run bench', () => {
  it('measures a small community end to end and writes the figures the README reports', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fw-bench-out-'));
    // The bench's own embedded database, as a newcomer reruns it.
    const { DATABASE_URL: _, ...env } = process.env;
    const child = spawn('npm', ['run', 'bench', '--', '--activities', '5000', '--seconds', '1', '--out', out], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => {
      // Bounded: a bench that hangs fails here, and takes its servers down with it.
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 240_000);
      child.on('exit', (status) => (clearTimeout(timer), resolve(status)));
    });
    expect(code, stderr).toBe(0);

    // The printed table names every measurement beside its target.
    for (const what of ['ingest', 'recompute', 'merge', 'leaderboard top 50', 'pages', 'bot', 'memory (serve)']) expect(stdout).toContain(what);
    expect(stdout).toContain(join(out, 'latest.json'));

    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(r).toMatchObject({ activities: 5000, database: 'sqlite' });
    // Each figure against its reference from the same run: the pipeline below the schema's floor,
    // the floor below bare inserts.
    expect(r.ingest.perSec).toBeGreaterThan(0);
    expect(r.ingest.floorPerSec).toBeGreaterThan(r.ingest.perSec);
    expect(r.ingest.ceilingPerSec).toBeGreaterThan(r.ingest.floorPerSec);
    expect(r.ingest.ratio).toBeCloseTo(r.ingest.perSec / r.ingest.ceilingPerSec, 2);
    expect(r.recompute.seconds).toBeGreaterThan(0);
    expect(r.merge.seconds).toBeGreaterThan(0);
    // Every period but the day, by every filter, 1,000 reads each.
    expect(r.leaderboard.reads).toBe(5 * 4 * 1000);
    expect(r.leaderboard.p50Ms).toBeLessThanOrEqual(r.leaderboard.p99Ms);
    expect(r.leaderboard.naiveMs).toBeGreaterThan(0);
    expect(r.pages.perSec).toBeGreaterThan(0);
    expect(r.pages.ratio).toBeCloseTo(r.pages.perSec / r.pages.barePerSec, 1);
    // Every interaction of the burst was answered by the bot.
    expect(r.bot.interactions).toBe(200);
    expect(r.bot.p50Ms).toBeLessThanOrEqual(r.bot.maxMs);
    expect(r.memory.idleMb).toBeGreaterThan(0);
    expect(r.memory.afterMb).toBeGreaterThan(0);
  }, 300_000);
});
