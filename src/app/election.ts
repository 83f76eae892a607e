/**
 * Running for a job only one instance may do (the Discord gateway), through the database: the
 * holder renews its lease every `everyMs`; everyone else tries again as often, and takes over when
 * the holder stops (at once) or dies (when its lease runs out). A holder that cannot renew before
 * its lease ends steps down rather than risk two of it: a timer of its own deposes it just before
 * the lease ends, even while a renewal hangs on a database that does not answer.
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
  let expiry: NodeJS.Timeout | null = null;
  // Step down a little before the lease ends, so the next holder never overlaps this one.
  const margin = Math.min(1_000, leaseMs / 10);

  const depose = async () => {
    if (!leading) return;
    leading = false;
    await handlers.onDeposed();
  };
  /** Depose when the lease is about to end without a renewal, whatever the renewal is waiting for. */
  const armExpiry = () => {
    if (expiry) clearTimeout(expiry);
    expiry = setTimeout(() => {
      // A timer may fire a millisecond before the wall clock says it is due: look again then, rather than never.
      if (now() >= heldUntil - margin) void depose().catch((error: unknown) => handlers.onError?.(error));
      else if (leading && !stopped) armExpiry();
    }, Math.max(0, heldUntil - margin - now()));
    expiry.unref();
  };

  const step = async (first: boolean): Promise<boolean> => {
    if (stopped) return false;
    let held: boolean;
    let renewed = false;
    // The lease runs from when it was asked for, not from when the answer came back.
    const asked = now();
    try {
      held = renewed = await holdLease(db, name, holder, asked, leaseMs);
    } catch (error) {
      handlers.onError?.(error);
      // The database did not answer: the lease still counts until it ends, not a moment longer.
      held = leading && now() < heldUntil - margin;
      if (!held && !leading) return false;
    }
    // Only a renewal the database answered extends the lease; an unanswered one leaves it to run out.
    if (renewed) {
      heldUntil = asked + leaseMs;
      armExpiry();
    }
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
      await depose();
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
      if (expiry) clearTimeout(expiry);
      await busy.catch(() => undefined);
      stopped = true;
      if (!leading) return;
      leading = false;
      await handlers.onDeposed();
      await releaseLease(db, name, holder);
    },
  };
}
