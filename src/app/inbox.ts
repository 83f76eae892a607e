/**
 * The inbox: how webhooks reach the one pipeline when several instances serve one database.
 *
 * Every instance validates a delivery and stores it durably (one small insert, no write lock),
 * keyed by the delivery's natural key so a copy sent to two instances at once is stored once.
 * One elected ingester (see peers.ts; on SQLite, the one process) drains the inbox in large
 * batches through `ingest`, marking each delivery processed with its outcomes in the same
 * transaction: nothing is lost if any process dies, and nothing is ingested twice. The ingester
 * answers what it stored with the outcomes (bounded wait: they are its own, resolved in memory).
 * Any other instance answers "stored" as soon as its insert commits: waiting for another
 * process's commit signal and reading the outcomes back made every answer a round trip longer,
 * and with answers held, fewer deliveries reached the ingester per batch (three instances were
 * slower than one). Throughput follows the ingester's batch size, not the number of instances.
 */
import { createHash } from 'node:crypto';
import type { ActivityInput, Outcome } from '../domain/activity.js';
import { DomainError, type ErrorCode } from '../domain/errors.js';
import type { Kind, KindRule } from '../domain/kinds.js';
import { validateActivity, withCleanNames } from '../domain/validate-activity.js';
import { markProcessed, pendingDeliveries, processedOutcomes, processedThrough, purgeProcessed, storeDelivery, inboxState, type StoredDelivery } from '../db/inbox-repo.js';
import type { Db } from '../db/knex.js';
import type { Logger } from '../logger.js';
import type { Ingest, IngestResult } from './ingest.js';
import type { Peers } from './peers.js';

/** The ingester's role in the election ("flyi"). */
const INGESTER = 0x666c7969;
/** Activities per drained batch: large batches are what keep throughput flat with more instances. */
const MAX_BATCH = 2_000;
/** How long a webhook waits for its delivery's outcomes before answering "stored". */
export const ANSWER_WAIT_MS = 10_000;
/** The safety net under signals: pending work and waiting outcomes are looked at this often. */
const POLL_MS = 500;
/** Processed deliveries keep their outcomes this long (for waiters), then are purged. */
const KEEP_PROCESSED_MS = 10 * 60_000;
const PURGE_EVERY_MS = 60_000;
/**
 * Tries for a delivery whose ingest failed for a reason other than the pipeline's refusal (a
 * deadlock, a dropped connection): its copies are already answered "duplicate", so giving it up
 * at the first such error would lose it. After the last try it is answered as failed, so one
 * broken delivery cannot hold the inbox forever.
 */
const TRIES = 5;

/** A delivery's outcomes, or (when it was stored but not yet ingested within the wait) its keys. */
export type InboxAnswer = { outcomes: Outcome[] } | { stored: string[] };

type Stored = Outcome[] | { failed: { code: string; message: string } };

export interface Inbox {
  /**
   * Validate and store a delivery's activities. On the ingester, wait up to `waitMs` for their
   * outcomes; on any other instance, answer `stored` once the insert has committed.
   */
  submit(activities: readonly ActivityInput[], waitMs?: number): Promise<InboxAnswer>;
  /** Resolves true once every delivery stored before the call is ingested; false after `waitMs`. */
  settled(waitMs?: number): Promise<boolean>;
  /** Deliveries stored and not yet ingested. */
  pending(): Promise<number>;
  /** Take part: stand for ingester, follow signals (idempotent; `submit` starts it too). */
  start(log?: Logger): Promise<void>;
  stop(): Promise<void>;
  /** Whether this process is the elected ingester right now. */
  ingesting(): boolean;
}

export interface InboxDeps {
  db: Db;
  reads: Db;
  ingest: Ingest;
  peers: Peers;
  kinds: Record<Kind, KindRule>;
  now: () => number;
  /** What a drained batch changed (stage moves, badges): published as news. */
  onBatch(result: IngestResult): Promise<void>;
}

/** The delivery's natural key: the natural keys of what it records. */
const deliveryKey = (activities: readonly ActivityInput[]): string =>
  createHash('sha256')
    .update(activities.map((a) => a.key).join('\n'))
    .digest('hex');

class LeaderChanged extends Error {}

export function createInbox(deps: InboxDeps): Inbox {
  const { db, reads, ingest, peers, now } = deps;
  let log: Logger | undefined;
  const waiters = new Map<number, (stored: Stored) => void>();
  let started: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let lastPurge = 0;
  /** Failed tries per stored delivery, on this ingester (a new ingester starts counting again). */
  const tries = new Map<number, number>();

  // ---- the ingester ----------------------------------------------------------------------
  let draining: Promise<void> | null = null;
  let again = false;

  function kick(): void {
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      do {
        again = false;
        while (await drainOnce());
      } while (again);
    })()
      .catch((err: unknown) => log?.error({ err }, 'draining the inbox failed; trying again shortly'))
      .finally(() => {
        draining = null;
      });
  }

  function resolveLocal(rows: ReadonlyArray<{ id: number; outcomes: Stored }>): void {
    for (const row of rows) {
      const resolve = waiters.get(row.id);
      if (resolve) resolve(row.outcomes);
    }
  }

  const slices = (rows: ReadonlyArray<StoredDelivery<ActivityInput>>, outcomes: readonly Outcome[]) => {
    let i = 0;
    return rows.map((row) => {
      const mine = outcomes.slice(i, i + row.activities.length);
      i += row.activities.length;
      return { id: row.id, outcomes: mine };
    });
  };

  /** Ingest `rows` in one transaction that also marks them processed; throws LeaderChanged if another got there first. */
  async function ingestRows(rows: ReadonlyArray<StoredDelivery<ActivityInput>>): Promise<Array<{ id: number; outcomes: Stored }>> {
    let marked: Array<{ id: number; outcomes: Stored }> = [];
    const result = await ingest(
      rows.flatMap((r) => r.activities),
      {
        within: async (trx, result) => {
          marked = slices(rows, result.outcomes);
          if ((await markProcessed(trx, marked, now())) !== rows.length) throw new LeaderChanged();
        },
      },
    );
    await deps.onBatch(result).catch(() => undefined);
    return marked;
  }

  /** Ingest one delivery alone; false when it failed for a reason worth trying again (later, in order). */
  async function ingestAlone(row: StoredDelivery<ActivityInput>): Promise<boolean> {
    try {
      resolveLocal(await ingestRows([row]));
    } catch (error) {
      if (error instanceof LeaderChanged) return true;
      const tried = (tries.get(row.id) ?? 0) + 1;
      if (!(error instanceof DomainError) && tried < TRIES) {
        tries.set(row.id, tried);
        log?.warn({ err: error, delivery: row.id, tried }, 'a stored delivery could not be ingested; trying again');
        return false;
      }
      // The pipeline refuses it (or it kept failing): it is answered with the refusal and must not block the inbox.
      const failed = { failed: describe(error) };
      log?.error({ err: error, delivery: row.id }, 'a stored delivery could not be ingested');
      await markProcessed(db, [{ id: row.id, outcomes: failed }], now());
      resolveLocal([{ id: row.id, outcomes: failed }]);
    }
    tries.delete(row.id);
    return true;
  }

  async function drainOnce(): Promise<boolean> {
    if (!(await peers.lead(INGESTER))) return false;
    if (now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = now();
      await purgeProcessed(db, now() - KEEP_PROCESSED_MS);
    }
    const rows = await pendingDeliveries<ActivityInput>(db, MAX_BATCH);
    if (rows.length === 0) return false;
    try {
      resolveLocal(await ingestRows(rows));
      for (const row of rows) tries.delete(row.id);
      return true;
    } catch (error) {
      if (error instanceof LeaderChanged) return true;
      // One at a time, in arrival order: one bad delivery must not sink the others that shared its
      // batch, and one to try again stops the round, so nothing stored after it goes first.
      for (const row of rows) if (!(await ingestAlone(row))) return false;
      return true;
    }
  }

  // ---- waiting for outcomes ----------------------------------------------------------------
  let checking = false;
  let recheck = false;
  async function checkWaiters(): Promise<void> {
    // A commit announced while a check runs may have processed more: check again right after it (not at the next poll).
    if (checking) return void (recheck = true);
    checking = true;
    try {
      do {
        recheck = false;
        if (waiters.size === 0) break;
        const found = await processedOutcomes<Stored>(reads, [...waiters.keys()]);
        resolveLocal([...found].map(([id, outcomes]) => ({ id, outcomes })));
      } while (recheck);
    } catch (err) {
      log?.warn({ err }, 'could not read the outcomes of stored deliveries');
    } finally {
      checking = false;
    }
  }

  function waitFor(id: number, waitMs: number): Promise<Stored | null> {
    return new Promise((resolve) => {
      const timeout = setTimeout(() => {
        waiters.delete(id);
        resolve(null);
      }, waitMs);
      waiters.set(id, (stored) => {
        clearTimeout(timeout);
        waiters.delete(id);
        resolve(stored);
      });
    });
  }

  const tick = () => {
    kick();
    void checkWaiters();
  };

  const inbox: Inbox = {
    start(logger) {
      log ??= logger;
      return (started ??= (async () => {
        unsubscribe = peers.subscribe((signal) => {
          if (signal === 'stored' && peers.holds(INGESTER)) kick();
          if (signal === 'commit') void checkWaiters();
        });
        await peers.start(logger);
        // Stand once before the first answer, so a lone instance answers with outcomes from the start.
        await peers.lead(INGESTER).catch(() => false);
        timer = setInterval(tick, POLL_MS);
        timer.unref();
        kick(); // deliveries a previous process stored and did not ingest
      })());
    },

    async stop() {
      if (timer) clearInterval(timer);
      unsubscribe?.();
      started = null;
      await draining;
    },

    ingesting: () => peers.holds(INGESTER),

    async submit(given, waitMs = ANSWER_WAIT_MS) {
      if (given.length === 0) return { outcomes: [] };
      const activities = given.map(withCleanNames);
      const received = now();
      // Refused at the door, naming the field, before anything is stored.
      activities.forEach((a, i) => validateActivity(a, i, received, deps.kinds));
      await inbox.start();
      const id = await storeDelivery(db, deliveryKey(activities), [...activities], received);
      // A copy of a delivery already stored: this copy records nothing.
      if (id === null) return { outcomes: activities.map((a) => ({ key: a.key, status: 'duplicate' as const })) };
      // Durably stored; another instance ingests it: do not hold the answer for its commit.
      if (!peers.holds(INGESTER)) return { stored: activities.map((a) => a.key) };
      const answer = waitFor(id, waitMs);
      if (peers.holds(INGESTER)) kick();
      const stored = await answer;
      if (stored === null) return { stored: activities.map((a) => a.key) };
      if (!Array.isArray(stored)) throw refusal(stored.failed);
      return { outcomes: stored };
    },

    async settled(waitMs = ANSWER_WAIT_MS) {
      await inbox.start();
      const { newest } = await inboxState(reads);
      const deadline = performance.now() + waitMs;
      while (!(await processedThrough(reads, newest))) {
        if (performance.now() > deadline) return false;
        if (peers.holds(INGESTER)) kick();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return true;
    },

    pending: async () => (await inboxState(reads)).pending,
  };
  return inbox;
}

function describe(error: unknown): { code: string; message: string } {
  return error instanceof DomainError ? { code: error.code, message: error.message } : { code: 'internal', message: 'the delivery could not be recorded' };
}

function refusal(failed: { code: string; message: string }): Error {
  return failed.code === 'internal' ? new Error(failed.message) : new DomainError(failed.code as ErrorCode, failed.message);
}
