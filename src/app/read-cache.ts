/**
 * Reads kept until the next write. Every write in this process goes through the write lock, which
 * moves the generation, so a kept value is never older than the last commit here; writes by
 * another process (an import beside `serve`) show once a value is `maxAgeMs` old.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { generation: number; at: number; value: T }>();

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

  /** Keep `value`, read at `generation` (taken before reading: a write meanwhile makes it stale at once). */
  keep(key: string, generation: number, value: T): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { generation, at: performance.now(), value });
  }

  async get(key: string, read: () => Promise<T>): Promise<T> {
    const kept = this.peek(key);
    if (kept !== undefined) return kept;
    const generation = this.generation();
    const value = await read();
    this.keep(key, generation, value);
    return value;
  }
}
