/**
 * A private PostgreSQL cluster for the test run: Debian's server binaries, a fresh data
 * directory under the OS temp dir, a free port on 127.0.0.1. Started by vitest's global setup for
 * the `postgres` project unless DATABASE_URL already points at a server.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/processes.js';

export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

export interface Cluster {
  url: string;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql. Install them with ' +
        '`apt-get install -y postgresql` (npm test does this when run as root), or set DATABASE_URL to a server.',
    );
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-pg-'));
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: hand the directory to the `postgres` user Debian creates.
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres:postgres', dir]);
  }
  const run = (cmd: string, args: string[]) =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
  const data = join(dir, 'data');
  const [initCmd, initArgs] = run('initdb', ['-D', data, '-U', 'flywheel', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  execFileSync(initCmd, initArgs as string[], { stdio: 'pipe' });
  const port = await freePort();
  const [pgCmd, pgArgs] = run('postgres', [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
  ]);
  const child: ChildProcess = spawn(pgCmd, pgArgs as string[], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `postgres://flywheel@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`PostgreSQL did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      // Ask the postmaster itself (a signal to runuser does not always reach it), then make sure.
      const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      const [stopCmd, stopArgs] = run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '20']);
      try {
        execFileSync(stopCmd, stopArgs as string[], { stdio: 'pipe', timeout: 30_000 });
      } catch {
        child.kill('SIGKILL');
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
