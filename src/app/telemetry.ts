/**
 * What this process has done, for whoever watches it (GET /metrics): ingest outcomes and time, how
 * many activities are waiting for or inside the pipeline, and database time. Plain listeners: the
 * metrics library stays in the web adapter.
 */
import type { Outcome } from '../domain/activity.js';
import type { Ingest } from './ingest.js';

export interface Telemetry {
  onIngest(listener: (outcomes: readonly Outcome[], seconds: number) => void): () => void;
  onQuery(listener: (seconds: number, ok: boolean) => void): () => void;
  /** Activities handed to the pipeline and not yet committed (queued behind the write lock, or being written). */
  ingestInFlight(): number;
  /** For the database adapter: one statement finished. */
  query(seconds: number, ok: boolean): void;
}

export interface ObservedTelemetry extends Telemetry {
  /** `ingest`, counted. */
  observe(ingest: Ingest): Ingest;
}

export function telemetry(): ObservedTelemetry {
  const ingestListeners = new Set<(outcomes: readonly Outcome[], seconds: number) => void>();
  const queryListeners = new Set<(seconds: number, ok: boolean) => void>();
  let inFlight = 0;
  const listen = <T>(set: Set<T>, fn: T) => {
    set.add(fn);
    return () => void set.delete(fn);
  };
  return {
    onIngest: (fn) => listen(ingestListeners, fn),
    onQuery: (fn) => listen(queryListeners, fn),
    ingestInFlight: () => inFlight,
    query: (seconds, ok) => {
      for (const fn of queryListeners) fn(seconds, ok);
    },
    observe: (ingest) => async (activities, options) => {
      const started = process.hrtime.bigint();
      inFlight += activities.length;
      try {
        const result = await ingest(activities, options);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        for (const fn of ingestListeners) fn(result.outcomes, seconds);
        return result;
      } finally {
        inFlight -= activities.length;
      }
    },
  };
}
