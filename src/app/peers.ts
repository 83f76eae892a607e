/**
 * This process among the others serving one database: it hears their commits (so read caches
 * move within a second of a write anywhere) and stands in elections for work only one of them
 * may do (draining the inbox). Through the database only (src/db/signals.ts); on SQLite there
 * are no peers and this process wins every election.
 */
import type { Db } from '../db/knex.js';
import { openLink, type Link, type Signal } from '../db/signals.js';
import type { Logger } from '../logger.js';

/** How often a follower tries to take a role, and how soon a broken link is opened again. */
export const ELECTION_EVERY_MS = 500;

export class Peers {
  private link: Link | null = null;
  private opening: Promise<void> | null = null;
  private stopped = false;
  private solo = false;
  private readonly held = new Set<number>();
  private readonly listeners = new Set<(signal: Signal) => void>();
  private retry: NodeJS.Timeout | null = null;
  private wasLost = false;

  private log: Logger | null = null;

  constructor(
    private readonly db: Db,
    /** Called when signals may have been missed (the link broke): caches must not trust what they keep. */
    private readonly missed: () => void,
  ) {}

  /** Open the link (idempotent). */
  start(log?: Logger): Promise<void> {
    this.log ??= log ?? null;
    this.stopped = false;
    return (this.opening ??= this.open());
  }

  private async open(): Promise<void> {
    const reopening = this.wasLost;
    try {
      this.link = await openLink(this.db, {
        signal: (signal) => this.listeners.forEach((fn) => fn(signal)),
        lost: (error) => this.lost(error),
      });
      this.solo = this.link === null;
      // Commits signalled while the link was down were not heard, and what caches kept meanwhile
      // may predate them: drop it now, not when its window ends.
      if (reopening && this.link) {
        this.wasLost = false;
        this.missed();
      }
    } catch (error) {
      this.lost(error);
    }
  }

  private lost(error: unknown): void {
    this.wasLost = true;
    const had = [...this.held];
    this.held.clear();
    this.link = null;
    this.missed();
    if (this.stopped || this.retry) return;
    this.log?.warn({ err: error, roles: had }, 'lost the connection other instances signal through; opening it again');
    this.retry = setTimeout(() => {
      this.retry = null;
      this.opening = this.open();
    }, ELECTION_EVERY_MS);
    this.retry.unref();
  }

  /** Hear what other instances (and this one) signal. */
  subscribe(fn: (signal: Signal) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Whether this process holds `role`, trying to take it if not (never blocks on the holder). */
  async lead(role: number): Promise<boolean> {
    await this.start();
    if (this.solo) return true;
    if (this.held.has(role)) return true;
    if (!this.link) return false;
    try {
      if (!(await this.link.tryLead(role))) return false;
    } catch {
      return false; // the link's own error handler reports and reopens
    }
    this.held.add(role);
    this.log?.info({ role }, 'elected for a role only one instance may hold');
    return true;
  }

  holds(role: number): boolean {
    return this.solo || this.held.has(role);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.opening;
    const link = this.link;
    this.link = null;
    this.held.clear();
    this.opening = null;
    await link?.close();
  }
}
