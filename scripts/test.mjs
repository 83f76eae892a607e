#!/usr/bin/env node
// `npm test`: make sure the PostgreSQL server the suite needs is installed (Debian's package,
// when running as root and it is missing), then run every test on SQLite and on PostgreSQL.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const hasPostgres = () =>
  existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));

const usesOwnServer = (process.env.DATABASE_URL ?? '').startsWith('postgres');
if (!usesOwnServer && !hasPostgres()) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error('PostgreSQL server not found: installing Debian\'s postgresql package for the dialect tests…');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.error(
      'The test suite runs on SQLite and on PostgreSQL, and no PostgreSQL server is installed.\n' +
        'Install one (Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL=postgres://… to a server.',
    );
    process.exit(1);
  }
}

const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
