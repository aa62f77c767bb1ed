import { describe, expect, it } from "vitest";
import type { OrderField } from "../../src/db/schema";
import { validateOrderFields } from "../../src/domain/preorders/fields";
import { order, orderBody, orderRow, presale, remaining } from "../routes/preorders-helpers";

const fields: OrderField[] = [
  { key: "phone", label: { en: "Phone" }, type: "phone", required: true },
  { key: "address", label: { en: "Address" }, type: "address", required: false, maxLength: 40 },
  { key: "note", label: { en: "Note" }, type: "text", required: false },
];

describe("validateOrderFields", () => {
  it("keeps given values trimmed, normalises line breaks, drops empty optional ones", () => {
    const out = validateOrderFields(fields, {
      phone: " +998 (90) 123-45-67 ",
      address: "Amir Temur 1\r\nTashkent",
      note: "   ",
    });
    expect(out.issues).toEqual([]);
    expect(out.values).toEqual({ phone: "+998 (90) 123-45-67", address: "Amir Temur 1\nTashkent" });
  });

  it("reports every problem with its path: required, too long, bad phone, lines, unknown keys", () => {
    const out = validateOrderFields(fields, {
      address: "x".repeat(41),
      note: "one\ntwo",
      shoe_size: "42",
    });
    expect(out.issues.map((i) => [i.path, i.code])).toEqual([
      ["fields.shoe_size", "unknown_field"],
      ["fields.phone", "required"],
      ["fields.address", "too_long"],
      ["fields.note", "invalid_value"],
    ]);
    for (const phone of ["12345", "call me", "+1 234 567 890 123 456", "+99890\u0000123"]) {
      expect(validateOrderFields(fields, { phone }).issues[0]?.code, phone).toBe("invalid_value");
    }
    expect(validateOrderFields(fields, { phone: 998901234567 }).issues[0]?.code).toBe(
      "invalid_value",
    );
  });

  it("stores SQL-looking and markup text verbatim (it is data)", () => {
    const hostile = "'); DROP TABLE preorders; -- <script>alert(1)</script>";
    const out = validateOrderFields(fields, { phone: "+998901234567", note: hostile });
    expect(out.values.note).toBe(hostile);
  });
});

describe("order fields on POST /v1/campaigns/{slug}/preorders", () => {
  it("422 with per-field errors; valid values (even hostile-looking) are stored verbatim", async () => {
    const c = await presale({
      order_fields: [
        { key: "phone", label: { en: "Phone" }, type: "phone", required: true },
        { key: "note", label: { en: "Note" }, type: "textarea", required: false },
      ],
    });
    const missing = await order(c.slug, orderBody([[c.black, 1]]));
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: "fields.phone", message: "Required" }]);
    const nonString = await order(c.slug, orderBody([[c.black, 1]], { fields: { phone: 5 } }));
    expect(nonString.status).toBe(422);
    expect(await remaining(c.black)).toBe(10);

    const hostile = "Robert'); DROP TABLE preorders;--\n<img src=x onerror=alert(1)>";
    const r = await order(
      c.slug,
      orderBody([[c.black, 1]], {
        fields: { phone: "+998 90 123 45 67", note: hostile },
        name: "' OR '1'='1",
      }),
    );
    expect(r.status, r.text).toBe(201);
    const row = await orderRow(r.body.id);
    expect(JSON.parse(row!.fields)).toEqual({ phone: "+998 90 123 45 67", note: hostile });
    expect(row!.name).toBe("' OR '1'='1");
  });
});
