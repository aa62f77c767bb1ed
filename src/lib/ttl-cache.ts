/**
 * A per-isolate cache of settled values: entries expire by age (checked by
 * the reader, so one cache can serve callers with different freshness needs)
 * and the oldest is evicted past `maxEntries`, so a flood of distinct keys
 * cannot grow an isolate's memory.
 *
 * Values only, never promises of I/O: in workerd a request must not wait on
 * I/O started by another request (it may be cancelled with that request).
 * @see https://developers.cloudflare.com/workers/runtime-apis/context/
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { at: number; value: V }>();

  constructor(private readonly maxEntries: number) {}

  /** The value stored under `key` if it is at most `maxAgeMs` old. */
  get(key: string, maxAgeMs: number, now: number = Date.now()): V | undefined {
    const hit = this.entries.get(key);
    return hit && now - hit.at <= maxAgeMs ? hit.value : undefined;
  }

  set(key: string, value: V, now: number = Date.now()): void {
    // Re-inserting moves the key to the end: Map keeps insertion order, so
    // the first key is always the least recently written.
    this.entries.delete(key);
    this.entries.set(key, { at: now, value });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
