import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminHeaders, call, expectProblem, lastUsage } from "../helpers/client";
import { D1_MAX_QUERIES } from "../helpers/d1-guard";
import { keyOf, presaleCampaign, seedOrders, variantsOf } from "./admin-preorders-helpers";

const listUrl = (id: string, q = "") => `/v1/admin/campaigns/${id}/preorders${q ? `?${q}` : ""}`;
type Order = { id: string } & Record<string, unknown>;
type VariantTotals = { name: string; stock: number; remaining: number; sold: number; held: number };
/** The reply of a list (items, next_cursor) or totals (variants, totals, …) read. */
type Reply = {
  items: Order[];
  next_cursor: string | null;
  currency: string;
  variants: VariantTotals[];
  totals: Record<string, number>;
  orders_by_status: Record<string, number>;
};
const get = async (path: string, token?: string) => {
  const res = await call(path, { headers: adminHeaders(token) });
  return { res, body: (await res.json()) as Reply };
};

describe("GET /v1/admin/campaigns/{id}/preorders", () => {
  it("lists orders newest first with their lines, filtered by status, variant and email", async () => {
    const c = await presaleCampaign();
    const v = await variantsOf(c.id);
    const [black, white] = [v.Black!.id, v.White!.id];
    const ids = await seedOrders(c.id, [
      { email: "ann@example.com", items: [{ variantId: black, quantity: 2 }], status: "reserved" },
      {
        email: "bob@example.com",
        name: "Robert'); DROP TABLE preorders;--",
        items: [
          { variantId: black, quantity: 1 },
          { variantId: white, quantity: 1, unitPrice: 5900, name: "White" },
        ],
        status: "confirmed",
        fields: { phone: "+998 90 123 45 67" },
      },
      { email: "cy@example.com", items: [{ variantId: white, quantity: 1 }], status: "cancelled" },
      { items: [{ variantId: black, quantity: 1 }], status: "fulfilled", erased: true },
    ]);

    const all = await get(listUrl(c.id));
    expect(all.res.status).toBe(200);
    expect(all.body.items.map((o) => o.id)).toEqual([...ids].reverse());
    const bob = all.body.items.find((o) => o.id === ids[1]);
    expect(bob).toMatchObject({
      status: "confirmed",
      email: "bob@example.com",
      name: "Robert'); DROP TABLE preorders;--",
      total: 4900 + 5900,
      currency: "USD",
      fields: { phone: "+998 90 123 45 67" },
      erased: false,
      items: [
        { variant_id: black, variant_name: "Black", quantity: 1, unit_price: 4900 },
        { variant_id: white, variant_name: "White", quantity: 1, unit_price: 5900 },
      ],
    });
    expect(bob?.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const erased = all.body.items.find((o) => o.id === ids[3]);
    expect(erased).toMatchObject({ email: null, name: null, erased: true, total: 4900 });

    const confirmed = await get(listUrl(c.id, "status=confirmed"));
    expect(confirmed.body.items.map((o) => o.id)).toEqual([ids[1]]);
    const withWhite = await get(listUrl(c.id, `variant_id=${white}`));
    expect(withWhite.body.items.map((o) => o.id)).toEqual([ids[2], ids[1]]);
    const byEmail = await get(listUrl(c.id, "email=ANN"));
    expect(byEmail.body.items.map((o) => o.id)).toEqual([ids[0]]);
    // LIKE wildcards match themselves.
    expect((await get(listUrl(c.id, "email=%25"))).body.items).toEqual([]);
  });

  it("pages with an opaque cursor, in one query per page", async () => {
    const c = await presaleCampaign({
      variants: [{ name: "Black", price: 4900, stock: 500 }],
    });
    const v = await variantsOf(c.id);
    await seedOrders(
      c.id,
      Array.from({ length: 25 }, () => ({ items: [{ variantId: v.Black!.id, quantity: 1 }] })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(listUrl(c.id, `limit=10${cursor ? `&cursor=${cursor}` : ""}`));
      expect(page.res.status).toBe(200);
      expect(lastUsage!.queries).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((o) => o.id));
      cursor = page.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    await expectProblem(
      call(listUrl(c.id, "cursor=garbage"), { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
  });

  it("answers 404 for an unknown campaign and 422 for bad filters", async () => {
    await expectProblem(call(listUrl("cmp_nope"), { headers: adminHeaders() }), 404, "not_found");
    const c = await presaleCampaign();
    await expectProblem(
      call(listUrl(c.id, "status=shipped"), { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
    await expectProblem(
      call(listUrl(c.id, "limit=1000"), { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
  });

  it("needs a token (401); a viewer may read", async () => {
    const c = await presaleCampaign();
    await expectProblem(call(listUrl(c.id)), 401, "unauthorized");
    await expectProblem(
      call(listUrl(c.id), { headers: adminHeaders("wrong") }),
      401,
      "unauthorized",
    );
    const viewer = await keyOf("viewer");
    expect((await get(listUrl(c.id), viewer)).res.status).toBe(200);
    expect((await get(`${listUrl(c.id)}/totals`, viewer)).res.status).toBe(200);
  });
});

describe("GET /v1/admin/campaigns/{id}/preorders/totals", () => {
  it("counts sold, held, remaining and revenue per variant at the order's prices", async () => {
    const c = await presaleCampaign();
    const v = await variantsOf(c.id);
    const [black, white] = [v.Black!.id, v.White!.id];
    await seedOrders(c.id, [
      { items: [{ variantId: black, quantity: 2, unitPrice: 4900 }], status: "reserved" },
      // Bought before a price change: revenue uses the copied price.
      { items: [{ variantId: black, quantity: 1, unitPrice: 3900 }], status: "confirmed" },
      { items: [{ variantId: black, quantity: 1 }], status: "pending_verification" },
      { items: [{ variantId: black, quantity: 3 }], status: "cancelled" },
      { items: [{ variantId: white, quantity: 1, unitPrice: 5900 }], status: "fulfilled" },
      { items: [{ variantId: white, quantity: 1, unitPrice: 5900 }], status: "expired" },
    ]);
    // One unit of White held for a backfill invitee (taken out of remaining).
    const signup = await env.DB.prepare(
      `INSERT INTO signups (id, campaign_id, email, email_normalized, referral_code, score, consent_at)
       VALUES ('sgn_totals_' || ?1, ?1, 'h@example.com', 'h@example.com', 'R' || ?1, 1, 1) RETURNING id`,
    )
      .bind(c.id)
      .first<{ id: string }>();
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO holds (id, campaign_id, variant_id, signup_id, quantity, status, expires_at)
         VALUES ('hld_totals_' || ?1, ?1, ?2, ?3, 1, 'held', ?4)`,
      ).bind(c.id, white, signup!.id, Date.now() + 3_600_000),
      env.DB.prepare("UPDATE variants SET remaining = remaining - 1 WHERE id = ?").bind(white),
    ]);

    const { res, body } = await get(`${listUrl(c.id)}/totals`);
    expect(res.status).toBe(200);
    expect(body.currency).toBe("USD");
    const byName = Object.fromEntries(body.variants.map((x) => [x.name, x]));
    expect(byName.Black).toMatchObject({
      stock: 10,
      sold: 4,
      held: 0,
      remaining: 6,
      revenue: 2 * 4900 + 3900 + 4900,
      units_by_status: { pending_verification: 1, reserved: 2, confirmed: 1, fulfilled: 0 },
    });
    expect(byName.White).toMatchObject({ stock: 5, sold: 1, held: 1, remaining: 3, revenue: 5900 });
    for (const x of body.variants) expect(x.stock).toBe(x.remaining + x.sold + x.held);
    expect(body.totals).toEqual({
      stock: 15,
      remaining: 9,
      held: 1,
      sold: 5,
      revenue: 2 * 4900 + 3900 + 4900 + 5900,
    });
    expect(body.orders_by_status).toEqual({
      pending_verification: 1,
      reserved: 1,
      confirmed: 1,
      fulfilled: 1,
      cancelled: 1,
      expired: 1,
    });
    expect(lastUsage!.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
  });

  it("is 404 for an unknown campaign", async () => {
    await expectProblem(
      call("/v1/admin/campaigns/cmp_nope/preorders/totals", { headers: adminHeaders() }),
      404,
      "not_found",
    );
  });
});
