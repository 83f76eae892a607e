/**
 * Reads kept until the next write. Every write through the write lock moves the generation, in
 * this process and (through the database's notifications) in every other instance on the same
 * PostgreSQL, so a kept value is never older than the last commit anywhere within a second.
 * Writes no generation saw (another process on the same SQLite file, an import beside `serve`)
 * show when the time window a value was kept in ends: windows are the same for every cache in the
 * process (aligned to the clock, not to when a value was kept), so a page built from a kept board
 * ends with that board's window, never `maxAgeMs` after it.
 *
 * Readers who ask for the same value while it is being read share that one read: right after a
 * write, a burst of visitors or `/leaderboard`s would otherwise each read the same board again.
 */
export const KEEP_WINDOW_MS = 5_000;

const windowAt = (ms: number): number => Math.floor(performance.now() / ms);

/** When a value was read: the generation and the window it belongs to. */
export interface ReadStamp {
  generation: number;
  window: number;
}

export class ReadCache<T> {
  private readonly entries = new Map<string, { generation: number; window: number; value: T }>();
  private readonly reading = new Map<string, { generation: number; window: number; value: Promise<T> }>();

  constructor(
    private readonly generation: () => number,
    private readonly windowMs = KEEP_WINDOW_MS,
    private readonly maxEntries = 1_000,
  ) {}

  /** The kept value, if it is still current. */
  peek(key: string): T | undefined {
    const entry = this.entries.get(key);
    return entry && entry.generation === this.generation() && entry.window === windowAt(this.windowMs) ? entry.value : undefined;
  }

  /** Now, as a stamp to take before reading what will be kept. */
  stamp(): ReadStamp {
    return { generation: this.generation(), window: windowAt(this.windowMs) };
  }

  /** Keep `value`, read at `stamp` (taken before reading): unless a write or the window's end came meanwhile, making it stale already. */
  keep(key: string, { generation, window }: ReadStamp, value: T): void {
    if (generation !== this.generation() || window !== windowAt(this.windowMs)) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { generation, window, value });
  }

  get(key: string, read: () => Promise<T>): Promise<T> {
    const kept = this.peek(key);
    if (kept !== undefined) return Promise.resolve(kept);
    const generation = this.generation();
    const window = windowAt(this.windowMs);
    // Only a read begun since the last write (and in this window) is shared: whoever just wrote must see their write.
    const shared = this.reading.get(key);
    if (shared && shared.generation === generation && shared.window === window) return shared.value;
    const value = read()
      .then((v) => (this.keep(key, { generation, window }, v), v))
      .finally(() => {
        if (this.reading.get(key)?.value === value) this.reading.delete(key);
      });
    this.reading.set(key, { generation, window, value });
    return value;
  }
}
