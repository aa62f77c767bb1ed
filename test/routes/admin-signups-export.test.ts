import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/domain/signups/csv";
import { EXPORT_COLUMNS, EXPORT_MAX_ROWS, EXPORT_PAGE_ROWS } from "../../src/domain/signups/export";
import { newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, lastUsage } from "../helpers/client";
import { D1_MAX_QUERIES } from "../helpers/d1-guard";
import { seedMany, seedSignups } from "../helpers/signup-seed";

const csvUrl = (id: string, q = "") => `/v1/admin/campaigns/${id}/signups.csv${q ? `?${q}` : ""}`;

/** The export, read to the end (the stream's queries count in the same invocation). */
async function download(id: string, q = "") {
  const res = await call(csvUrl(id, q), { headers: adminHeaders() });
  expect(res.status).toBe(200);
  const text = await res.text();
  const usage = lastUsage!;
  const pageQueries = usage.statements.filter((s) =>
    /^select .* from "signups" .*order by .* limit \?$/i.test(s.sql.replace(/\s+/g, " ")),
  ).length;
  return { res, text, records: parseCsv(text), usage, pageQueries };
}

describe("GET /v1/admin/campaigns/{id}/signups.csv", () => {
  it("is an RFC 4180 attachment with escaped, formula-safe cells and answer columns", async () => {
    const c = await newCampaign({
      questions: [
        { key: "why", label: { en: "Why?" }, type: "text", max_length: 200 },
        {
          key: "colour",
          label: { en: "Colours" },
          type: "multi_choice",
          options: [
            { value: "red", label: { en: "Red" } },
            { value: "blue", label: { en: "Blue" } },
          ],
        },
      ],
    });
    const tricky = 'Says "hi", then\r\nleaves';
    await seedSignups(c.id, [
      {
        email: "ann@example.com",
        name: tricky,
        answers: { why: '=HYPERLINK("http://evil")', colour: ["red", "blue"] },
        utmSource: "+cmd|' /C calc'!A0",
      },
      { email: "bob@example.com", name: "@SUM(1+1)", country: "UZ" },
      { email: "gone@example.com", name: "Gone", erased: true },
    ]);
    const { res, text, records } = await download(c.id);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const date = new Date().toISOString().slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="${c.slug}-signups-${date}.csv"`,
    );
    expect(res.headers.get("link")).toBeNull();
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain('"Says ""hi"", then\r\nleaves"');

    const [header, ...rows] = records;
    expect(header).toEqual([...EXPORT_COLUMNS, "answer.why", "answer.colour"]);
    const byEmail = new Map(
      rows.map((r) => [r[1], Object.fromEntries(header!.map((h, i) => [h, r[i]]))]),
    );
    expect(rows).toHaveLength(3);
    expect(byEmail.get("ann@example.com")).toMatchObject({
      name: tricky,
      "answer.why": '\'=HYPERLINK("http://evil")',
      "answer.colour": "red; blue",
      utm_source: "'+cmd|' /C calc'!A0",
      stage: "contact",
      erased: "false",
      unsubscribed: "false",
    });
    expect(byEmail.get("bob@example.com")).toMatchObject({ name: "'@SUM(1+1)", country: "UZ" });
    // The erased row: facts only.
    const erased = rows.find((r) => r[header!.indexOf("erased")] === "true")!;
    expect(erased[1]).toBe("");
    expect(erased[2]).toBe("");
  });

  it("applies the list's filters", async () => {
    const c = await newCampaign();
    await seedSignups(c.id, [
      { email: "a@example.com", status: "confirmed" },
      { email: "b@example.com" },
    ]);
    const { records } = await download(c.id, "status=confirmed");
    expect(records.slice(1).map((r) => r[1])).toEqual(["a@example.com"]);
    const none = await download(c.id, "q=zzz");
    expect(none.records).toHaveLength(1);
  });

  it("streams many pages with one query per page, every row once", async () => {
    const c = await newCampaign();
    const small = await download(c.id);
    expect(small.pageQueries).toBe(1);

    const total = EXPORT_PAGE_ROWS * 2 + 345;
    await seedMany(c.id, total);
    const big = await download(c.id);
    const ids = big.records.slice(1).map((r) => r[0]);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(big.pageQueries).toBe(3);
    // Fixed cost + one query per page, whatever the rows: the part probe is the only extra.
    expect(big.usage.queries - big.pageQueries).toBe(small.usage.queries - small.pageQueries + 1);
    expect(big.usage.maxParams).toBeLessThanOrEqual(100);
  });

  it("exports a list longer than one invocation's query budget in parts", async () => {
    const c = await newCampaign();
    const total = EXPORT_MAX_ROWS + 1500;
    await seedMany(c.id, total);

    const first = await download(c.id, "status=pending");
    expect(first.records).toHaveLength(EXPORT_MAX_ROWS + 1);
    expect(first.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    const next = first.res.headers.get("link");
    expect(next).toMatch(
      /^<\/v1\/admin\/campaigns\/.+\/signups\.csv\?status=pending&cursor=.+>; rel="next"$/,
    );
    const cursor = first.res.headers.get("x-next-cursor")!;

    const second = await download(c.id, `status=pending&cursor=${cursor}`);
    expect(second.res.headers.get("link")).toBeNull();
    expect(second.records).toHaveLength(1501);
    const all = [...first.records.slice(1), ...second.records.slice(1)].map((r) => r[0]);
    expect(new Set(all).size).toBe(total);
  }, 60_000);

  it("needs a token and an existing campaign", async () => {
    const c = await newCampaign();
    await expectProblem(call(csvUrl(c.id)), 401, "unauthorized");
    await expectProblem(call(csvUrl("cmp_missing"), { headers: adminHeaders() }), 404, "not_found");
    await expectProblem(
      call(csvUrl(c.id, "stage=nope"), { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
  });
});
