/**
 * Running for a job only one instance may do (the Discord gateway), through the database: the
 * holder renews its lease every `everyMs`; everyone else tries again as often, and takes over when
 * the holder stops (at once) or dies (when its lease runs out). A holder that cannot renew before
 * its lease ends steps down rather than risk two of it.
 */
import { holdLease, releaseLease } from '../db/election.js';
import type { Tx } from '../db/knex.js';

export const LEASE_MS = 30_000;
export const RENEW_EVERY_MS = 10_000;

export interface ElectionHandlers {
  /** This instance now holds the job: start it. If it throws, the lease is given up again. */
  onElected(): Promise<void>;
  /** This instance no longer holds it (stopping, or a lease it could not renew): stop it. */
  onDeposed(): Promise<void>;
  onError?(error: unknown): void;
}

export interface ElectionOptions {
  now: () => number;
  leaseMs?: number;
  everyMs?: number;
}

export interface Election {
  readonly name: string;
  readonly leading: boolean;
  /** Take, renew or check the lease now (the timer calls this too). */
  poll(): Promise<boolean>;
  /** Stop running: the job stops here and the lease is handed back for another instance to take. */
  stop(): Promise<void>;
}

/** Run for `name`; resolves after the first try, so the caller knows whether it leads. */
export async function runForElection(db: Tx, name: string, holder: string, handlers: ElectionHandlers, options: ElectionOptions): Promise<Election> {
  const { now, leaseMs = LEASE_MS, everyMs = RENEW_EVERY_MS } = options;
  let leading = false;
  let heldUntil = 0;
  let stopped = false;
  let busy: Promise<boolean> = Promise.resolve(false);

  const step = async (first: boolean): Promise<boolean> => {
    if (stopped) return false;
    let held: boolean;
    try {
      held = await holdLease(db, name, holder, now(), leaseMs);
    } catch (error) {
      handlers.onError?.(error);
      // The database did not answer: the lease still counts until it ends, not a moment longer.
      held = leading && now() < heldUntil;
      if (!held && !leading) return false;
    }
    if (held) heldUntil = now() + leaseMs;
    if (held && !leading) {
      leading = true;
      try {
        await handlers.onElected();
      } catch (error) {
        leading = false;
        await releaseLease(db, name, holder).catch(() => undefined);
        if (first) throw error;
        handlers.onError?.(error);
      }
    } else if (!held && leading) {
      leading = false;
      await handlers.onDeposed();
    }
    return leading;
  };
  const poll = (first = false) => (busy = busy.then(() => step(first), () => step(first)));

  await poll(true);
  const timer = setInterval(() => void poll().catch((error: unknown) => handlers.onError?.(error)), everyMs);
  timer.unref();

  return {
    name,
    get leading() {
      return leading;
    },
    poll: () => poll(),
    async stop() {
      clearInterval(timer);
      await busy.catch(() => undefined);
      stopped = true;
      if (!leading) return;
      leading = false;
      await handlers.onDeposed();
      await releaseLease(db, name, holder);
    },
  };
}
