import { describe, expect, it } from "vitest";
import {
  isTimeZone,
  localDate,
  nextLocalTime,
  zonedInstant,
} from "../../src/domain/waves/local-time";

const iso = (t: number) => new Date(t).toISOString();
const at = (s: string) => Date.parse(s);

describe("local times in IANA zones", () => {
  it("finds the next local time strictly after an instant", () => {
    expect(iso(nextLocalTime("10:00", "Asia/Tashkent", at("2030-01-10T04:59:59Z")))).toBe(
      "2030-01-10T05:00:00.000Z",
    );
    expect(iso(nextLocalTime("10:00", "Asia/Tashkent", at("2030-01-10T05:00:00Z")))).toBe(
      "2030-01-11T05:00:00.000Z",
    );
    expect(iso(nextLocalTime("00:00", "America/New_York", at("2030-12-31T12:00:00Z")))).toBe(
      "2031-01-01T05:00:00.000Z",
    );
  });

  it("uses the offset at that local time across DST changes", () => {
    // Berlin: CET (+1) before 2030-03-31 02:00, CEST (+2) after; back on 2030-10-27 03:00.
    expect(iso(nextLocalTime("10:00", "Europe/Berlin", at("2030-03-30T09:00:00Z")))).toBe(
      "2030-03-31T08:00:00.000Z",
    );
    expect(iso(nextLocalTime("10:00", "Europe/Berlin", at("2030-10-26T08:00:00Z")))).toBe(
      "2030-10-27T09:00:00.000Z",
    );
    // 02:30 does not exist on the spring day: it runs at 03:30 CEST.
    expect(iso(zonedInstant({ year: 2030, month: 3, day: 31 }, 2, 30, "Europe/Berlin"))).toBe(
      "2030-03-31T01:30:00.000Z",
    );
    // 02:30 happens twice on the autumn day: the first (CEST).
    expect(iso(zonedInstant({ year: 2030, month: 10, day: 27 }, 2, 30, "Europe/Berlin"))).toBe(
      "2030-10-27T00:30:00.000Z",
    );
    expect(localDate(at("2030-01-09T20:00:00Z"), "Asia/Tashkent")).toBe("2030-01-10");
  });

  it("knows real zones only", () => {
    expect(isTimeZone("Asia/Tashkent")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    for (const z of ["Mars/Base", "", "../etc", "Asia/Tashkent\n", "a".repeat(100)]) {
      expect(isTimeZone(z)).toBe(false);
    }
  });
});
