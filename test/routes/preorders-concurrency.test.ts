/**
 * Forced interleavings: many orders racing for the same units, caps and
 * invite uses. D1 runs each order's batch as one serialized transaction, and
 * the caps are CHECKs and triggers inside it, so however the requests
 * interleave, exactly the allowed number commit and the rest change nothing.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  inviteRow,
  mailOf,
  newKey,
  order,
  orderBody,
  ordersOf,
  presale,
  remaining,
  sharedInvite,
  signupWithToken,
  uniqueEmail,
} from "./preorders-helpers";

const many = <T>(n: number, f: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => f(i)));

const count = (replies: { status: number }[], status: number) =>
  replies.filter((r) => r.status === status).length;

async function soldUnits(variantId: string) {
  const row = await env.DB.prepare(
    `SELECT coalesce(sum(i.quantity), 0) AS n FROM preorder_items i JOIN preorders p ON p.id = i.preorder_id
     WHERE i.variant_id = ? AND p.status IN ('pending_verification', 'reserved', 'confirmed', 'fulfilled')`,
  )
    .bind(variantId)
    .first<{ n: number }>();
  return row!.n;
}

describe("concurrent pre-orders", () => {
  it("50 buyers for 10 units: exactly 10 orders, the rest sold_out, never below zero", async () => {
    const c = await presale({ variants: [{ name: "Lamp", price: 4900, stock: 10 }] });
    const replies = await many(50, () => order(c.slug, orderBody([[c.black, 1]])));
    expect(count(replies, 201)).toBe(10);
    expect(count(replies, 409)).toBe(40);
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body).toMatchObject({ code: "sold_out", variant_id: c.black, remaining: 0 });
    }
    expect(await remaining(c.black)).toBe(0);
    expect(await soldUnits(c.black)).toBe(10);
    expect(await ordersOf(c.id)).toHaveLength(10);
    expect(await mailOf(c.id)).toHaveLength(10);
  });

  it("proven buyers skip the early check: the CHECK alone stops the oversell", async () => {
    const c = await presale({ variants: [{ name: "Lamp", price: 4900, stock: 10 }] });
    const buyers = await many(30, () => signupWithToken(c.id));
    const replies = await many(30, (i) =>
      order(
        c.slug,
        orderBody([[c.black, 1]], { status_token: buyers[i]!.token }, buyers[i]!.email),
      ),
    );
    expect(count(replies, 201)).toBe(10);
    expect(replies.every((r) => r.status === 201 || r.body.code === "sold_out")).toBe(true);
    expect(await remaining(c.black)).toBe(0);
    expect(await soldUnits(c.black)).toBe(10);
  });

  it("one email racing its per-customer cap gets exactly the cap", async () => {
    const c = await presale();
    const { token, email } = await signupWithToken(c.id);
    const replies = await many(10, () =>
      order(c.slug, orderBody([[c.black, 1]], { status_token: token }, email)),
    );
    expect(count(replies, 201)).toBe(2);
    expect(replies.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(
      Array(8).fill("limit_exceeded"),
    );
    expect(await remaining(c.black)).toBe(8);
  });

  it("one made-up email racing: at most 2 live unverified orders", async () => {
    const c = await presale();
    const email = uniqueEmail("fake");
    const replies = await many(6, () => order(c.slug, orderBody([[c.white, 1]], {}, email)));
    expect(count(replies, 201)).toBe(2);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.body).toMatchObject({
        code: "limit_exceeded",
        limit: "unverified_orders_per_email",
      });
    }
    expect(await remaining(c.white)).toBe(3);
  });

  it("a shared code with 3 uses left, 10 buyers: exactly 3 orders and 3 uses", async () => {
    const c = await presale({ invite_only: true });
    const invite = await sharedInvite(c.id, { maxUses: 3 });
    const replies = await many(10, () =>
      order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code })),
    );
    expect(count(replies, 201)).toBe(3);
    for (const r of replies.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: "invite_required", reason: "used_up" });
    }
    expect((await inviteRow(invite.id))!.uses).toBe(3);
    expect(await remaining(c.black)).toBe(7);
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM invite_redemptions WHERE invite_id = ?",
    )
      .bind(invite.id)
      .all<{ n: number }>();
    expect(results[0]!.n).toBe(3);
  });
});

describe("a batch with a failing statement changes nothing", () => {
  it("an oversell on the last line leaves stock, orders, items, uses, redemptions and mail untouched", async () => {
    const c = await presale({ invite_only: true });
    const invite = await sharedInvite(c.id, { maxUses: 5 });
    const { token, email } = await signupWithToken(c.id);
    const key = newKey();
    const r = await order(
      c.slug,
      orderBody(
        [
          [c.black, 1],
          [c.white, 6],
        ],
        { status_token: token, invite_code: invite.code },
        email,
      ),
      { key },
    );
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "sold_out", variant_id: c.white, remaining: 5 });
    expect(await remaining(c.black)).toBe(10);
    expect(await remaining(c.white)).toBe(5);
    expect(await ordersOf(c.id)).toEqual([]);
    expect((await inviteRow(invite.id))!.uses).toBe(0);
    expect(await mailOf(c.id)).toEqual([]);
    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM preorder_items i JOIN variants v ON v.id = i.variant_id
         WHERE v.campaign_id = ?1) AS items,
       (SELECT count(*) FROM invite_redemptions WHERE invite_id = ?2) AS redemptions`,
    )
      .bind(c.id, invite.id)
      .first<{ items: number; redemptions: number }>();
    expect(counts).toEqual({ items: 0, redemptions: 0 });
    // The key holds the final error, not an order.
    const stored = await env.DB.prepare(
      "SELECT response_status FROM idempotency_keys WHERE key = ?",
    )
      .bind(key)
      .first<{ response_status: number }>();
    expect(stored!.response_status).toBe(409);
  });

  it("a code revoked after it was read aborts the whole order", async () => {
    const c = await presale({ invite_only: true });
    const invite = await sharedInvite(c.id, { maxUses: 5 });
    await env.DB.prepare("UPDATE invite_codes SET revoked_at = ? WHERE id = ?")
      .bind(Date.now(), invite.id)
      .run();
    const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code }));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "invite_required", reason: "revoked" });
    expect(await remaining(c.black)).toBe(10);
    expect(await ordersOf(c.id)).toEqual([]);
  });

  it("the per-IP budget of unverified units is spent inside the order batch: a refused order holds nothing", async () => {
    const c = await presale({ variants: [{ name: "Black", price: 4900, stock: 100 }] });
    const ip = "203.0.113.91";
    // 9 of the IP's 10 unverified units per hour.
    for (let i = 0; i < 3; i++) {
      expect((await order(c.slug, orderBody([[c.black, 3]]), { ip })).status).toBe(201);
    }
    // A sold_out refusal spends nothing.
    expect((await order(c.slug, orderBody([[c.black, 101]]), { ip })).status).toBe(409);
    // Five orders of one unit race for the last unit of budget.
    const replies = await many(5, () => order(c.slug, orderBody([[c.black, 1]]), { ip }));
    expect(count(replies, 201)).toBe(1);
    expect(count(replies, 429)).toBe(4);
    for (const r of replies.filter((x) => x.status === 429)) {
      expect(r.body.code).toBe("rate_limited");
      const retry = Number(r.res.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(3600);
    }
    expect(await remaining(c.black)).toBe(90);
    expect(await ordersOf(c.id)).toHaveLength(4);
    expect(await mailOf(c.id)).toHaveLength(4);
    const counter = await env.DB.prepare(
      "SELECT sum(count) AS units FROM rate_counters WHERE key LIKE 'preorder_units:ip:%' AND count > 0 AND key IN (SELECT 'preorder_units:ip:' || ip_hmac FROM preorders WHERE campaign_id = ?)",
    )
      .bind(c.id)
      .first<{ units: number }>();
    expect(counter!.units).toBe(10);
    // A proven order (status token) is not limited by the IP budget.
    const fan = await signupWithToken(c.id);
    const proven = await order(
      c.slug,
      orderBody([[c.black, 1]], { status_token: fan.token }, fan.email),
      { ip },
    );
    expect(proven.status, proven.text).toBe(201);
  });
});
