/**
 * Live sources (the Discord gateway, webhooks) deliver one event at a time. The queue turns them
 * into batches without a timer: while one batch is in the pipeline, everything submitted meanwhile
 * waits and goes in together as the next. Arrival order is kept; each caller gets its own outcomes.
 */
import type { ActivityInput, Outcome } from '../domain/activity.js';
import type { Ingest, IngestResult } from './ingest.js';

const MAX_BATCH = 1000;

interface Waiting {
  activities: readonly ActivityInput[];
  resolve: (outcomes: Outcome[]) => void;
  reject: (error: unknown) => void;
}

export interface IngestQueue {
  submit(activities: readonly ActivityInput[]): Promise<Outcome[]>;
  /** Resolves once everything submitted so far has been ingested. */
  drained(): Promise<void>;
}

export function createIngestQueue(ingest: Ingest, onBatch: (result: IngestResult) => void | Promise<void> = () => {}): IngestQueue {
  const waiting: Waiting[] = [];
  let running: Promise<void> | null = null;

  async function run(): Promise<void> {
    while (waiting.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (waiting.length > 0 && (batch.length === 0 || size + waiting[0]!.activities.length <= MAX_BATCH)) {
        const next = waiting.shift()!;
        batch.push(next);
        size += next.activities.length;
      }
      let result: IngestResult;
      try {
        result = await ingest(batch.flatMap((w) => w.activities));
      } catch (error) {
        // One bad event must not sink the others that happened to share its batch.
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const w of batch) await ingest(w.activities).then((r) => (w.resolve(r.outcomes), report(r)), w.reject);
        continue;
      }
      let i = 0;
      for (const w of batch) {
        w.resolve(result.outcomes.slice(i, i + w.activities.length));
        i += w.activities.length;
      }
      await report(result);
    }
  }

  async function report(result: IngestResult): Promise<void> {
    try {
      await onBatch(result);
    } catch {
      // onBatch reports for itself; what was ingested stays ingested.
    }
  }

  function kick(): void {
    running ??= run().finally(() => {
      running = null;
      if (waiting.length > 0) kick();
    });
  }

  return {
    submit(activities) {
      if (activities.length === 0) return Promise.resolve([]);
      const done = new Promise<Outcome[]>((resolve, reject) => waiting.push({ activities, resolve, reject }));
      kick();
      return done;
    },
    async drained() {
      while (running) await running;
    },
  };
}
