/**
 * Several `flywheel serve` processes over one database, on 127.0.0.1: what a community that
 * outgrew one machine runs behind a load balancer. Each keeps its last log lines (for the
 * assertion that fails, and for checks like "one gateway"); all are killed on stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signatureOf } from '../../src/discourse/signature.js';
import { exited, freePort, waitUntilUp } from '../../scripts/processes.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const KEEP_LINES = 400;

export interface Instance {
  url: string;
  child: ChildProcess;
  /** The process's last log lines (stdout and stderr). */
  log: string[];
}

export interface ServeCluster {
  instances: Instance[];
  stop(): Promise<void>;
}

/** Start `count` serve processes with `env` (DATABASE_URL at least) and `args` (e.g. --no-bot); resolves when all answer /healthz. */
export async function startServeCluster(count: number, env: Record<string, string>, args: string[] = ['--no-bot'], upWithinSeconds = 90): Promise<ServeCluster> {
  const instances: Instance[] = [];
  const stop = async () => {
    for (const i of instances) if (i.child.exitCode === null) i.child.kill('SIGTERM');
    await Promise.all(
      instances.map(async (i) => {
        const timer = setTimeout(() => i.child.kill('SIGKILL'), 5_000);
        await exited(i.child);
        clearTimeout(timer);
      }),
    );
  };
  try {
    for (let n = 0; n < count; n++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', ...args], {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const log: string[] = [];
      const keep = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log.push(line);
        if (log.length > KEEP_LINES) log.splice(0, log.length - KEEP_LINES);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      instances.push({ url: `http://127.0.0.1:${port}`, child, log });
    }
    await Promise.all(instances.map((i) => waitUntilUp(`${i.url}/healthz`, i.child, upWithinSeconds)));
  } catch (error) {
    await stop();
    const logs = instances.map((i, n) => `instance ${n}:\n${i.log.slice(-20).join('\n')}`).join('\n');
    throw new Error(`${(error as Error).message}\n${logs}`);
  }
  return { instances, stop };
}

let deliveryIds = 0;

/** POST one signed Discourse webhook delivery (a fresh X-Discourse-Event-Id unless given). */
export async function deliver(url: string, secret: string, group: string, event: string, body: unknown, id = ++deliveryIds): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(body);
  const response = await fetch(`${url}/webhooks/discourse`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-discourse-event-type': group,
      'x-discourse-event': event,
      'x-discourse-event-id': String(id),
      'x-discourse-event-signature': signatureOf(raw, secret),
    },
    body: raw,
  });
  return { status: response.status, body: await response.json() };
}
