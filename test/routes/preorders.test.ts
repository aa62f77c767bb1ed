import { describe, expect, it } from "vitest";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { ok } from "../helpers/client";
import {
  itemsOf,
  mailOf,
  order,
  orderBody,
  orderRow,
  presale,
  remaining,
  signupWithToken,
  uniqueEmail,
} from "./preorders-helpers";

describe("POST /v1/campaigns/{slug}/preorders", () => {
  it("a status token proves the email: reserved at once, units taken, receipt queued", async () => {
    const c = await presale({ cancel_allowed_until: "2099-01-01T00:00:00Z" });
    const { signup, token, email } = await signupWithToken(c.id);
    const r = await order(
      c.slug,
      orderBody(
        [
          [c.black, 2],
          [c.white, 1],
        ],
        { status_token: token, name: "Jane" },
        email,
      ),
    );
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      status: "reserved",
      total: 2 * 4900 + 5900,
      currency: "USD",
      expires_at: null,
      items: [
        { variant_id: c.black, name: "Black", quantity: 2, unit_price: 4900, line_total: 9800 },
        { variant_id: c.white, name: "White", quantity: 1, unit_price: 5900, line_total: 5900 },
      ],
    });
    expect(r.body.id).toMatch(/^ord_/);
    expect(r.body.manage_url).toMatch(/^https:\/\/presale\.test\/o\/[\w-]+\.[\w-]+$/);
    expect(r.res.headers.get("location")).toBe(`/v1/preorders/${r.body.id}`);
    expect(r.usage.queries).toBeLessThanOrEqual(20);
    expect(await remaining(c.black)).toBe(8);
    expect(await remaining(c.white)).toBe(4);
    const row = await orderRow(r.body.id);
    expect(row).toMatchObject({ status: "reserved", signup_id: signup.id, email, name: "Jane" });
    expect(row!.verified_at).not.toBeNull();
    const mail = await mailOf(c.id);
    expect(mail.map((m) => m.template)).toEqual(["order_receipt"]);
    expect(mail[0]!.payload).toEqual({
      orderId: r.body.id,
      items: [
        { name: "Black", quantity: 2, unitPrice: 4900 },
        { name: "White", quantity: 1, unitPrice: 5900 },
      ],
      total: 15700,
      currency: "USD",
      cancelUntil: "2099-01-01T00:00:00.000Z",
    });
  });

  it("without proof the order is pending_verification: units held, verify email, a deadline", async () => {
    const c = await presale({ verify_minutes: 30 });
    const before = Date.now();
    const r = await order(c.slug, orderBody([[c.black, 1]], { locale: "uz" }));
    expect(r.status, r.text).toBe(201);
    expect(r.body.status).toBe("pending_verification");
    const deadline = Date.parse(r.body.expires_at);
    expect(deadline).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(await remaining(c.black)).toBe(9);
    const mail = await mailOf(c.id);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ template: "order_verify", locale: "uz" });
    expect(mail[0]!.payload).toMatchObject({ expiresMinutes: 30, total: 4900 });
    expect((await orderRow(r.body.id))!.signup_id).toBeNull();
  });

  it("merges lines of one variant and takes prices from the database", async () => {
    const c = await presale();
    const r = await order(
      c.slug,
      orderBody([
        [c.black, 1],
        [c.black, 1],
      ]),
    );
    expect(r.status, r.text).toBe(201);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ quantity: 2, unit_price: 4900 });
    const items = await itemsOf(r.body.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ quantity: 2, unit_price: 4900, variant_name: "Black" });

    // A price change later never touches the order.
    await ok(patchCampaign(c.id, { variants: [{ id: c.black, price: 1 }] }));
    expect((await itemsOf(r.body.id))[0]!.unit_price).toBe(4900);
    expect((await orderRow(r.body.id))!.total).toBe(9800);
  });

  it("refuses a client-sent price or total (unknown fields), writing nothing", async () => {
    const c = await presale();
    const cheap = orderBody([[c.black, 1]]);
    const withPrice = {
      ...cheap,
      items: [{ variant_id: c.black, quantity: 1, unit_price: 1 }],
    };
    const r1 = await order(c.slug, withPrice);
    expect(r1.status).toBe(422);
    expect(r1.body.code).toBe("validation_failed");
    const r2 = await order(c.slug, { ...cheap, total: 1, currency: "XXX" });
    expect(r2.status).toBe(422);
    expect(await remaining(c.black)).toBe(10);
  });

  it("409 sold_out names the variant and what is left; nothing is written", async () => {
    const c = await presale();
    const first = await order(c.slug, orderBody([[c.white, 4]], {}, uniqueEmail()));
    expect(first.status, first.text).toBe(201);
    const r = await order(
      c.slug,
      orderBody([
        [c.black, 1],
        [c.white, 2],
      ]),
    );
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      code: "sold_out",
      variant_id: c.white,
      variant_name: "White",
      remaining: 1,
      requested: 2,
      detail: 'Only 1 of "White" left',
    });
    expect(r.res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await remaining(c.black)).toBe(10);
    expect(await remaining(c.white)).toBe(1);
  });

  it("409 limit_exceeded past the per-customer cap, over all the email's live orders", async () => {
    const c = await presale();
    const email = uniqueEmail("capped");
    expect((await order(c.slug, orderBody([[c.black, 3]], {}, email))).body).toMatchObject({
      code: "limit_exceeded",
      per_customer_limit: 2,
    });
    expect((await order(c.slug, orderBody([[c.black, 1]], {}, email))).status).toBe(201);
    const r = await order(c.slug, orderBody([[c.black, 2]], {}, email.toUpperCase()));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      code: "limit_exceeded",
      variant_id: c.black,
      per_customer_limit: 2,
      already_ordered: 1,
    });
    expect(await remaining(c.black)).toBe(9);
  });

  it("409 campaign_closed unless the campaign is in presale; 404 for drafts and unknown slugs", async () => {
    const c = await presale();
    await ok(patchCampaign(c.id, { status: "paused" }));
    const r = await order(c.slug, orderBody([[c.black, 1]]));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "campaign_closed", campaign_status: "paused" });
    expect((await order("no-such-campaign", orderBody([[c.black, 1]]))).status).toBe(404);
  });

  it("422 for variants of another campaign, bad emails, empty items and bad quantities", async () => {
    const c = await presale();
    const other = await presale();
    const bad = [
      orderBody([[other.black, 1]]),
      orderBody([[c.black, 1]], { email: "not-an-email" }),
      { email: uniqueEmail(), items: [] },
      orderBody([[c.black, 0]]),
      orderBody([[c.black, 1.5]]),
      orderBody([[c.black, 1]], { name: "two\nlines" }),
      orderBody([[c.black, 1]], { status_token: "forged.token" }),
    ];
    for (const body of bad) {
      const r = await order(c.slug, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_failed");
    }
    expect(await remaining(c.black)).toBe(10);
    expect(await mailOf(c.id)).toEqual([]);
  });

  it("415 for a form post, 400 for a broken body, 413 past the size limit", async () => {
    const c = await presale();
    const form = await order(c.slug, "email=a%40b.co", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect((await order(c.slug, "{not json")).status).toBe(400);
    const huge = orderBody([[c.black, 1]], { name: "x".repeat(70_000) });
    expect((await order(c.slug, huge)).status).toBe(413);
  });

  it("refuses a total past 2^53 minor units instead of rounding it", async () => {
    const c = await presale({
      variants: [{ name: "Villa", price: 999_999_999_999, stock: 20_000 }],
    });
    const { token, email } = await signupWithToken(c.id);
    const items = Array.from({ length: 10 }, () => [c.black, 1000] as [string, number]);
    const r = await order(c.slug, orderBody(items, { status_token: token }, email));
    expect(r.status, r.text).toBe(422);
    expect(r.body).toMatchObject({ code: "validation_failed" });
    expect(JSON.stringify(r.body.errors)).toContain("too large");
    expect(await remaining(c.black)).toBe(20_000);
  });
});
