/** The flywheel command as a newcomer runs it: demo, recompute, and what a bad setting says. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { demoCommunity } from '../../src/app/demo-community.js';
import { loadConfig } from '../../src/config.js';
import { act, discord } from '../support/builders.js';
import { dialect, freshDatabaseUrl, flywheelOver } from '../support/db.js';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const databaseUrl = async () => (dialect() === 'sqlite' ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'fw-cli-')), 'fw.sqlite')}` : freshDatabaseUrl());

describe('flywheel demo', () => {
  it('builds the same community from the same seed, with staff, bots, answers and reversals', () => {
    const end = Date.parse('2026-11-22T00:00:00Z');
    const a = demoCommunity({ members: 80, months: 3, seed: 7, end });
    expect(demoCommunity({ members: 80, months: 3, seed: 7, end })).toEqual(a);
    const kinds = new Set(a.map((x) => x.kind));
    for (const kind of ['member_joined', 'question_asked', 'answer_posted', 'answer_accepted', 'thanks_received', 'message_posted'])
      expect(kinds).toContain(kind);
    expect(a.some((x) => x.actor.isBot)).toBe(true);
    expect(a.some((x) => x.actor.isStaff)).toBe(true);
  });

  it('records a community once; a second run and a recompute change no totals', async () => {
    const env = { DATABASE_URL: await databaseUrl() };
    const first = await cli(['demo', '--members', '40', '--months', '2'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/"recorded":[1-9]\d*/);
    const second = await cli(['demo', '--members', '40', '--months', '2'], env);
    expect(second.stdout).toContain('"recorded":0');
    const recompute = await cli(['recompute'], env);
    expect(recompute.code).toBe(0);
    expect(recompute.stdout).toContain('recompute finished');
  }, 120_000);
});

describe('bad configuration', () => {
  it('stops on a bad badge, naming the badge and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-badges-'));
    writeFileSync(join(dir, 'flywheel.yaml'), 'badges:\n  - { id: fast-hands, name: Fast, description: x, tier: gold, icon: bolt, earn: { count: { kind: answers, atLeast: 3 } } }\n');
    const result = await cli(['migrate'], { FLYWHEEL_CONFIG: join(dir, 'flywheel.yaml'), DATABASE_URL: 'sqlite::memory:' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('badges[fast-hands].earn.count.kind');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with a message naming the key, and no stack trace', async () => {
    const result = await cli(['migrate'], { PORT: 'eighty', DATABASE_URL: 'sqlite::memory:' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT (environment)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a command that fails', () => {
  /** A community of a few hundred awards whose database refuses new awards (as a full disk or a broken schema would). */
  async function frozenCommunity(): Promise<Record<string, string>> {
    const url = await databaseUrl();
    const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, '/nonexistent');
    const fw = flywheelOver(config, () => Date.parse('2026-11-22T12:00:00Z'));
    await fw.maintenance.migrate();
    const asker = discord('1');
    await fw.ingest(Array.from({ length: 300 }, (_, i) => act('answer_posted', discord(String(100 + i)), Date.parse('2026-11-20T10:00:00Z') + i * 1000, { counterpart: asker })));
    if (dialect() === 'sqlite') await fw.db.raw("CREATE TRIGGER frozen BEFORE INSERT ON awards BEGIN SELECT RAISE(ABORT, 'awards are frozen'); END");
    else {
      await fw.db.raw("CREATE FUNCTION frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'awards are frozen'; END $$");
      await fw.db.raw('CREATE TRIGGER frozen BEFORE INSERT ON awards FOR EACH ROW EXECUTE FUNCTION frozen()');
    }
    await fw.close();
    return { DATABASE_URL: url };
  }

  it('says in one line which command failed and the database’s reason — not the statement, not a stack — and exits 1', async () => {
    const result = await cli(['recompute'], await frozenCommunity());
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^flywheel recompute failed: .*awards are frozen$/);
    expect(lines[0]!.length).toBeLessThan(300);
    expect(result.stderr + result.stdout).not.toMatch(/insert into|\n\s+at /i);
  }, 120_000);

  it('names the command and the refusal for a refused request too', async () => {
    const result = await cli(['members', 'merge', '1', '999999'], { DATABASE_URL: await databaseUrl() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('flywheel members merge failed: both members must exist and not be merged already');
  }, 60_000);
});
