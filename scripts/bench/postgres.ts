/**
 * `npm run bench:postgres -- [bench options]`: the same bench on PostgreSQL — on DATABASE_URL when
 * it points at a (empty) database, otherwise on a private throw-away cluster, as the tests use.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../../tests/support/postgres-cluster.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const given = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : null;
const cluster: Cluster | null = given ? null : await startCluster();
try {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench/index.ts', ...process.argv.slice(2)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: given ?? cluster!.url },
    stdio: 'inherit',
  });
} finally {
  await cluster?.stop();
}
