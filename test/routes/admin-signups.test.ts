import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, client, expectProblem, lastUsage, ok } from "../helpers/client";
import { seedSignups } from "../helpers/signup-seed";

const list = (id: string, query: Record<string, string> = {}) =>
  ok(admin.v1.admin.campaigns[":id"].signups.$get({ param: { id }, query }));

async function allPages(id: string, query: Record<string, string>) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(id, { ...query, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((i) => i.id));
    cursor = page.next_cursor;
  } while (cursor && seen.length < 1000);
  return seen;
}

describe("GET /v1/admin/campaigns/{id}/signups", () => {
  it("lists newest first with the signup's facts and derived stage", async () => {
    const c = await newCampaign();
    const [a, b] = await seedSignups(c.id, [
      {
        email: "Ann@Example.com",
        name: "Ann",
        status: "confirmed",
        utmSource: "news",
        country: "UZ",
      },
      { email: "bob@example.com", review: "flagged", reviewReason: "disposable_domain" },
    ]);
    const page = await list(c.id);
    expect(page.next_cursor).toBeNull();
    expect(page.items.map((i) => i.id)).toEqual([b, a]);
    expect(page.items[1]).toMatchObject({
      id: a,
      email: "Ann@Example.com",
      name: "Ann",
      status: "confirmed",
      stage: "lead",
      review: "ok",
      audience: "inside",
      unsubscribed: false,
      erased: false,
      verified_referrals: 0,
      utm_source: "news",
      country: "UZ",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      confirmed_at: expect.any(String),
      invited_at: null,
    });
    expect(page.items[0]).toMatchObject({ stage: "contact", review: "flagged" });
    expect(page.items[0]?.review_reason).toBe("disposable_domain");
    expect(lastUsage?.queries).toBeLessThanOrEqual(3);
  });

  it("pages through every row exactly once, including rows created in the same millisecond", async () => {
    const c = await newCampaign();
    const at = Date.UTC(2025, 5, 1);
    const ids = await seedSignups(
      c.id,
      Array.from({ length: 11 }, (_, i) => ({ createdAt: at + Math.floor(i / 4) })),
    );
    const seen = await allPages(c.id, { limit: "3" });
    expect(seen).toHaveLength(11);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it("filters by status, stage, review and audience", async () => {
    const c = await newCampaign();
    const [contact, lead, prospect, customer, cancelled, outside, rejected] = await seedSignups(
      c.id,
      [
        {},
        { status: "confirmed" },
        { status: "confirmed", invited: true },
        { status: "confirmed", invited: true, order: "confirmed" },
        { status: "confirmed", invited: true, order: "cancelled" },
        { audience: "outside_audience" },
        { review: "rejected" },
      ],
    );
    const ids = async (q: Record<string, string>) =>
      (await list(c.id, q)).items.map((i) => i.id).sort();
    const sorted = (...xs: (string | undefined)[]) => (xs as string[]).sort();
    expect(await ids({ stage: "customer" })).toEqual([customer]);
    expect(await ids({ stage: "prospect" })).toEqual(sorted(prospect, cancelled));
    expect(await ids({ stage: "lead" })).toEqual([lead]);
    expect(await ids({ stage: "contact" })).toEqual(sorted(contact, outside, rejected));
    expect(await ids({ status: "confirmed" })).toHaveLength(4);
    expect(await ids({ status: "pending", audience: "outside_audience" })).toEqual([outside]);
    expect(await ids({ review: "rejected" })).toEqual([rejected]);
  });

  it("searches email prefixes and names, with % and _ taken literally", async () => {
    const c = await newCampaign();
    const [under, plain, , percent] = await seedSignups(c.id, [
      { email: "a_b@example.com" },
      { email: "axb@example.com", name: "Plain Person" },
      { email: "other@example.com", name: "Someone 100 percent" },
      { email: "x@example.com", name: "50% off" },
    ]);
    const ids = async (q: string) => (await list(c.id, { q })).items.map((i) => i.id);
    expect(await ids("a_b")).toEqual([under]);
    expect(await ids("AX")).toEqual([plain]);
    expect(await ids("plain pers")).toEqual([plain]);
    expect(await ids("%")).toEqual([percent]);
    expect(await ids("a_")).toEqual([under]);
    expect(await ids("_")).toEqual([]);
    expect(await ids("example.com")).toEqual([]);
    expect(await ids("' OR 1=1 --")).toEqual([]);
  });

  it("shows erased people as erased, without personal data", async () => {
    const c = await newCampaign();
    const [id] = await seedSignups(c.id, [
      { email: "gone@example.com", name: "Gone", status: "confirmed", erased: true },
    ]);
    const [row] = (await list(c.id)).items;
    expect(row).toMatchObject({
      id,
      erased: true,
      email: null,
      name: null,
      referral_code: null,
      country: null,
      status: "confirmed",
      stage: "lead",
    });
  });

  it("returns SQL-looking and markup strings verbatim", async () => {
    const c = await newCampaign();
    const name = "Robert'); DROP TABLE signups;-- <script>alert(1)</script>";
    await seedSignups(c.id, [{ name, email: "bobby@example.com" }]);
    const page = await list(c.id, { q: "Robert');" });
    expect(page.items.map((i) => i.name)).toEqual([name]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM signups WHERE campaign_id = ?")
      .bind(c.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("refuses bad filters and cursors, unknown campaigns and missing credentials", async () => {
    const c = await newCampaign();
    const url = `/v1/admin/campaigns/${c.id}/signups`;
    await expectProblem(call(url), 401, "unauthorized");
    await expectProblem(
      call(`/v1/admin/campaigns/cmp_nope/signups`, { headers: adminHeaders() }),
      404,
      "not_found",
    );
    for (const q of ["status=maybe", "stage=vip", "limit=0", "limit=101", "cursor=%%%"]) {
      await expectProblem(
        call(`${url}?${q}`, { headers: adminHeaders() }),
        422,
        "validation_failed",
      );
    }
    const viewer = await ok(
      admin.v1.admin["api-keys"].$post({ json: { name: "viewer", role: "viewer" } }),
      201,
    );
    const asViewer = client(adminHeaders(viewer.key));
    const res = await asViewer.v1.admin.campaigns[":id"].signups.$get({
      param: { id: c.id },
      query: {},
    });
    expect(res.status).toBe(200);
  });
});
