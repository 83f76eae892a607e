/**
 * Load test: `flywheel serve` in its own process on 127.0.0.1, fed signed Discourse webhooks (new
 * topics, and one in ten a retry with a new delivery id) by autocannon while a second autocannon
 * reads the leaderboards. Bounded in count and in time. Afterwards the database is opened again and
 * every member's total is checked against what the server acknowledged: nothing lost, nothing
 * counted twice.
 *
 *   npm run load -- --deliveries 20000 --connections 10
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Command } from 'commander';
import { openWithDatabase } from '../src/main.js';
import { loadConfig } from '../src/config.js';
import { signatureOf } from '../src/discourse/signature.js';
import { exited, freePort, waitUntilUp } from './processes.js';
import { createLogger } from '../src/logger.js';

export interface LoadOptions {
  /** Webhook deliveries to send (replays included). */
  deliveries: number;
  /** Forum members the new topics are spread over. */
  members: number;
  connections: number;
  /** The whole run is stopped (and fails) after this long. */
  maxSeconds: number;
}

export interface Figures {
  requests: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export interface LoadReport {
  finished: boolean;
  webhooks: Figures;
  reads: Figures;
  /** Topics the server acknowledged as recorded, and retries it acknowledged as duplicates. */
  recorded: number;
  duplicates: number;
  /** The ledger holds exactly the acknowledged topics. */
  ledgerMatches: boolean;
  /** Points the load members hold afterwards, and what the acknowledged topics are worth. */
  points: { expected: number; actual: number; membersWrong: number };
}

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const SECRET = 'load-test-webhook-secret';
const FIRST_USER = 9_000_000;
const FIRST_TOPIC = 7_000_000;
const START = Date.parse('2025-01-01T00:00:00Z');
const DAY = 86_400_000;

function flywheel(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The n-th new topic: member n mod M, one topic per member per day (well under the daily cap). */
function topic(n: number, members: number) {
  const userId = FIRST_USER + (n % members);
  const at = new Date(START + Math.floor(n / members) * DAY + (n % members) * 1000).toISOString();
  const id = FIRST_TOPIC + n;
  return {
    topic: {
      id,
      title: `Load topic ${n}`,
      slug: `load-topic-${n}`,
      created_at: at,
      archetype: 'regular',
      category_id: 1,
      user_id: userId,
      details: { created_by: { id: userId, username: `load${n % members}`, name: `Load ${n % members}` } },
    },
  };
}

/** An autocannon run that can be stopped early, and its result. */
function cannon(options: autocannon.Options): { instance: autocannon.Instance; done: Promise<autocannon.Result> } {
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
  return { instance, done };
}

const figures = (r: autocannon.Result): Figures => ({
  requests: r.requests.total,
  perSec: Math.round(r.requests.average),
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  errors: r.errors + r.timeouts,
  non2xx: r.non2xx,
});

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const deadline = Date.now() + options.maxSeconds * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'fw-load-'));
  const env = {
    DATABASE_URL: `sqlite:${join(dir, 'load.sqlite')}`,
    DISCOURSE_WEBHOOK_SECRET: SECRET,
    RATE_LIMIT_ALLOW: '127.0.0.1',
    ADMIN_PASSWORD: 'load-test-admin-password',
    LOG_LEVEL: 'warn',
  };
  // A community to read while the webhooks write.
  if ((await exited(flywheel(['demo', '--members', '300', '--months', '3', '--seed', '3'], env))) !== 0) throw new Error('seeding the demo community failed');

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = flywheel(['serve', '--no-bot'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  try {
    await waitUntilUp(`${url}/healthz`, server, Math.max(1, (deadline - Date.now()) / 1000));

    // Every tenth delivery retries an earlier topic with a new delivery id: it must change nothing.
    let sent = 0;
    let fresh = 0;
    const ackedRecorded = new Set<string>();
    let duplicates = 0;
    const writer = cannon({
      url,
      connections: options.connections,
      amount: options.deliveries,
      requests: [
        {
          method: 'POST',
          path: '/webhooks/discourse',
          setupRequest: (request) => {
            const n = sent % 10 === 9 && fresh > 5 ? Math.floor(fresh / 2) : fresh++;
            sent++;
            const body = JSON.stringify(topic(n, options.members));
            return {
              ...request,
              body,
              headers: {
                'content-type': 'application/json',
                'x-discourse-event-type': 'topic',
                'x-discourse-event': 'topic_created',
                'x-discourse-event-id': String(sent),
                'x-discourse-event-signature': signatureOf(body, SECRET),
              },
            };
          },
          onResponse: (status, body) => {
            if (status !== 200) return;
            for (const outcome of (JSON.parse(body) as { recorded: Array<{ key: string; status: string }> }).recorded) {
              if (outcome.status === 'duplicate') duplicates++;
              else ackedRecorded.add(outcome.key);
            }
          },
        },
      ],
    });
    const reader = cannon({
      url,
      connections: options.connections,
      duration: options.maxSeconds,
      requests: [{ method: 'GET', path: '/leaderboard' }, { method: 'GET', path: '/api/v1/leaderboard?period=week' }, { method: 'GET', path: '/api/v1/leaderboard?space=support' }],
    });
    const guard = setTimeout(() => {
      writer.instance.stop();
      reader.instance.stop();
    }, Math.max(0, deadline - Date.now()));
    const written = await writer.done;
    reader.instance.stop();
    const read = await reader.done;
    clearTimeout(guard);
    const finished = written.requests.total >= options.deliveries;

    // Stop the server gracefully, then read what it kept.
    server.kill('SIGTERM');
    await exited(server);
    const config = loadConfig({ ...env, DATABASE_URL: env.DATABASE_URL }, dir);
    const { fw, db } = await openWithDatabase(config, createLogger('silent'));
    try {
      const perMember = new Map<number, number>();
      for (const key of ackedRecorded) {
        const n = Number(key.split(':').pop()) - FIRST_TOPIC;
        perMember.set(n % options.members, (perMember.get(n % options.members) ?? 0) + 1);
      }
      const points = config.rules.kinds.question_asked.points;
      let actual = 0;
      let membersWrong = 0;
      for (let m = 0; m < options.members; m++) {
        const standing = await fw.members.standing('discourse', String(FIRST_USER + m));
        const held = standing?.all.points ?? 0;
        actual += held;
        if (held !== (perMember.get(m) ?? 0) * points) membersWrong++;
      }
      // The ledger holds each acknowledged topic once, and nothing the server did not acknowledge.
      const keys = await db('activities').where('natural_key', 'like', 'discourse:topic:%').pluck('natural_key');
      const ledger = keys.filter((key: string) => Number(key.split(':').pop()) >= FIRST_TOPIC);
      const ledgerMatches = ledger.length === ackedRecorded.size && ledger.every((key: string) => ackedRecorded.has(key));
      return {
        finished,
        webhooks: figures(written),
        reads: figures(read),
        recorded: ackedRecorded.size,
        duplicates,
        ledgerMatches,
        points: { expected: ackedRecorded.size * points, actual, membersWrong },
      };
    } finally {
      await fw.close();
    }
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printReport(report: LoadReport): void {
  const row = (name: string, f: Figures) => ({ traffic: name, requests: f.requests, 'req/s': f.perSec, 'p50 ms': f.p50Ms, 'p99 ms': f.p99Ms, errors: f.errors, 'non-2xx': f.non2xx });
  console.table([row('signed webhooks', report.webhooks), row('leaderboard reads', report.reads)]);
  console.log(
    `recorded ${report.recorded} topics, ${report.duplicates} retries answered as duplicates; points held ${report.points.actual} of ${report.points.expected} expected; members with a wrong total: ${report.points.membersWrong}; ledger ${report.ledgerMatches ? 'matches' : 'DOES NOT MATCH'} the acknowledgements${report.finished ? '' : '; STOPPED AT THE TIME LIMIT'}`,
  );
}

const entry = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (entry) {
  const program = new Command('load')
    .option('--deliveries <n>', 'webhook deliveries to send', (v) => Number.parseInt(v, 10), 20_000)
    .option('--members <n>', 'forum members sending them', (v) => Number.parseInt(v, 10), 200)
    .option('--connections <n>', 'concurrent connections per traffic kind', (v) => Number.parseInt(v, 10), 10)
    .option('--max-seconds <n>', 'stop (and fail) after this long', (v) => Number.parseInt(v, 10), 120)
    .parse();
  const report = await runLoad(program.opts<LoadOptions>());
  printReport(report);
  process.exit(loadHeld(report) ? 0 : 1);
}

/** Zero errors, every request answered in time, and exact totals. */
export function loadHeld(report: LoadReport): boolean {
  const failures = report.webhooks.errors + report.webhooks.non2xx + report.reads.errors + report.reads.non2xx;
  return report.finished && failures === 0 && report.ledgerMatches && report.points.membersWrong === 0 && report.points.actual === report.points.expected;
}
