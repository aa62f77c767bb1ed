/**
 * Production D1 allows 50 queries per invocation on Workers Free; the queue
 * consumer and the cron handler count what they have used to stay within it.
 * @see https://developers.cloudflare.com/d1/platform/limits/
 */
export const INVOCATION_QUERY_LIMIT = 50;

/**
 * Counts statements prepared through the binding: drizzle prepares once per
 * executed statement, batched ones included. Statements are passed through
 * untouched, so this composes with other wrappers (the test limits guard).
 */
export interface CountingD1 {
  db: D1Database;
  count(): number;
  /** Back to zero, for a wrapper reused across invocations that never overlap. */
  reset(): void;
}

export function countingD1(d1: D1Database): CountingD1 {
  let n = 0;
  const db = new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          n += 1;
          return target.prepare(query);
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          n += 1;
          return target.exec(query);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db,
    count: () => n,
    reset: () => {
      n = 0;
    },
  };
}
