import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS, EXPORT_MAX_ROWS } from "../../src/domain/preorders/admin-export";
import { parseCsv } from "../../src/domain/signups/csv";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, lastUsage, ok } from "../helpers/client";
import { D1_MAX_QUERIES } from "../helpers/d1-guard";
import { keyOf, presaleCampaign, seedOrders, variantsOf } from "./admin-preorders-helpers";

const csvUrl = (id: string, q = "") => `/v1/admin/campaigns/${id}/preorders.csv${q ? `?${q}` : ""}`;

async function download(id: string, q = "", token?: string) {
  const res = await call(csvUrl(id, q), { headers: adminHeaders(token) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { res, text, records: parseCsv(text), usage: lastUsage! };
}

describe("GET /v1/admin/campaigns/{id}/preorders.csv", () => {
  it("streams an RFC 4180 attachment with formula-safe cells and order field columns", async () => {
    const c = await presaleCampaign();
    await ok(
      patchCampaign(c.id, {
        order_fields: [
          { key: "phone", label: { en: "Phone" }, type: "phone", required: false },
          { key: "address", label: { en: "Address" }, type: "address", required: false },
        ],
      }),
    );
    const v = await variantsOf(c.id);
    const tricky = 'Says "hi", then\r\nleaves';
    const ids = await seedOrders(c.id, [
      {
        email: "ann@example.com",
        name: '=HYPERLINK("http://evil")',
        items: [
          { variantId: v.Black!.id, quantity: 2 },
          { variantId: v.White!.id, quantity: 1, unitPrice: 5900, name: "White" },
        ],
        fields: { phone: "+998 90 123 45 67", address: tricky },
        status: "confirmed",
      },
      {
        email: "bob@example.com",
        name: "@SUM(1+1)",
        items: [{ variantId: v.Black!.id, quantity: 1 }],
      },
      { items: [{ variantId: v.Black!.id, quantity: 1 }], status: "cancelled", erased: true },
    ]);
    const { res, text, records } = await download(c.id);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const date = new Date().toISOString().slice(0, 10);
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="${c.slug}-preorders-${date}.csv"`,
    );
    expect(res.headers.get("link")).toBeNull();
    expect(text.endsWith("\r\n")).toBe(true);

    const [header, ...rows] = records;
    expect(header).toEqual([...EXPORT_COLUMNS, "field.phone", "field.address"]);
    expect(rows.map((r) => r[0])).toEqual([...ids].reverse());
    const byId = new Map(
      rows.map((r) => [r[0], Object.fromEntries(header!.map((h, i) => [h, r[i]]))]),
    );
    expect(byId.get(ids[0]!)).toMatchObject({
      status: "confirmed",
      email: "ann@example.com",
      name: '\'=HYPERLINK("http://evil")',
      total: String(2 * 4900 + 5900),
      units: "3",
      items: "Black × 2 @ 4900; White × 1 @ 5900",
      currency: "USD",
      "field.phone": "'+998 90 123 45 67",
      "field.address": tricky,
      erased: "false",
    });
    expect(byId.get(ids[1]!)).toMatchObject({ name: "'@SUM(1+1)", status: "reserved" });
    expect(byId.get(ids[2]!)).toMatchObject({
      email: "",
      name: "",
      erased: "true",
      status: "cancelled",
    });
  });

  it("filters like the list, and needs a token", async () => {
    const c = await presaleCampaign();
    const v = await variantsOf(c.id);
    const ids = await seedOrders(c.id, [
      { items: [{ variantId: v.Black!.id, quantity: 1 }], status: "reserved" },
      { items: [{ variantId: v.White!.id, quantity: 1 }], status: "confirmed" },
    ]);
    const reserved = await download(c.id, "status=reserved");
    expect(reserved.records.slice(1).map((r) => r[0])).toEqual([ids[0]]);
    const white = await download(c.id, `variant_id=${v.White!.id}`, await keyOf("viewer"));
    expect(white.records.slice(1).map((r) => r[0])).toEqual([ids[1]]);
    await expectProblem(call(csvUrl(c.id)), 401, "unauthorized");
    await expectProblem(call(csvUrl("cmp_nope"), { headers: adminHeaders() }), 404, "not_found");
  });

  it("ends a long list at the part boundary with a Link to the next part, within D1 limits", async () => {
    const c = await presaleCampaign({
      variants: [{ name: "Black", price: 100, stock: 50_000 }],
    });
    const v = await variantsOf(c.id);
    const total = EXPORT_MAX_ROWS + 5;
    // In slices: one statement's JSON stays small.
    for (let i = 0; i < total; i += 5000) {
      await seedOrders(
        c.id,
        Array.from({ length: Math.min(5000, total - i) }, (_, k) => ({
          items: [{ variantId: v.Black!.id, quantity: 1, unitPrice: 100 }],
          createdAt: Date.UTC(2025, 0, 1) + (i + k) * 10,
        })),
      );
    }
    const first = await download(c.id);
    expect(first.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    expect(first.records.length - 1).toBe(EXPORT_MAX_ROWS);
    const next = first.res.headers.get("x-next-cursor");
    expect(next).toBeTruthy();
    expect(first.res.headers.get("link")).toContain(`cursor=${next}`);
    const second = await download(c.id, `cursor=${next}`);
    expect(second.records.length - 1).toBe(5);
    expect(second.res.headers.get("link")).toBeNull();
    const all = new Set([...first.records.slice(1), ...second.records.slice(1)].map((r) => r[0]));
    expect(all.size).toBe(total);
  }, 120_000);
});
