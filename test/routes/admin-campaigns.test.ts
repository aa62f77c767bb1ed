import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, auditRows, seedBody } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json, lastUsage, ok } from "../helpers/client";

const create = (body: Record<string, unknown> = seedBody()) =>
  call("/v1/admin/campaigns", json(body, adminHeaders()));

describe("POST /v1/admin/campaigns", () => {
  it("creates a draft with variants and questions in one batch, audited", async () => {
    const body = seedBody();
    const created = await ok(admin.v1.admin.campaigns.$post({ json: body }), 201);
    expect(created).toMatchObject({
      slug: body.slug,
      status: "draft",
      currency: "USD",
      default_locale: "en",
      invite_only: false,
      double_opt_in: true,
      show_remaining: true,
      referral_boost_hours: 24,
      version: 1,
    });
    expect(created.id).toMatch(/^cmp_[0-9a-z]{26}$/);
    expect(created.variants.map((v) => [v.name, v.price, v.stock, v.remaining, v.sold])).toEqual([
      ["Black", 4900, 100, 100, 0],
      ["White", 5900, 50, 50, 0],
    ]);
    expect(created.variants[0]!.per_customer_limit).toBe(2);
    expect(created.questions).toHaveLength(1);
    expect(created.questions[0]).toMatchObject({ key: "use_case", required: true });
    expect(created.questions[0]!.options).toHaveLength(2);
    expect(created.created_at).toMatch(/Z$/);
    expect(lastUsage!.maxParams).toBeLessThanOrEqual(100);

    const audit = await auditRows(created.id);
    expect(audit.map((a) => a.action)).toEqual(["campaign.create"]);
    expect(audit[0]!.changes).toMatchObject({ slug: body.slug, status: "draft" });

    const fetched = await ok(admin.v1.admin.campaigns[":id"].$get({ param: { id: created.id } }));
    expect(fetched).toEqual(created);
  });

  it("stores SQL-looking and unicode strings verbatim", async () => {
    const evil = "'); DROP TABLE campaigns;-- \" \\ %_ ☃ <b>";
    const body = { ...seedBody(), name: evil, description: `${evil}\n${evil}` };
    body.variants[0]!.name = evil;
    body.questions[0]!.label.en = evil;
    const created = await ok(admin.v1.admin.campaigns.$post({ json: body }), 201);
    expect(created.name).toBe(evil);
    expect(created.description).toBe(`${evil}\n${evil}`);
    expect(created.variants[0]!.name).toBe(evil);
    expect(created.questions[0]!.label.en).toBe(evil);
    const again = await ok(admin.v1.admin.campaigns[":id"].$get({ param: { id: created.id } }));
    expect(again.name).toBe(evil);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM campaigns").first("n")).toBeGreaterThan(
      0,
    );
  });

  it("refuses a taken slug with 409 conflict", async () => {
    const body = seedBody();
    await ok(admin.v1.admin.campaigns.$post({ json: body }), 201);
    const p = await expectProblem(await create({ ...body, name: "Other" }), 409, "conflict");
    expect(p.detail).toContain(body.slug);
  });

  it("validates with 422 and per-field paths", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...seedBody(), surprise: 1 }, ""],
      [{ ...seedBody(), slug: "Bad Slug" }, "slug"],
      [{ ...seedBody(), slug: "ab" }, "slug"],
      [{ ...seedBody(), currency: "usd" }, "currency"],
      [{ ...seedBody(), currency: "XYZ" }, "currency"],
      [{ ...seedBody(), default_locale: "fr" }, "default_locale"],
      [{ ...seedBody(), name: 42 }, "name"],
      [{ ...seedBody(), name: "   " }, "name"],
      [{ ...seedBody(), allowed_origins: ["https://shop.example.com/path"] }, "allowed_origins.0"],
      [{ ...seedBody(), allowed_origins: ["shop.example.com"] }, "allowed_origins.0"],
      [{ ...seedBody(), branding: { accent_color: "red" } }, "branding.accent_color"],
      [{ ...seedBody(), branding: { logo_url: "http://x.example/l.png" } }, "branding.logo_url"],
      [{ ...seedBody(), branding: { reply_to: "nope" } }, "branding.reply_to"],
      [{ ...seedBody(), opens_at: "tomorrow" }, "opens_at"],
      [
        { ...seedBody(), opens_at: "2030-01-02T00:00:00Z", closes_at: "2030-01-01T00:00:00Z" },
        "closes_at",
      ],
      [{ ...seedBody(), turnstile_enabled: true }, "turnstile_site_key"],
      [{ ...seedBody(), variants: [{ name: "x", price: -1, stock: 1 }] }, "variants.0.price"],
      [{ ...seedBody(), variants: [{ name: "x", price: 1.5, stock: 1 }] }, "variants.0.price"],
      [{ ...seedBody(), variants: [{ name: "x", price: 1, stock: "9" }] }, "variants.0.stock"],
      [
        { ...seedBody(), questions: [{ key: "Bad-Key", label: { en: "?" }, type: "text" }] },
        "questions.0.key",
      ],
      [
        { ...seedBody(), questions: [{ key: "c", label: { en: "?" }, type: "single_choice" }] },
        "questions.0.options",
      ],
      [
        {
          ...seedBody(),
          questions: [
            { key: "a", label: { en: "?" }, type: "text" },
            { key: "a", label: { en: "?" }, type: "checkbox" },
          ],
        },
        "questions.1.key",
      ],
      [{ ...seedBody(), audience_rules: { countries: ["uz"] } }, "audience_rules.countries.0"],
      [{ ...seedBody(), status: "presale" }, ""],
    ];
    for (const [body, path] of cases) {
      const p = await expectProblem(await create(body), 422, "validation_failed");
      const errors = p.errors as { path: string }[];
      if (path)
        expect(
          errors.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(path);
      else expect(errors.length).toBeGreaterThan(0);
    }
  });

  it("accepts the full set of settings", async () => {
    const body = {
      ...seedBody(),
      show_remaining: false,
      opens_at: "2030-01-01T00:00:00Z",
      closes_at: "2030-02-01T00:00:00+05:00",
      referral_boost_hours: 12,
      referral_milestones: [1, 3, 10],
      audience_rules: { allowed_domains: ["example.com"], countries: ["UZ"] },
      allowed_origins: ["https://shop.example.com", "http://localhost:3000"],
      branding: {
        accent_color: "#FF8800",
        logo_url: "https://cdn.example.com/logo.png",
        sender_name: "Aurora",
        reply_to: "hi@example.com",
        postal_address: "1 Main St, Tashkent",
      },
      order_fields: [
        { key: "phone", label: { en: "Phone" }, type: "phone" as const, required: true },
        { key: "address", label: { en: "Address" }, type: "address" as const },
      ],
      hold_minutes: 30,
      backfill_enabled: true,
      cancel_allowed_until: "2030-03-01T00:00:00Z",
      expected_ship_date: "2030-04-01",
      turnstile_enabled: true,
      turnstile_site_key: "0x4AAAAAAA-site_key",
    };
    const c = await ok(admin.v1.admin.campaigns.$post({ json: body }), 201);
    expect(c).toMatchObject({
      show_remaining: false,
      opens_at: "2030-01-01T00:00:00.000Z",
      closes_at: "2030-01-31T19:00:00.000Z",
      referral_boost_hours: 12,
      referral_milestones: [1, 3, 10],
      audience_rules: {
        allowed_domains: ["example.com"],
        blocked_domains: [],
        countries: ["UZ"],
        allow_list_only: false,
      },
      allowed_origins: body.allowed_origins,
      branding: body.branding,
      hold_minutes: 30,
      backfill_enabled: true,
      expected_ship_date: "2030-04-01",
      turnstile_enabled: true,
    });
    expect(c.order_fields[1]).toEqual({
      key: "address",
      label: { en: "Address" },
      type: "address",
      required: false,
      max_length: null,
    });
  });

  it("answers 400 to malformed JSON, 415 to a wrong type, 413 to an oversize body", async () => {
    const post = (body: string, type = "application/json") =>
      call("/v1/admin/campaigns", {
        method: "POST",
        headers: { ...adminHeaders(), "Content-Type": type },
        body,
      });
    await expectProblem(await post('{"slug": "x",'), 400, "malformed_body");
    await expectProblem(await post("slug=x", "text/plain"), 415, "unsupported_media_type");
    const big = JSON.stringify({ ...seedBody(), description: "x".repeat(70 * 1024) });
    await expectProblem(await post(big), 413, "payload_too_large");
  });
});
