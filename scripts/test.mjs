#!/usr/bin/env node
// `npm test`: make sure what the suite needs is installed — PostgreSQL's server for the dialect
// tests and Chromium for the browser tests (Debian's packages, when running as root and they are
// missing) — then run every test on SQLite and on PostgreSQL, and the pages in a real browser.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hasPostgres = () =>
  existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));

const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
let updated = false;
function aptInstall(packages, why) {
  console.error(`${why}: installing Debian's ${packages.join(', ')}…`);
  if (!updated) execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  updated = true;
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

// Without Chromium the browser tests fail, saying how to install it: they never pass silently.
if (!existsSync('/usr/bin/chromium') && canInstall) aptInstall(['chromium', 'fonts-dejavu-core'], 'Chromium not found (browser tests)');

const usesOwnServer = (process.env.DATABASE_URL ?? '').startsWith('postgres');
if (!usesOwnServer && !hasPostgres()) {
  if (canInstall) aptInstall(['postgresql'], 'PostgreSQL server not found (dialect tests)');
  else {
    console.error(
      'The test suite runs on SQLite and on PostgreSQL, and no PostgreSQL server is installed.\n' +
        'Install one (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL=postgres://… to a server.',
    );
    process.exit(1);
  }
}

// Everything the suite puts in the temp directory (databases, a PostgreSQL cluster, servers'
// files) goes under one directory, removed afterwards whether tests passed or not: a run leaves
// nothing behind on the machine. Readable by others: the cluster runs as `postgres` under root.
const scratch = mkdtempSync(join(tmpdir(), 'flywheel-test-'));
chmodSync(scratch, 0o755);
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);
