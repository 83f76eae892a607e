/**
 * Reads kept until the next write. Every write in this process goes through the write lock, which
 * moves the generation, so a kept value is never older than the last commit here; writes by
 * another process (an import beside `serve`) show once a value is `maxAgeMs` old.
 *
 * Readers who ask for the same value while it is being read share that one read: right after a
 * write, a burst of visitors or `/leaderboard`s would otherwise each read the same board again.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { generation: number; at: number; value: T }>();
  private readonly reading = new Map<string, { generation: number; value: Promise<T> }>();

  constructor(
    private readonly generation: () => number,
    private readonly maxAgeMs = 5_000,
    private readonly maxEntries = 1_000,
  ) {}

  /** The kept value, if it is still current. */
  peek(key: string): T | undefined {
    const entry = this.entries.get(key);
    return entry && entry.generation === this.generation() && performance.now() - entry.at < this.maxAgeMs ? entry.value : undefined;
  }

  /** Keep `value`, read at `generation` (taken before reading): unless a write came meanwhile, making it stale already. */
  keep(key: string, generation: number, value: T): void {
    if (generation !== this.generation()) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { generation, at: performance.now(), value });
  }

  get(key: string, read: () => Promise<T>): Promise<T> {
    const kept = this.peek(key);
    if (kept !== undefined) return Promise.resolve(kept);
    const generation = this.generation();
    // Only a read begun since the last write is shared: whoever just wrote must see their write.
    const shared = this.reading.get(key);
    if (shared && shared.generation === generation) return shared.value;
    const value = read()
      .then((v) => (this.keep(key, generation, v), v))
      .finally(() => {
        if (this.reading.get(key)?.value === value) this.reading.delete(key);
      });
    this.reading.set(key, { generation, value });
    return value;
  }
}
