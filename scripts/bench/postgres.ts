/**
 * `npm run bench:postgres -- [bench options]`: the same bench on PostgreSQL — on DATABASE_URL when
 * it points at a (empty) database, otherwise on a private throw-away cluster, as the tests use —
 * then the figure only PostgreSQL has: ingest throughput with three `serve` instances against one
 * (scripts/bench/instances.ts). `--instances-only` measures that figure alone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../../tests/support/postgres-cluster.js';
import { instancesFigure } from './instances.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const given = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : null;
const instancesOnly = process.argv.includes('--instances-only');
const cluster: Cluster | null = given ? null : await startCluster();
const url = given ?? cluster!.url;
try {
  if (!instancesOnly)
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench/index.ts', ...process.argv.slice(2)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'inherit',
    });
  process.stderr.write('bench: ingest through 1 and 3 serve instances (signed webhooks, a fifth sent to two instances at once)\n');
  const figure = await instancesFigure(url);
  console.table([
    { instances: 1, deliveries: figure.deliveries, seconds: figure.one.seconds, 'deliveries/s': figure.one.perSec },
    { instances: 3, deliveries: figure.deliveries, seconds: figure.three.seconds, 'deliveries/s': figure.three.perSec },
  ]);
  console.log(`ingest throughput, three instances / one: ${figure.ratio} (target at least 1.0)`);
  console.log(`store floor (inbox inserts alone, same concurrency, three pools): ${figure.storeFloor} deliveries/s`);
  for (const [name, run] of [['1 instance', figure.one], ['3 instances', figure.three]] as const)
    console.log(`${name}, best run: batches ${run.batches?.count} (mean ${run.batches?.mean} deliveries), machine CPU ${run.cpuBusy}% busy; answers ${JSON.stringify(run.answers)}`);
} finally {
  await cluster?.stop();
}
