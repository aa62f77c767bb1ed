import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { getPublicCampaign, PUBLIC_CAMPAIGN_CACHE_MS } from "../../src/domain/campaigns/read";
import { admin, type CampaignBody, uniqueSlug } from "../helpers/campaign-fixtures";
import { call, client, expectProblem, lastUsage, ok } from "../helpers/client";

const visitor = client();

async function published(
  extra: Partial<CampaignBody> = {},
  status: "waitlist" | "presale" = "waitlist",
) {
  const c = await ok(
    admin.v1.admin.campaigns.$post({
      json: {
        slug: uniqueSlug("pub"),
        name: "Lamp",
        description: "Warm light",
        currency: "UZS",
        default_locale: "uz",
        invite_only: true,
        variants: [
          { name: "Black", price: 490000, stock: 10, per_customer_limit: 2 },
          { name: "White", price: 590000, stock: 5 },
        ],
        questions: [
          {
            key: "room",
            label: { en: "Which room?", uz: "Qaysi xona?" },
            type: "single_choice",
            required: true,
            options: [{ value: "kitchen", label: { en: "Kitchen" } }],
          },
        ],
        allowed_origins: ["https://shop.example.com"],
        audience_rules: { allowed_domains: ["example.com"] },
        branding: { accent_color: "#112233", reply_to: "owner@example.com" },
        ...extra,
      },
    }),
    201,
  );
  await ok(
    admin.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { status: "waitlist" } }),
  );
  if (status === "presale") {
    await ok(admin.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { status } }));
  }
  return c;
}

const get = (slug: string) => visitor.v1.campaigns[":slug"].$get({ param: { slug } });

describe("GET /v1/campaigns/{slug}", () => {
  it("shows public fields only, cacheable by anyone, in one round trip", async () => {
    const c = await published({}, "presale");
    const res = await get(c.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=30");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(lastUsage!.queries).toBeLessThanOrEqual(3);
    const body = await ok(res);
    expect(body).toEqual({
      id: c.id,
      slug: c.slug,
      name: "Lamp",
      description: "Warm light",
      status: "presale",
      opens_at: null,
      closes_at: null,
      default_locale: "uz",
      currency: "UZS",
      invite_only: true,
      expected_ship_date: null,
      variants: [
        {
          id: c.variants[0]!.id,
          name: "Black",
          description: null,
          price: 490000,
          remaining: 10,
          sold_out: false,
          per_customer_limit: 2,
        },
        {
          id: c.variants[1]!.id,
          name: "White",
          description: null,
          price: 590000,
          remaining: 5,
          sold_out: false,
          per_customer_limit: null,
        },
      ],
      questions: [
        {
          key: "room",
          label: { en: "Which room?", uz: "Qaysi xona?" },
          help: null,
          type: "single_choice",
          required: true,
          options: [{ value: "kitchen", label: { en: "Kitchen" } }],
          max_length: null,
        },
      ],
      order_fields: [],
      referral: { enabled: true, boost_hours: 24 },
      turnstile_site_key: null,
      branding: { accent_color: "#112233", logo_url: null, sender_name: null },
    });
    const text = JSON.stringify(body);
    for (const secret of [
      "shop.example.com",
      "allowed_domains",
      "owner@example.com",
      "qst_",
      "version",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("never shows drafts or unknown slugs", async () => {
    const draft = await ok(
      admin.v1.admin.campaigns.$post({
        json: { slug: uniqueSlug("pub"), name: "Secret", currency: "USD" },
      }),
      201,
    );
    await expectProblem(await call(`/v1/campaigns/${draft.slug}`), 404, "not_found");
    await expectProblem(await call("/v1/campaigns/no-such-campaign"), 404, "not_found");
    await expectProblem(await call(`/v1/campaigns/${"x".repeat(65)}`), 422, "validation_failed");
  });

  it("hides remaining when the campaign says so, shows sold out and the Turnstile key", async () => {
    const c = await published({
      show_remaining: false,
      turnstile_enabled: true,
      turnstile_site_key: "0x4AAAAAAAsitekey",
    });
    await env.DB.prepare("UPDATE variants SET remaining = 0 WHERE id = ?")
      .bind(c.variants[1]!.id)
      .run();
    const body = await ok(get(c.slug));
    expect(body.turnstile_site_key).toBe("0x4AAAAAAAsitekey");
    expect(body.variants.map((v) => [v.remaining, v.sold_out])).toEqual([
      [undefined, false],
      [undefined, true],
    ]);
  });

  it("an isolate reuses the read for a few seconds; an edit here shows at once", async () => {
    const c = await published({}, "presale");
    const first = await ok(get(c.slug));
    expect(lastUsage!.queries).toBeGreaterThan(0);
    // A sale elsewhere: within the TTL this isolate still answers from memory.
    await env.DB.prepare("UPDATE variants SET remaining = remaining - 1 WHERE id = ?")
      .bind(c.variants[0]!.id)
      .run();
    const again = await ok(get(c.slug));
    expect(lastUsage!.queries).toBe(0);
    expect(again).toEqual(first);
    // Past the TTL the read is fresh (the domain function takes the clock).
    const later = await getPublicCampaign(createDb(env.DB), c.slug, {
      now: Date.now() + PUBLIC_CAMPAIGN_CACHE_MS + 1,
    });
    expect(later.variants[0]!.remaining).toBe(9);
    // An admin edit drops the entry: the next read shows it.
    await ok(
      admin.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { name: "Lamp 2" } }),
    );
    expect((await ok(get(c.slug))).name).toBe("Lamp 2");
    // Unknown slugs are never cached: a campaign published later shows at once.
    const slug = uniqueSlug("late");
    await expectProblem(await call(`/v1/campaigns/${slug}`), 404, "not_found");
    const late = await published({ slug });
    expect((await ok(get(slug))).id).toBe(late.id);
  });

  it("shows paused and closed campaigns with their status", async () => {
    const c = await published();
    await ok(
      admin.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { status: "paused" } }),
    );
    expect((await ok(get(c.slug))).status).toBe("paused");
    await ok(
      admin.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { status: "closed" } }),
    );
    expect((await ok(get(c.slug))).status).toBe("closed");
  });

  it("archives a removed variant that orders point at: hidden here, kept with its order's price", async () => {
    const c = await published({}, "presale");
    const v = c.variants[0]!;
    // A cancelled order once pointed at it (its unit went back, so nothing is sold now).
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO preorders (id, campaign_id, email, email_normalized, status, total, currency,
           cancelled_at, cancelled_by) VALUES (?, ?, 'a@example.com', 'a@example.com', 'cancelled', 490000, 'UZS', 1, 'admin')`,
      ).bind(`ord_${c.id}`, c.id),
      env.DB.prepare(
        `INSERT INTO preorder_items (id, preorder_id, variant_id, quantity, unit_price, variant_name)
         VALUES (?, ?, ?, 1, 490000, 'Black')`,
      ).bind(`itm_${c.id}`, `ord_${c.id}`, v.id),
    ]);
    const repriced = await ok(
      admin.v1.admin.campaigns[":id"].$patch({
        param: { id: c.id },
        json: { variants: [{ id: v.id, price: 1 }] },
      }),
    );
    expect(repriced.variants[0]!.price).toBe(1);
    expect(
      await env.DB.prepare("SELECT unit_price FROM preorder_items WHERE variant_id = ?")
        .bind(v.id)
        .first("unit_price"),
    ).toBe(490000);

    const after = await ok(
      admin.v1.admin.campaigns[":id"].$patch({
        param: { id: c.id },
        json: { variants: [{ id: v.id, remove: true }] },
      }),
    );
    expect(after.variants.find((x) => x.id === v.id)?.archived_at).toMatch(/Z$/);
    expect((await ok(get(c.slug))).variants.map((x) => x.id)).toEqual([c.variants[1]!.id]);
  });
});
