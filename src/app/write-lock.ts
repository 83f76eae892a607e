/**
 * Writes that decide points read history first, so two of them must never interleave:
 * in-process they queue behind one another; across processes PostgreSQL serialises them with a
 * transaction-scoped advisory lock, and SQLite's own write lock does (a transaction that loses
 * the race gets SQLITE_BUSY and is simply run again — it is idempotent by natural keys).
 */
import type { Db, Tx } from '../db/knex.js';
import { announce, takeWriteTurn } from '../db/signals.js';

const MAX_ATTEMPTS = 8;

const isBusy = (error: unknown): boolean => /SQLITE_BUSY|SQLITE_LOCKED/.test(String((error as { code?: string })?.code ?? error));

export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  /** Moves after every write that committed here, or that another instance announced: what read caches compare against. */
  generation = 0;

  /** A write committed elsewhere (or signals may have been missed): what is kept is stale. */
  moved(): void {
    this.generation++;
  }

  constructor(private readonly db: Db) {}

  /** Run `fn` in one transaction, alone. */
  run<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.attempt(fn, 1));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async attempt<T>(fn: (trx: Tx) => Promise<T>, attempt: number): Promise<T> {
    try {
      const result = await this.db.transaction(async (trx) => {
        await takeWriteTurn(trx);
        const result = await fn(trx);
        // Every instance's read caches move when this commits (PostgreSQL; SQLite has one process).
        await announce(trx, 'commit');
        return result;
      });
      this.generation++;
      return result;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isBusy(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      return this.attempt(fn, attempt + 1);
    }
  }
}
