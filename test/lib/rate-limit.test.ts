import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { rateCounters } from "../../src/db/schema";
import { hmacIp } from "../../src/lib/crypto";
import { AppError } from "../../src/lib/errors";
import {
  burstLimit,
  deleteExpiredRateCounters,
  enforceCounter,
  hitCounter,
  ipKey,
  perIpBurst,
} from "../../src/lib/rate-limit";
import { createRouter } from "../../src/lib/router";
import { requestContext } from "../../src/middleware/context";
import { onError } from "../../src/middleware/problem";
import { scheduled } from "../../src/scheduled";
import { expectProblem } from "../helpers/client";
import { guardD1 } from "../helpers/d1-guard";

const db = createDb(env.DB);
const HOUR = 3_600_000;
/** A fixed clock at the start of an hour window, plus 10 minutes. */
const T = Date.UTC(2026, 4, 1, 12, 10, 0);

async function storedCount(key: string) {
  const rows = await db.select().from(rateCounters).where(eq(rateCounters.key, key));
  return rows.map((r) => ({ windowStart: r.windowStart, count: r.count, expiresAt: r.expiresAt }));
}

describe("hitCounter (D1 fixed window)", () => {
  it("allows `limit` hits, then refuses with Retry-After until the window ends", async () => {
    const key = "campaign:cmp_a:signups";
    for (let i = 1; i <= 5; i++) {
      const r = await hitCounter(db, key, HOUR, 5, T + i);
      expect(r).toMatchObject({ allowed: true, count: i, remaining: 5 - i });
    }
    const over = await hitCounter(db, key, HOUR, 5, T + 100);
    // The window is 12:00–13:00; at 12:10 there are 50 minutes left.
    expect(over).toMatchObject({ allowed: false, count: 6, remaining: 0 });
    expect(over.retryAfterSeconds).toBe(50 * 60);
    expect(over.resetAt).toBe(Date.UTC(2026, 4, 1, 13));
    expect(await storedCount(key)).toEqual([
      { windowStart: Date.UTC(2026, 4, 1, 12), count: 6, expiresAt: Date.UTC(2026, 4, 1, 13) },
    ]);
  });

  it("is one statement with a handful of parameters", async () => {
    const { db: guarded, usage } = guardD1(env.DB);
    await hitCounter(createDb(guarded), "one-statement", HOUR, 5, T);
    expect(usage.queries).toBe(1);
    expect(usage.maxParams).toBeLessThanOrEqual(4);
    expect(usage.statements[0]!.sql).toMatch(/ON CONFLICT/i);
  });

  it("rolls over to a fresh window", async () => {
    const key = "rollover";
    await hitCounter(db, key, 60_000, 1, T);
    expect((await hitCounter(db, key, 60_000, 1, T + 59_000)).allowed).toBe(false);
    const next = await hitCounter(db, key, 60_000, 1, T + 60_000);
    expect(next).toMatchObject({ allowed: true, count: 1 });
    expect((await hitCounter(db, key, 60_000, 1, T + 60_001)).retryAfterSeconds).toBe(60);
  });

  it("keeps keys apart", async () => {
    await hitCounter(db, "k1", HOUR, 1, T);
    expect((await hitCounter(db, "k2", HOUR, 1, T)).allowed).toBe(true);
  });

  it("counts 50 concurrent hits exactly", async () => {
    const key = "concurrent";
    const results = await Promise.all(
      Array.from({ length: 50 }, () => hitCounter(db, key, HOUR, 20, T)),
    );
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    expect((await storedCount(key))[0]!.count).toBe(50);
  });

  it("enforceCounter throws a 429 rate_limited with Retry-After", async () => {
    await enforceCounter(db, "enforce", HOUR, 1, T);
    const err = await enforceCounter(db, "enforce", HOUR, 1, T).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "rate_limited", status: 429 });
    expect((err as AppError).headers?.["Retry-After"]).toBe(String(50 * 60));
  });

  it("rejects windows too short to mean anything", async () => {
    await expect(hitCounter(db, "x", 10, 1, T)).rejects.toThrow(RangeError);
  });
});

describe("expired counter cleanup", () => {
  it("deletes ended windows only, also as the cron task", async () => {
    const now = Date.UTC(2030, 0, 1, 12, 30);
    await hitCounter(db, "cleanup-old", 60_000, 10, now - 5 * 60_000);
    await hitCounter(db, "cleanup-live", HOUR, 10, now);
    const { deleted } = await deleteExpiredRateCounters(db, now);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await storedCount("cleanup-old")).toEqual([]);
    expect(await storedCount("cleanup-live")).toHaveLength(1);

    await hitCounter(db, "cleanup-cron", 60_000, 10, now);
    const ctx = createExecutionContext();
    await scheduled(createScheduledController({ scheduledTime: now + 61 * 60_000 }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await storedCount("cleanup-cron")).toEqual([]);
    expect(await storedCount("cleanup-live")).toEqual([]);
  });
});

describe("ipKey", () => {
  it("holds the keyed hash of the IP, never the IP", async () => {
    const key = await ipKey(env.TOKEN_SECRET, "signup", "203.0.113.9");
    expect(key).not.toContain("203.0.113.9");
    expect(key).toBe(`signup:ip:${await hmacIp(env.TOKEN_SECRET, "203.0.113.9")}`);
    // The same address however it is spelled.
    expect(await ipKey(env.TOKEN_SECRET, "signup", "::ffff:203.0.113.9")).toBe(key);
  });
});

// ---------------------------------------------------------------- burst layer

/** A binding that allows `allow` calls per key, and records the keys it saw. */
function fakeBinding(allow: number) {
  const seen: string[] = [];
  const counts = new Map<string, number>();
  const binding: RateLimit = {
    async limit({ key }) {
      seen.push(key);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      return { success: n <= allow };
    },
  };
  return { binding, seen };
}

function appWith(bindingEnv: Partial<Env>) {
  const app = createRouter();
  app.use("*", requestId({ headerName: "X-Request-Id" }));
  app.use("*", requestContext);
  app.use("/limited", perIpBurst("RL_SENSITIVE", { scope: "test" }));
  app.get("/limited", (c) => c.json({ ok: true }));
  app.onError(onError);
  return (ip: string) =>
    app.request("/limited", { headers: { "CF-Connecting-IP": ip } }, { ...env, ...bindingEnv });
}

describe("burstLimit / perIpBurst (rate-limit binding)", () => {
  it("burstLimit throws rate_limited with the period as Retry-After", async () => {
    const { binding } = fakeBinding(1);
    await burstLimit(binding, "k", 60);
    await expect(burstLimit(binding, "k", 60)).rejects.toMatchObject({
      code: "rate_limited",
      headers: { "Retry-After": "60" },
    });
  });

  it("answers 429 problem+json with Retry-After once the binding refuses", async () => {
    const { binding, seen } = fakeBinding(2);
    const get = appWith({ RL_SENSITIVE: binding });
    expect((await get("198.51.100.1")).status).toBe(200);
    expect((await get("198.51.100.1")).status).toBe(200);
    const res = await get("198.51.100.1");
    const body = await expectProblem(res, 429, "rate_limited");
    expect(res.headers.get("Retry-After")).toBe("10");
    expect(body.instance).toBe(res.headers.get("X-Request-Id"));
    // Another client is not affected.
    expect((await get("198.51.100.2")).status).toBe(200);
    // The binding never sees a raw IP.
    expect(seen.every((k) => k.startsWith("test:ip:") && !k.includes("198.51.100"))).toBe(true);
  });

  it("with the real (simulated) binding, a flood from one IP gets 429s", async () => {
    const get = appWith({});
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await get("192.0.2.77")).status);
    // RL_SENSITIVE is 10 per 10 s window: 25 quick requests span at most two windows.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(statuses.slice(0, 1)).toEqual([200]);
    expect((await get("192.0.2.78")).status).toBe(200);
  });
});

it("the counter table holds no raw IPs after IP-keyed hits", async () => {
  await hitCounter(db, await ipKey(env.TOKEN_SECRET, "signup", "203.0.113.50"), HOUR, 5, T);
  const rows = await db
    .select({ key: rateCounters.key })
    .from(rateCounters)
    .where(sql`${rateCounters.key} LIKE '%203.0.113%'`);
  expect(rows).toEqual([]);
});
