import { describe, expect, it } from "vitest";
import {
  auditRows,
  newCampaign,
  patchCampaign as patch,
  uniqueSlug,
} from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json, ok } from "../helpers/client";

describe("PATCH settings", () => {
  it("updates only what is sent, audited with from/to", async () => {
    const c = await newCampaign();
    const res = await ok(
      patch(c.id, {
        name: "New name",
        opens_at: "2031-01-01T00:00:00Z",
        allowed_origins: ["https://shop.example.com"],
        referral_boost_hours: 48,
      }),
    );
    expect(res).toMatchObject({
      name: "New name",
      currency: "USD",
      opens_at: "2031-01-01T00:00:00.000Z",
      allowed_origins: ["https://shop.example.com"],
      referral_boost_hours: 48,
      version: 2,
    });
    const audit = (await auditRows(c.id)).at(-1)!;
    expect(audit.changes).toEqual({
      name: { from: "Lamp", to: "New name" },
      opens_at: { from: null, to: "2031-01-01T00:00:00.000Z" },
      allowed_origins: { from: [], to: ["https://shop.example.com"] },
      referral_boost_hours: { from: 24, to: 48 },
    });
    // closes_at must stay after opens_at, also when only one of them is sent.
    const bad = await expectProblem(
      await patch(c.id, { closes_at: "2030-12-31T00:00:00Z" }),
      422,
      "validation_failed",
    );
    expect(bad.errors).toEqual([{ path: "closes_at", message: "Must be after opens_at" }]);
    // An empty PATCH is a no-op without an audit row.
    const before = (await auditRows(c.id)).length;
    expect((await ok(patch(c.id, {}))).version).toBe(2);
    expect((await auditRows(c.id)).length).toBe(before);
  });

  it("replaces questions by key (kept keys keep their id) and order fields as a list", async () => {
    const c = await newCampaign();
    const whyId = c.questions[0]!.id;
    const res = await ok(
      patch(c.id, {
        questions: [
          {
            key: "size",
            label: { en: "Size" },
            type: "multi_choice",
            options: [{ value: "s", label: { en: "S" } }],
          },
          { key: "why", label: { en: "Why, really?" }, type: "text", required: true },
        ],
        order_fields: [
          { key: "phone", label: { en: "Phone", uz: "Telefon" }, type: "phone", required: true },
        ],
      }),
    );
    expect(res.questions.map((q) => [q.key, q.sort_order])).toEqual([
      ["size", 0],
      ["why", 1],
    ]);
    const why = res.questions.find((q) => q.key === "why")!;
    expect(why).toMatchObject({
      id: whyId,
      required: true,
      label: { en: "Why, really?" },
      max_length: null,
    });
    expect(res.order_fields).toEqual([
      {
        key: "phone",
        label: { en: "Phone", uz: "Telefon" },
        type: "phone",
        required: true,
        max_length: null,
      },
    ]);
    const cleared = await ok(patch(c.id, { questions: [] }));
    expect(cleared.questions).toEqual([]);
  });

  it("slug and currency are fixed once published; version mismatches are refused", async () => {
    const c = await newCampaign();
    const slug = uniqueSlug();
    expect((await ok(patch(c.id, { slug, currency: "UZS" }))).slug).toBe(slug);
    const taken = await newCampaign();
    await expectProblem(await patch(taken.id, { slug }), 409, "conflict");
    await ok(patch(c.id, { status: "waitlist" }));
    await expectProblem(await patch(c.id, { slug: uniqueSlug() }), 409, "conflict");
    await expectProblem(await patch(c.id, { currency: "EUR" }), 409, "conflict");
    const stale = await expectProblem(
      await patch(c.id, { name: "x", version: 1 }),
      409,
      "conflict",
    );
    expect(stale.version).toBe(3);
  });

  it("rejects unknown fields, wrong types and bad bodies", async () => {
    const c = await newCampaign();
    const unknown = await expectProblem(
      await call(`/v1/admin/campaigns/${c.id}`, {
        ...json({ nam: "x" }, adminHeaders()),
        method: "PATCH",
      }),
      422,
      "validation_failed",
    );
    expect(unknown.errors).toBeDefined();
    const typed = await expectProblem(
      await call(`/v1/admin/campaigns/${c.id}`, {
        ...json({ invite_only: "yes", variants: {} }, adminHeaders()),
        method: "PATCH",
      }),
      422,
      "validation_failed",
    );
    expect((typed.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      "invite_only",
      "variants",
    ]);
    await expectProblem(
      await call(`/v1/admin/campaigns/${c.id}`, {
        method: "PATCH",
        headers: { ...adminHeaders(), "Content-Type": "application/json" },
        body: "{nope",
      }),
      400,
      "malformed_body",
    );
    await expectProblem(await patch("cmp_missing", { name: "x" }), 404, "not_found");
  });
});
