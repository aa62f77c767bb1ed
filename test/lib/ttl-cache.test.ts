import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/lib/ttl-cache";

describe("TtlCache", () => {
  it("answers while an entry is young enough for the reader", () => {
    const cache = new TtlCache<string>(10);
    cache.set("a", "one", 1_000);
    expect(cache.get("a", 500, 1_500)).toBe("one");
    expect(cache.get("a", 500, 1_501)).toBeUndefined();
    // Another reader may accept older entries from the same cache.
    expect(cache.get("a", 60_000, 1_501)).toBe("one");
    expect(cache.get("missing", 60_000, 1_000)).toBeUndefined();
  });

  it("evicts the least recently written entry past its size, so it cannot grow", () => {
    const cache = new TtlCache<number>(3);
    for (let i = 0; i < 3; i++) cache.set(`k${i}`, i, 0);
    cache.set("k0", 10, 1); // rewritten: now the newest
    cache.set("k3", 3, 2);
    expect(cache.size).toBe(3);
    expect(cache.get("k1", 100, 2)).toBeUndefined();
    expect(cache.get("k0", 100, 2)).toBe(10);
    expect(cache.get("k2", 100, 2)).toBe(2);
    expect(cache.get("k3", 100, 2)).toBe(3);
    for (let i = 0; i < 1_000; i++) cache.set(`flood-${i}`, i, 3);
    expect(cache.size).toBe(3);
  });

  it("forgets a deleted entry", () => {
    const cache = new TtlCache<string>(2);
    cache.set("a", "x", 0);
    cache.delete("a");
    expect(cache.get("a", 1_000, 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
