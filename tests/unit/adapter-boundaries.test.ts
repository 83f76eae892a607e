/**
 * Adapters (web, Discord, Discourse, the CLI's commands) only translate: they reach the data through
 * Flywheel's use cases and read only their slice of the configuration. Checked on the source, so a
 * shortcut added later (a repository imported into a route, the whole Config handed to a handler)
 * fails here with the file that took it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';

const SRC = join(PROJECT_ROOT, 'src');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

const ADAPTERS = ['web', 'discord', 'discourse'].flatMap((d) => filesUnder(join(SRC, d)));
// The composition roots read the whole configuration and hand each adapter its slice; only main.ts opens the database.
const CLI = [join(SRC, 'cli.ts'), join(SRC, 'cli-record.ts')];
const ROOTS = [...CLI, join(SRC, 'main.ts')];

const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
const name = (file: string) => relative(PROJECT_ROOT, file);

describe('adapter boundaries', () => {
  it('finds the adapters it checks', () => {
    expect(ADAPTERS.length).toBeGreaterThan(40);
  });

  it('no adapter imports from src/db (not even a type): data comes through use cases', () => {
    const offenders = [...ADAPTERS, ...CLI].flatMap((file) => importsOf(file).filter((from) => /(^|\/)db\//.test(from)).map((from) => `${name(file)} imports ${from}`));
    expect(offenders).toEqual([]);
  });

  it('no adapter takes the whole Config: each names its slice (WebConfig, BotConfig, ForumConfig, a sub-object)', () => {
    const offenders = ADAPTERS.filter((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'[./]*config\.js'/gm)].some((m) => m[1]!.split(',').some((n) => n.replace(/^\s*type\s+/, '').trim() === 'Config')),
    ).map(name);
    expect(offenders).toEqual([]);
  });

  it('no adapter reaches for a database handle or the configuration through Flywheel', () => {
    const offenders = [...ADAPTERS, ...ROOTS].filter((file) => /\bfw\.(db|config)\b/.test(readFileSync(file, 'utf8'))).map(name);
    expect(offenders).toEqual([]);
  });
});
