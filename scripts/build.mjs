#!/usr/bin/env node
// Compiles src/ and migrations/ into dist/ only when something changed since the last build:
// `npm start` runs it first (milliseconds when dist/ is up to date, instead of a full tsc run
// on every start), `npm install` runs it once (`prepare`). `--force` always compiles.
// Up to date means: dist/.build-stamp is newer than every .ts file under src/ and migrations/,
// than package.json and the tsconfig files. The compile itself is incremental (tsBuildInfoFile).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');

/** Newest modification time of the build's inputs, and how many there are (a deleted file changes the count). */
function inputs() {
  let newest = 0;
  let count = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) (newest = Math.max(newest, statSync(path).mtimeMs)), count++;
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'migrations'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  return { newest, count };
}

const { newest, count } = inputs();
const force = process.argv.includes('--force');
if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= newest && Number(readFileSync(stamp, 'utf8')) === count) process.exit(0);

const started = Date.now();
process.stderr.write('Compiling Flywheel into dist/ (only after a change)… ');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  // An install without dev dependencies has no compiler: `npm start` then needs a dist/ built elsewhere.
  process.stderr.write('skipped: TypeScript is not installed (npm install without --omit=dev)\n');
  process.exit(existsSync(join(root, 'dist', 'src', 'cli.js')) ? 0 : 1);
}
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status !== 0) {
  process.stderr.write('failed (the compiler said why above)\n');
  process.exit(result.status ?? 1);
}
// Stamped with the time the compile started: a file saved while it ran is compiled next time.
writeFileSync(stamp, String(count));
utimesSync(stamp, started / 1000, started / 1000);
process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
