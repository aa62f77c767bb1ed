import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { idempotencyKeys } from "../../src/db/schema";
import {
  deleteExpiredIdempotencyKeys,
  preorderRequestHash,
} from "../../src/domain/preorders/idempotency";
import {
  newKey,
  order,
  orderBody,
  ordersOf,
  presale,
  remaining,
  signupWithToken,
  uniqueEmail,
} from "./preorders-helpers";

const keyRow = (campaignId: string, key: string) =>
  env.DB.prepare("SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?")
    .bind(`preorders:${campaignId}`, key)
    .first<Record<string, unknown>>();

describe("Idempotency-Key on POST /v1/campaigns/{slug}/preorders", () => {
  it("400 idempotency_key_required without the header (or with a bad one), before anything else", async () => {
    const c = await presale();
    const missing = await order(c.slug, orderBody([[c.black, 1]]), { key: null });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe("idempotency_key_required");
    const blank = await order(c.slug, orderBody([[c.black, 1]]), { key: "  " });
    expect(blank.body.code).toBe("idempotency_key_required");
    const long = await order(c.slug, orderBody([[c.black, 1]]), { key: "k".repeat(300) });
    expect(long.body.code).toBe("idempotency_key_required");
    // Even an invalid body answers 400 first: the key is checked before the body.
    expect((await order(c.slug, { nonsense: true }, { key: null })).status).toBe(400);
    expect(await remaining(c.black)).toBe(10);
  });

  it("the same key and body replay the stored reply exactly; one order", async () => {
    const c = await presale();
    const key = newKey();
    const body = orderBody([[c.black, 1]]);
    const first = await order(c.slug, body, { key });
    expect(first.status, first.text).toBe(201);
    // Keys in another order, other whitespace: the same request.
    const reordered = JSON.stringify({ items: body.items, email: body.email }, null, 2);
    for (const again of [
      await order(c.slug, body, { key }),
      await order(c.slug, reordered, { key }),
    ]) {
      expect(again.status).toBe(201);
      expect(again.text).toBe(first.text);
      expect(again.res.headers.get("idempotent-replayed")).toBe("true");
      expect(again.res.headers.get("location")).toBe(first.res.headers.get("location"));
    }
    expect(await ordersOf(c.id)).toHaveLength(1);
    expect(await remaining(c.black)).toBe(9);
    const row = await keyRow(c.id, key);
    expect(row).toMatchObject({ status: "done", response_status: 201 });
    // The stored reply holds no token: manage_url is derived again on replay.
    expect(String(row!.response_body)).not.toContain("manage_url");
    expect(Number(row!.expires_at) - Number(row!.created_at)).toBeGreaterThanOrEqual(
      24 * 3_600_000,
    );
  });

  it("a final error is stored and replayed too (sold_out stays sold_out for that key)", async () => {
    const c = await presale();
    const key = newKey();
    const body = orderBody([[c.white, 6]]);
    const first = await order(c.slug, body, { key });
    expect(first.status).toBe(409);
    const again = await order(c.slug, body, { key });
    expect(again.status).toBe(409);
    expect(again.text).toBe(first.text);
    expect(again.res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("422 idempotency_key_reused for the same key with another body", async () => {
    const c = await presale();
    const key = newKey();
    expect((await order(c.slug, orderBody([[c.black, 1]]), { key })).status).toBe(201);
    const other = await order(c.slug, orderBody([[c.black, 2]]), { key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect(await ordersOf(c.id)).toHaveLength(1);
    // Keys are scoped per campaign: the same key elsewhere is a new request.
    const d = await presale();
    expect((await order(d.slug, orderBody([[d.black, 1]]), { key })).status).toBe(201);
  });

  it("409 idempotency_in_flight with Retry-After while the first request holds the key", async () => {
    const c = await presale();
    const key = newKey();
    const body = orderBody([[c.black, 1]]);
    const now = Date.now();
    // The first request is "still running": its row is in flight and locked.
    const first = await order(c.slug, body, { key });
    await env.DB.prepare(
      "UPDATE idempotency_keys SET status = 'in_flight', locked_until = ?, response_status = NULL WHERE scope = ? AND key = ?",
    )
      .bind(now + 12_000, `preorders:${c.id}`, key)
      .run();
    const second = await order(c.slug, body, { key });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe("idempotency_in_flight");
    const retry = Number(second.res.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(12);
    expect(first.status).toBe(201);
    expect(await ordersOf(c.id)).toHaveLength(1);
  });

  it("a key whose first request died (lock passed) is taken over and runs once", async () => {
    const c = await presale();
    const now = Date.now();
    const body = orderBody([[c.black, 1]]);
    const dead = async (key: string, hash: string, expiresAt = now + 86_400_000) =>
      createDb(env.DB)
        .insert(idempotencyKeys)
        .values({
          scope: `preorders:${c.id}`,
          key,
          requestHash: hash,
          status: "in_flight",
          lockedUntil: now - 1,
          expiresAt,
        });
    const sameHash = await preorderRequestHash(body);
    const k1 = newKey();
    await dead(k1, sameHash);
    const taken = await order(c.slug, body, { key: k1 });
    expect(taken.status, taken.text).toBe(201);
    expect(await keyRow(c.id, k1)).toMatchObject({ status: "done", response_status: 201 });

    // Another body than the dead request's is still a reuse…
    const k2 = newKey();
    await dead(k2, "hash-of-another-body");
    expect((await order(c.slug, orderBody([[c.black, 1]]), { key: k2 })).status).toBe(422);
    // …until the row is past its TTL: then the key is free again.
    const k3 = newKey();
    await dead(k3, "hash-of-another-body", now - 1);
    expect((await order(c.slug, orderBody([[c.black, 1]]), { key: k3 })).status).toBe(201);
    expect(await ordersOf(c.id)).toHaveLength(2);
  });

  it("50 concurrent requests with one key make one order", async () => {
    const c = await presale();
    const key = newKey();
    const body = orderBody([[c.black, 1]], {}, uniqueEmail("same-key"));
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => order(c.slug, body, { key })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body.code).toBe("idempotency_in_flight");
      expect(r.res.headers.get("retry-after")).not.toBeNull();
    }
    const ids = new Set(replies.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(await ordersOf(c.id)).toHaveLength(1);
    expect(await remaining(c.black)).toBe(9);
  });

  it("invalid input is not stored: the corrected request may reuse the key", async () => {
    const c = await presale();
    const key = newKey();
    const bad = await order(
      c.slug,
      { ...orderBody([[c.black, 1]]), email: "not-an-email" },
      {
        key,
      },
    );
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("validation_failed");
    expect(await keyRow(c.id, key)).toBeNull();
    const fixed = await order(c.slug, orderBody([[c.black, 1]]), { key });
    expect(fixed.status, fixed.text).toBe(201);
    expect(fixed.res.headers.get("idempotent-replayed")).toBeNull();
  });

  it("an unproven order over the whole unit budget is a final 409, not a 429 to wait out", async () => {
    const c = await presale({ variants: [{ name: "Black", price: 4900, stock: 100 }] });
    const key = newKey();
    const big = await order(c.slug, orderBody([[c.black, 11]]), { key });
    expect(big.status).toBe(409);
    expect(big.body).toMatchObject({
      code: "limit_exceeded",
      limit: "unverified_units_per_order",
      max: 10,
    });
    expect(big.res.headers.get("retry-after")).toBeNull();
    expect(await remaining(c.black)).toBe(100);
    // With proof of email the same quantity is fine.
    const fan = await signupWithToken(c.id);
    const proven = await order(
      c.slug,
      orderBody([[c.black, 11]], { status_token: fan.token }, fan.email),
    );
    expect(proven.status, proven.text).toBe(201);
  });

  it("a 429 is not stored: the key can be used again", async () => {
    const c = await presale({ variants: [{ name: "Black", price: 4900, stock: 100 }] });
    const ip = "203.0.113.77";
    const key = newKey();
    // Spend the IP's hourly budget of unverified units (10): five orders of two.
    for (let i = 0; i < 5; i++) {
      expect((await order(c.slug, orderBody([[c.black, 2]]), { ip })).status).toBe(201);
    }
    expect(await remaining(c.black)).toBe(90);
    const limited = await order(c.slug, orderBody([[c.black, 1]]), { ip, key });
    expect(limited.status).toBe(429);
    expect(limited.res.headers.get("retry-after")).not.toBeNull();
    expect(await keyRow(c.id, key)).toBeNull();
    const elsewhere = await order(c.slug, orderBody([[c.black, 1]]), { key });
    expect(elsewhere.status, elsewhere.text).toBe(201);
  });

  it("the cleanup task deletes replies past their TTL", async () => {
    const c = await presale();
    const key = newKey();
    await order(c.slug, orderBody([[c.black, 1]]), { key });
    const db = createDb(env.DB);
    expect((await deleteExpiredIdempotencyKeys(db, Date.now())).deleted).toBe(0);
    expect(await keyRow(c.id, key)).not.toBeNull();
    await deleteExpiredIdempotencyKeys(db, Date.now() + 25 * 3_600_000);
    expect(await keyRow(c.id, key)).toBeNull();
  });
});
