import { describe, expect, it } from "vitest";
import { admin, newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, client, expectProblem, lastUsage, ok } from "../helpers/client";
import { seedSignups } from "../helpers/signup-seed";

const day = (d: number, h = 12) => Date.UTC(2025, 2, d, h);

async function seeded() {
  const c = await newCampaign({
    questions: [
      {
        key: "plan",
        label: { en: "Plan" },
        type: "single_choice",
        options: [
          { value: "basic", label: { en: "Basic" } },
          { value: "pro", label: { en: "Pro" } },
          { value: "team", label: { en: "Team" } },
        ],
      },
      {
        key: "colours",
        label: { en: "Colours" },
        type: "multi_choice",
        options: [
          { value: "red", label: { en: "Red" } },
          { value: "blue", label: { en: "Blue" } },
        ],
      },
      { key: "why", label: { en: "Why?" }, type: "text" },
      { key: "news", label: { en: "News?" }, type: "checkbox" },
    ],
  });
  const [a] = await seedSignups(c.id, [
    {
      createdAt: day(1, 8),
      status: "confirmed",
      utmSource: "News",
      answers: { plan: "pro", colours: ["red", "blue"], why: "Because", news: true },
    },
  ]);
  await seedSignups(c.id, [
    {
      createdAt: day(1, 9),
      referrer: "https://www.Google.com/search?q=lamp",
      answers: { plan: "basic", colours: ["red"], news: false },
    },
    {
      createdAt: day(1, 23),
      status: "confirmed",
      invited: true,
      referredBy: a,
      answers: { plan: "pro" },
    },
    {
      createdAt: day(2, 0),
      status: "confirmed",
      invited: true,
      order: "confirmed",
      utmSource: "news ",
    },
    { createdAt: day(2, 1), status: "confirmed", invited: true, order: "cancelled" },
    { createdAt: day(2, 2), status: "confirmed", erased: true, review: "flagged" },
    {
      createdAt: day(2, 3),
      audience: "outside_audience",
      unsubscribed: true,
      review: "rejected",
    },
    { createdAt: day(3), referrer: "http://example.org:8080/landing#top" },
  ]);
  return c;
}

const stats = (id: string, query: { from?: string; to?: string } = {}) =>
  ok(admin.v1.admin.campaigns[":id"].stats.$get({ param: { id }, query }));

describe("GET /v1/admin/campaigns/{id}/stats", () => {
  it("reports the funnel, conversion, days, sources and answer tallies", async () => {
    const c = await seeded();
    const s = await stats(c.id);
    expect(lastUsage?.queries).toBeLessThanOrEqual(6);
    expect(s.funnel).toEqual({ contact: 8, lead: 5, prospect: 3, customer: 1 });
    expect(s.conversion).toEqual({
      contact_to_lead: 0.625,
      lead_to_prospect: 0.6,
      prospect_to_customer: 0.3333,
      contact_to_customer: 0.125,
    });
    expect(s.other).toEqual({
      flagged: 1,
      rejected: 1,
      outside_audience: 1,
      unsubscribed: 1,
      erased: 1,
    });
    expect(s.by_day).toEqual([
      { day: "2025-03-01", contact: 3, lead: 2, prospect: 1, customer: 0 },
      { day: "2025-03-02", contact: 4, lead: 3, prospect: 2, customer: 1 },
      { day: "2025-03-03", contact: 1, lead: 0, prospect: 0, customer: 0 },
    ]);
    expect(s.by_source.map(({ conversion: _c, ...r }) => r)).toEqual([
      { source: "direct", value: "direct", contact: 3, lead: 2, prospect: 1, customer: 0 },
      { source: "utm", value: "news", contact: 2, lead: 2, prospect: 1, customer: 1 },
      { source: "referral", value: "referral", contact: 1, lead: 1, prospect: 1, customer: 0 },
      { source: "referrer", value: "example.org", contact: 1, lead: 0, prospect: 0, customer: 0 },
      { source: "referrer", value: "google.com", contact: 1, lead: 0, prospect: 0, customer: 0 },
    ]);
    expect(s.by_source[1]?.conversion).toMatchObject({
      contact_to_lead: 1,
      prospect_to_customer: 1,
    });
    expect(s.answers).toEqual([
      {
        key: "plan",
        type: "single_choice",
        label: "Plan",
        answered: 3,
        choices: [
          { value: "basic", label: "Basic", count: 1 },
          { value: "pro", label: "Pro", count: 2 },
          { value: "team", label: "Team", count: 0 },
        ],
      },
      {
        key: "colours",
        type: "multi_choice",
        label: "Colours",
        answered: 2,
        choices: [
          { value: "red", label: "Red", count: 2 },
          { value: "blue", label: "Blue", count: 1 },
        ],
      },
      { key: "why", type: "text", label: "Why?", answered: 1, choices: null },
      {
        key: "news",
        type: "checkbox",
        label: "News?",
        answered: 2,
        choices: [
          { value: "true", label: null, count: 1 },
          { value: "false", label: null, count: 1 },
        ],
      },
    ]);
  });

  it("counts only signups created within [from, to)", async () => {
    const c = await seeded();
    const s = await stats(c.id, { from: "2025-03-02", to: "2025-03-03T00:00:00Z" });
    expect(s.from).toBe("2025-03-02T00:00:00.000Z");
    expect(s.to).toBe("2025-03-03T00:00:00.000Z");
    expect(s.funnel).toEqual({ contact: 4, lead: 3, prospect: 2, customer: 1 });
    expect(s.by_day.map((d) => d.day)).toEqual(["2025-03-02"]);
    expect(s.answers.every((a) => a.answered === 0)).toBe(true);
  });

  it("is all zeros, with null rates, for a campaign without signups", async () => {
    const c = await newCampaign();
    const s = await stats(c.id);
    expect(s.funnel).toEqual({ contact: 0, lead: 0, prospect: 0, customer: 0 });
    expect(s.conversion.contact_to_lead).toBeNull();
    expect(s.by_day).toEqual([]);
    expect(s.answers).toEqual([
      { key: "why", type: "text", label: "Why?", answered: 0, choices: null },
    ]);
  });

  it("refuses bad ranges, unknown campaigns and missing credentials; viewers may read", async () => {
    const c = await newCampaign();
    const url = `/v1/admin/campaigns/${c.id}/stats`;
    await expectProblem(call(url), 401, "unauthorized");
    await expectProblem(
      call("/v1/admin/campaigns/cmp_nope/stats", { headers: adminHeaders() }),
      404,
      "not_found",
    );
    for (const q of ["from=yesterday", "from=2025-03-02&to=2025-03-01", "to=2025-13-01"]) {
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
    const res = await client(adminHeaders(viewer.key)).v1.admin.campaigns[":id"].stats.$get({
      param: { id: c.id },
      query: {},
    });
    expect(res.status).toBe(200);
  });
});
