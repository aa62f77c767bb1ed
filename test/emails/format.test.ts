import { describe, expect, it } from "vitest";
import { renderEmail, sampleContext } from "../../emails";
import { formatDate, formatDateTime, formatDuration, formatMoney } from "../../emails/format";

const NBSP = "\u00a0";

describe("money", () => {
  it("formats USD minor units", () => {
    expect(formatMoney(123450, "USD", "en")).toBe("$1,234.50");
    expect(formatMoney(4900, "USD", "en")).toBe("$49.00");
    expect(formatMoney(0, "USD", "en")).toBe("$0.00");
    expect(formatMoney(123450, "USD", "uz")).toBe(`1${NBSP}234,50${NBSP}$`);
  });

  it("formats UZS minor units (tiyin), whole soʻm without decimals", () => {
    expect(formatMoney(15_000_000, "UZS", "uz")).toBe(`150${NBSP}000${NBSP}soʻm`);
    expect(formatMoney(15_000_050, "UZS", "uz")).toBe(`150${NBSP}000,50${NBSP}soʻm`);
    expect(formatMoney(15_000_000, "UZS", "en")).toMatch(/^UZS\s?150,000$/);
  });

  it("uses the currency's own minor unit and never throws", () => {
    expect(formatMoney(1500, "JPY", "en")).toBe("¥1,500");
    expect(formatMoney(1500, "EUR", "uz")).toBe(`15,00${NBSP}€`);
    expect(formatMoney(1234, "ZZZZ", "en")).toBe("12.34 ZZZZ");
  });

  it("order emails show line totals and the total in the order currency", () => {
    const ctx = sampleContext("order_receipt", "uz");
    const email = renderEmail("order_receipt", {
      ...ctx,
      data: {
        ...ctx.data,
        currency: "UZS",
        items: [{ name: "Chiroq", quantity: 2, unitPrice: 45_000_000 }],
        total: 90_000_000,
      },
    });
    expect(email.text).toContain(
      `- Chiroq, 2 × 450${NBSP}000${NBSP}soʻm: 900${NBSP}000${NBSP}soʻm`,
    );
    expect(email.text).toContain(`Jami: 900${NBSP}000${NBSP}soʻm`);
    expect(email.html).toContain(`900${NBSP}000${NBSP}soʻm`);
  });
});

describe("dates and durations", () => {
  it("formats calendar dates per locale", () => {
    expect(formatDate("2026-09-15", "en")).toBe("September 15, 2026");
    expect(formatDate("2026-09-15", "uz")).toBe("2026-yil 15-sentabr");
    expect(formatDate("not a date", "en")).toBe("not a date");
  });

  it("formats instants in the campaign time zone (UTC by default)", () => {
    expect(formatDateTime("2026-06-01T14:00:00Z", "en")).toBe("June 1, 2026, 14:00 UTC");
    expect(formatDateTime("2026-06-01T14:00:00Z", "en", "Asia/Tashkent")).toBe(
      "June 1, 2026, 19:00 GMT+5",
    );
    expect(formatDateTime("2026-06-01T21:30:00Z", "uz", "Asia/Tashkent")).toBe(
      "2026-yil 2-iyun, 02:30 (GMT+5)",
    );
    expect(formatDateTime("2026-06-01T14:00:00Z", "en", "Not/AZone")).toBe(
      "June 1, 2026, 14:00 UTC",
    );
  });

  it("writes durations in the largest whole unit", () => {
    expect(formatDuration(1, "en")).toBe("1 minute");
    expect(formatDuration(15, "en")).toBe("15 minutes");
    expect(formatDuration(60, "en")).toBe("1 hour");
    expect(formatDuration(90, "uz")).toBe("90 daqiqa");
    expect(formatDuration(2880, "en")).toBe("2 days");
    expect(formatDuration(1440, "uz")).toBe("1 kun");
  });
});
