import { sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { Db } from "../db/client";
import { clientIpHmac } from "./client-ip";
import { hmacIp } from "./crypto";
import { rateLimited } from "./errors";
import type { AppEnv } from "./router";

/**
 * Rate limiting in two layers.
 *
 * 1. Bursts: the Workers rate-limit bindings (`[[ratelimits]]` in
 *    wrangler.toml, RL_PUBLIC 60/10 s and RL_SENSITIVE 10/10 s). Free of D1
 *    cost and fast, but counted per Cloudflare location and eventually
 *    consistent: a client spread over locations gets more, and a few requests
 *    over the limit can pass. Good for stopping floods from one client.
 *    Periods can only be 10 or 60 s.
 *    @see https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/
 *
 * 2. Longer windows: a fixed-window counter in D1 (`rate_counters`). Global
 *    and exact (one atomic upsert per hit, no read-then-write), at the cost of
 *    one write per hit. Good for per-campaign per-hour limits, per-email
 *    limits, or anything that must hold across locations. A cron task deletes
 *    expired windows.
 *
 * Keys that involve an IP use the keyed hash of it (`ipKey`), never the raw
 * IP: rate_counters is stored and the bindings' keys leave the worker.
 */

/** The periods configured in wrangler.toml (the binding does not expose it). */
export const burstBindings = {
  RL_PUBLIC: { periodSeconds: 10 },
  RL_SENSITIVE: { periodSeconds: 10 },
} as const;
export type BurstBindingName = keyof typeof burstBindings;

/** Throws 429 `rate_limited` (Retry-After = the binding's period) when the binding says no. */
export async function burstLimit(
  binding: RateLimit,
  key: string,
  periodSeconds = 10,
): Promise<void> {
  const { success } = await binding.limit({ key });
  if (!success) throw rateLimited(periodSeconds);
}

/** `<scope>:ip:<hmac of the IP>`: a rate-limit key for a client IP that never holds the IP. */
export async function ipKey(secret: string, scope: string, ip: string): Promise<string> {
  return `${scope}:ip:${await hmacIp(secret, ip)}`;
}

/**
 * Middleware: a burst limit per client IP (CF-Connecting-IP) on the named
 * binding. `scope` separates route groups that share a binding. Needs the
 * request context (settings) before it.
 */
export function perIpBurst(
  bindingName: BurstBindingName,
  options: { scope?: string } = {},
): MiddlewareHandler<AppEnv> {
  const scope = options.scope ?? bindingName.toLowerCase();
  return async (c, next) => {
    const key = `${scope}:ip:${await clientIpHmac(c)}`;
    await burstLimit(c.env[bindingName], key, burstBindings[bindingName].periodSeconds);
    await next();
  };
}

export interface CounterResult {
  /** Whether this hit is within the limit. */
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  remaining: number;
  /** Seconds until the window ends (when a new hit would be allowed again), at least 1. */
  retryAfterSeconds: number;
  /** When the window ends (UTC ms). */
  resetAt: number;
}

/**
 * One hit on a fixed-window counter: ONE atomic statement, so concurrent hits
 * all count and the limit holds across every location. Windows are aligned to
 * multiples of windowMs (UTC). Hits past the limit are still counted.
 */
export async function hitCounter(
  db: Db,
  key: string,
  windowMs: number,
  limit: number,
  now: number,
): Promise<CounterResult> {
  if (!Number.isInteger(windowMs) || windowMs < 1000) {
    throw new RangeError("hitCounter: windowMs must be an integer ≥ 1000");
  }
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const resetAt = windowStart + windowMs;
  const row = await db.get<{ count: number }>(
    sql`INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES (${key}, ${windowStart}, 1, ${resetAt})
        ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1
        RETURNING count`,
  );
  const count = Number(row?.count ?? 1);
  return {
    allowed: count <= limit,
    count,
    remaining: Math.max(0, limit - count),
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)),
    resetAt,
  };
}

/** hitCounter that throws 429 `rate_limited` with Retry-After when over the limit. */
export async function enforceCounter(
  db: Db,
  key: string,
  windowMs: number,
  limit: number,
  now: number,
): Promise<CounterResult> {
  const result = await hitCounter(db, key, windowMs, limit, now);
  if (!result.allowed) throw rateLimited(result.retryAfterSeconds);
  return result;
}

/** Rows deleted per cleanup statement, so one cron run stays short. */
const CLEANUP_BATCH = 5000;

/** Cron task: deletes windows that have ended. */
export async function deleteExpiredRateCounters(db: Db, now: number): Promise<{ deleted: number }> {
  const res = await db.run(
    sql`DELETE FROM rate_counters WHERE rowid IN (SELECT rowid FROM rate_counters WHERE expires_at <= ${now} LIMIT ${CLEANUP_BATCH})`,
  );
  return { deleted: res.meta.changes ?? 0 };
}
