import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  inviteCodes,
  inviteRedemptions,
  outboxEmails,
  preorderItems,
  preorders,
  variants,
} from "../../src/db/schema";
import { adminHeaders, call, expectProblem, json } from "../helpers/client";
import { db, formPost, type Loose, makeCampaign, makeSignup, tokenFor } from "./status-fixtures";

/**
 * Everything personal about a test person contains its tag, so "no personal
 * data left" is "the tag appears nowhere in the database".
 */
let tags = 0;
const newTag = () => `zq${Date.now().toString(36)}x${++tags}`;
let viewer: string;
let editor: string;

async function apiKey(role: "viewer" | "editor") {
  const res = await call("/v1/admin/api-keys", json({ name: role, role }, adminHeaders()));
  return ((await res.json()) as { key: string }).key;
}

beforeAll(async () => {
  viewer = await apiKey("viewer");
  editor = await apiKey("editor");
});

/** A person with everything: answers, referral, invite, two orders, mail, audit entries. */
async function person(tag = newTag()) {
  const EMAIL = `Jane.${tag}@Example.com`;
  const NAME = `Jane ${tag}`;
  const PHONE = `+998 90 ${tag}`;
  const c = await makeCampaign({ name: "Aurora" });
  const referrer = await makeSignup(c.id);
  const s = await makeSignup(c.id, {
    email: EMAIL,
    name: NAME,
    referredBy: referrer.id,
    invitedAt: Date.now(),
  });
  await env.DB.prepare(
    "UPDATE signups SET answers = json_object('why', ?2), ip_hmac = ?3, utm_source = ?4, referrer = ?5, landing_url = ?6 WHERE id = ?1",
  )
    .bind(
      s.id,
      `desk of ${tag}`,
      `iphmac-${tag}`,
      `utm-${tag}`,
      `https://ref-${tag}.example/`,
      `https://landing.example/?ref=${tag}`,
    )
    .run();
  const [v] = await db
    .insert(variants)
    .values({ campaignId: c.id, name: "Black", price: 4900, stock: 10, remaining: 7 })
    .returning();
  const [invite] = await db
    .insert(inviteCodes)
    .values({
      campaignId: c.id,
      kind: "personal",
      signupId: s.id,
      codeHash: `hash-${s.id}`,
      codeHint: "K7QD…X2F9",
      uses: 1,
    })
    .returning();
  const order = (signupId: string | null, qty: number) => ({
    campaignId: c.id,
    signupId,
    email: EMAIL,
    emailNormalized: EMAIL.toLowerCase(),
    name: NAME,
    status: "reserved" as const,
    total: 4900 * qty,
    currency: "USD",
    fields: { phone: PHONE, address: `Tashkent, ${tag} street 1` },
    ipHmac: `order-iphmac-${tag}`,
  });
  // One order linked to the signup, one placed by the same address without a status token.
  const [o1, o2] = await db
    .insert(preorders)
    .values([order(s.id, 2), order(null, 1)])
    .returning();
  await db.insert(preorderItems).values([
    { preorderId: o1!.id, variantId: v!.id, quantity: 2, unitPrice: 4900, variantName: "Black" },
    { preorderId: o2!.id, variantId: v!.id, quantity: 1, unitPrice: 4900, variantName: "Black" },
  ]);
  await db
    .insert(inviteRedemptions)
    .values({ inviteId: invite!.id, preorderId: o1!.id, emailNormalized: EMAIL.toLowerCase() });
  await db.insert(outboxEmails).values([
    {
      template: "status_link",
      category: "transactional",
      toEmail: EMAIL,
      signupId: s.id,
      campaignId: c.id,
      payload: { name: NAME, position: 3 },
      status: "sent",
    },
    {
      template: "order_receipt",
      category: "transactional",
      toEmail: EMAIL,
      preorderId: o2!.id,
      campaignId: c.id,
      payload: { name: NAME, fields: { phone: PHONE } },
    },
  ]);
  await db.insert(auditLog).values([
    {
      actorType: "admin_token",
      action: "signup.update",
      targetType: "signup",
      targetId: s.id,
      campaignId: c.id,
      changes: { email: { from: "old@example.com", to: EMAIL } },
    },
    {
      actorType: "admin_token",
      action: "campaign.note",
      targetType: "campaign",
      targetId: c.id,
      campaignId: c.id,
      changes: { note: `asked by ${EMAIL.toLowerCase()}` },
    },
  ]);
  // The person unsubscribes from their status page: a customer audit row with their IP HMAC.
  await call(
    `/s/${await tokenFor(s.id)}/unsubscribe`,
    formPost("confirm=yes", { "CF-Connecting-IP": "203.0.113.7" }),
  );
  return { c, s, referrer, orders: [o1!, o2!], tag, EMAIL, NAME, PHONE };
}

const get = (id: string, token = env.ADMIN_TOKEN) =>
  call(`/v1/admin/signups/${id}`, { headers: adminHeaders(token) });
const erase = (id: string, token = env.ADMIN_TOKEN) =>
  call(`/v1/admin/signups/${id}`, { method: "DELETE", headers: adminHeaders(token) });

/** Every row of every table, as text (D1's own tables aside). */
async function wholeDatabase(): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  let dump = "";
  for (const { name } of results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    dump += `\n${name}: ${JSON.stringify(rows.results)}`;
  }
  return dump;
}

describe("GET /v1/admin/signups/{id}", () => {
  it("exports everything held about the person, without links", async () => {
    const { c, s, referrer, orders, tag, EMAIL, NAME, PHONE } = await person();
    const res = await get(s.id, viewer);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Loose;
    expect(body.signup).toMatchObject({
      id: s.id,
      email: EMAIL,
      name: NAME,
      answers: { why: `desk of ${tag}` },
      ip_hmac: `iphmac-${tag}`,
      country: "UZ",
      referrer: `https://ref-${tag}.example/`,
      landing_url: `https://landing.example/?ref=${tag}`,
    });
    expect(body.signup.utm.source).toBe(`utm-${tag}`);
    expect(body.signup.unsubscribed_at).not.toBeNull();
    expect(body.campaign).toEqual({ id: c.id, name: "Aurora", slug: c.slug });
    expect(body.consent).toMatchObject({ form_version: "v1", locale: "en", source: "form" });
    expect(body.referral).toMatchObject({
      code: s.referralCode,
      referred_by: { signup_id: referrer.id, code: referrer.referralCode },
    });
    expect(body.invites).toEqual([
      expect.objectContaining({ kind: "personal", hint: "K7QD…X2F9", status: "used_up" }),
    ]);
    expect(body.orders.map((o: { id: string }) => o.id).sort()).toEqual(
      orders.map((o) => o.id).sort(),
    );
    expect(body.orders[0]).toMatchObject({
      email: EMAIL,
      name: NAME,
      fields: { phone: PHONE },
      currency: "USD",
    });
    expect(body.orders.flatMap((o: { items: unknown[] }) => o.items)).toHaveLength(2);
    expect(body.emails.map((e: { template: string }) => e.template).sort()).toEqual([
      "order_receipt",
      "status_link",
    ]);
    expect(body.emails[0]).not.toHaveProperty("payload");
    expect(body.audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(["signup.update", "signup.unsubscribe"]),
    );
    const text = JSON.stringify(body);
    expect(text).not.toContain("presale.test");
    expect(text).not.toContain(await tokenFor(s.id));
    expect(text).not.toMatch(/\/(s|confirm|o|unsubscribe)\//);
  });

  it("401 without a token, 404 for an unknown id", async () => {
    await expectProblem(call("/v1/admin/signups/sgn_nope"), 401, "unauthorized");
    await expectProblem(get("sgn_nope"), 404, "not_found");
  });
});

describe("DELETE /v1/admin/signups/{id}", () => {
  it("leaves no personal data anywhere in the database; counts stay", async () => {
    const { c, s, referrer, orders, tag } = await person();
    const other = await makeSignup(c.id, {
      email: "other.person@example.com",
      name: "Other Person",
    });
    expect((await wholeDatabase()).split(tag).length).toBeGreaterThan(10);

    const res = await erase(s.id, editor);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: s.id,
      already_erased: false,
      orders_erased: 2,
      emails_erased: 2,
    });

    // Every personal value carried the tag: it is nowhere now (signups, outbox, orders, redemptions, audit…).
    const after = await wholeDatabase();
    const left = after.split("\n").filter((line) => line.toLowerCase().includes(tag));
    expect(left).toEqual([]);
    // The person's unsubscribe (a customer action) no longer carries their IP HMAC.
    const custom = await env.DB.prepare(
      "SELECT ip_hmac FROM audit_log WHERE actor_type = 'customer' AND target_id = ?",
    )
      .bind(s.id)
      .all();
    expect(custom.results).toEqual([{ ip_hmac: null }]);

    // Rows and counts stay: the signup (still confirmed), the referrer's credit, orders with amounts and items, the mail history.
    const row = await env.DB.prepare(
      "SELECT status, erased_at, token_version, referral_code FROM signups WHERE id = ?",
    )
      .bind(s.id)
      .first<Record<string, unknown>>();
    expect(row).toMatchObject({
      status: "confirmed",
      token_version: 2,
      referral_code: s.referralCode,
    });
    expect(row?.erased_at).not.toBeNull();
    const kept = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM preorders WHERE id IN (?, ?) AND erased_at IS NOT NULL AND total > 0) AS orders, (SELECT sum(quantity) FROM preorder_items WHERE preorder_id IN (?, ?)) AS units, (SELECT count(*) FROM outbox_emails WHERE erased = 1 AND to_email IS NULL AND payload = '{}') AS mails, (SELECT count(*) FROM signups WHERE campaign_id = ?) AS signups",
    )
      .bind(orders[0]!.id, orders[1]!.id, orders[0]!.id, orders[1]!.id, c.id)
      .first();
    expect(kept).toEqual({ orders: 2, units: 3, mails: 2, signups: 3 });
    expect((await get(referrer.id)).status).toBe(200);

    // Someone else in the same campaign is untouched.
    expect(after).toContain("other.person@example.com");
    expect(after).toContain("Other Person");
    expect((await get(other.id)).status).toBe(200);

    // Exactly one audit row for the erasure, with no personal data; a repeat changes nothing.
    const again = await erase(s.id, editor);
    expect(await again.json()).toMatchObject({ already_erased: true });
    const audit = await env.DB.prepare(
      "SELECT actor_type, changes FROM audit_log WHERE action = 'signup.erase' AND target_id = ?",
    )
      .bind(s.id)
      .all();
    expect(audit.results).toEqual([
      { actor_type: "api_key", changes: JSON.stringify({ erased: true, by: "api_key" }) },
    ]);
    // Its links are dead.
    expect(
      (await call("/v1/status", { headers: { Authorization: `Bearer ${await tokenFor(s.id)}` } }))
        .status,
    ).toBe(401);
    // The export now shows what is left.
    const exported = (await (await get(s.id)).json()) as Loose;
    expect(exported.signup).toMatchObject({ email: null, name: null, answers: {} });
  });

  it("needs the editor role; 404 for an unknown id", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    await expectProblem(erase(s.id, viewer), 403, "forbidden");
    await expectProblem(
      call(`/v1/admin/signups/${s.id}`, { method: "DELETE" }),
      401,
      "unauthorized",
    );
    await expectProblem(erase("sgn_nope"), 404, "not_found");
    const row = await env.DB.prepare("SELECT erased_at FROM signups WHERE id = ?")
      .bind(s.id)
      .first();
    expect(row).toEqual({ erased_at: null });
  });
});
