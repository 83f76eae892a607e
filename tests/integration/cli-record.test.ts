/** `flywheel record` and `flywheel award` as a community manager runs them from a shell, on both databases. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { act, discord } from '../support/builders.js';
import { dialect, freshDatabaseUrl, flywheelOver } from '../support/db.js';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const ANA = '800000000000000001';

async function community() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-record-'));
  const url = dialect() === 'sqlite' ? `sqlite:${join(dir, 'fw.sqlite')}` : await freshDatabaseUrl();
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }, '/nonexistent');
  const open = async () => {
    const fw = flywheelOver(config);
    await fw.maintenance.migrate();
    return fw;
  };
  const fw = await open();
  await fw.ingest([act('member_joined', discord(ANA, { username: 'ana', displayName: 'Ana' }), Date.now() - 86_400_000), act('member_joined', { platform: 'discourse', externalId: '5', username: 'cora' }, Date.now() - 86_400_000)]);
  await fw.close();
  return { dir, env: { DATABASE_URL: url }, open };
}

describe('flywheel record', () => {
  it('records one contribution by name, once; an attendee list all at once with the unmatched rows named; awards under /award’s rules', async () => {
    const { dir, env, open } = await community();
    const post = ['record', 'content_published', '--member', 'ana', '--url', 'https://example.org/post', '--date', '2026-11-01'];
    const first = await cli(post, env);
    expect([first.code, first.stdout]).toEqual([0, expect.stringContaining('recorded content_published for Ana (+25)')]);
    expect((await cli(post, env)).stdout).toContain('already recorded: nothing changed');

    const list = join(dir, 'attendees.csv');
    writeFileSync(list, `name,email,discord id,forum username\nAna,ana@example.org,${ANA},\nCora,,,cora\nDee,dee@example.org,,\n`);
    const dry = await cli(['record', 'event_attended', '--csv', list, '--event', 'Meetup', '--date', '2026-11-02', '--dry-run'], env);
    expect(dry.stdout).toContain('2 row(s) match a member; nothing recorded (dry run)');
    const imported = await cli(['record', 'event_attended', '--csv', list, '--event', 'Meetup', '--date', '2026-11-02'], env);
    expect(imported.stdout).toContain('recorded the 2 matched row(s) at once');
    expect(imported.stdout).toContain('"name":"Dee"');

    const tooMuch = await cli(['award', '--member', 'cora', '--points', '5000', '--reason', 'too generous'], env);
    expect(tooMuch.code).toBe(1);
    expect(tooMuch.stdout + tooMuch.stderr).toContain('points: expected a whole number between -1000 and 1000');
    const award = await cli(['award', '--forum-username', 'cora', '--points', '20', '--reason', 'organised the meetup', '--ref', 'meetup-nov'], env);
    expect(award.stdout).toContain('awarded 20 to cora');
    expect((await cli(['award', '--forum-username', 'cora', '--points', '20', '--reason', 'organised the meetup', '--ref', 'meetup-nov'], env)).stdout).toContain('already recorded');

    const fw = await open();
    try {
      const rows = await fw.db('activities').whereNot('kind', 'member_joined').orderBy('id').select('kind', 'platform');
      expect(rows).toEqual([
        { kind: 'content_published', platform: 'web' },
        { kind: 'event_attended', platform: 'web' },
        { kind: 'event_attended', platform: 'web' },
        { kind: 'manual_award', platform: 'web' },
      ]);
      expect(await fw.db('audit_log').orderBy('id').pluck('actor')).toEqual(Array(4).fill(expect.stringMatching(/^cli:/)));
    } finally {
      await fw.close();
    }
  }, 120_000);
});
