import { describe, expect, it } from "vitest";
import {
  base64UrlToBytes,
  bytesToBase64Url,
  bytesToHex,
  hmacIp,
  hmacSha256,
  keyedHash,
  normalizeIp,
  randomId,
  randomToken,
  sha256Hex,
  timingSafeEqual,
  timingSafeEqualBytes,
} from "../../src/lib/crypto";

const SECRET = "test-secret-0123456789abcdefghijklmnop";

describe("base64url", () => {
  it("round-trips and stays path-safe", () => {
    for (let n = 0; n <= 40; n++) {
      const b = crypto.getRandomValues(new Uint8Array(n));
      const s = bytesToBase64Url(b);
      expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(base64UrlToBytes(s)).toEqual(b);
    }
    expect(bytesToBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });

  it("rejects non-canonical or foreign spellings", () => {
    expect(base64UrlToBytes("AA")).toEqual(new Uint8Array([0]));
    expect(base64UrlToBytes("AB")).toBeNull(); // stray padding bits
    expect(base64UrlToBytes("A")).toBeNull(); // impossible length
    expect(base64UrlToBytes("AA==")).toBeNull(); // padding
    expect(base64UrlToBytes("+/8")).toBeNull(); // standard alphabet
    expect(base64UrlToBytes("😀")).toBeNull();
  });
});

describe("randomToken", () => {
  it("is base64url of 32 bytes by default and unique", () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64UrlToBytes(t)).toHaveLength(32);
    expect(randomToken(16)).toHaveLength(22);
    expect(new Set(Array.from({ length: 500 }, () => randomToken())).size).toBe(500);
  });

  it("refuses fewer than 128 bits", () => {
    expect(() => randomToken(15)).toThrow(RangeError);
    expect(() => randomToken(0)).toThrow(RangeError);
  });
});

describe("randomId", () => {
  it("is prefix_ + 26 lower-case Crockford symbols (128 bits), unique", () => {
    const id = randomId("cmp");
    expect(id).toMatch(/^cmp_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(Array.from({ length: 500 }, () => randomId("sgn"))).size).toBe(500);
  });

  it("validates the prefix", () => {
    for (const bad of ["", "cmp_", "CMP", "1x", "a-b", "x".repeat(17)]) {
      expect(() => randomId(bad)).toThrow(RangeError);
    }
  });
});

describe("hmacSha256", () => {
  it("matches RFC 4231 test case 2", async () => {
    const mac = await hmacSha256("Jefe", "what do ya want for nothing?");
    expect(bytesToHex(mac)).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("is stable across cached and concurrent calls, and keyed", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => hmacSha256(SECRET, "x")));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await hmacSha256(`${SECRET}!`, "x")).not.toEqual(results[0]);
    // Many distinct keys (more than the cache holds) still work.
    for (let i = 0; i < 40; i++) expect(await hmacSha256(`k${i}`, "x")).toHaveLength(32);
    expect(await hmacSha256(SECRET, "x")).toEqual(results[0]);
  });

  it("rejects an empty key (unset secret) loudly", async () => {
    await expect(hmacSha256("", "x")).rejects.toThrow(TypeError);
  });
});

describe("keyedHash", () => {
  it("is 64 hex, stable, and separated by purpose and secret", async () => {
    const a = await keyedHash(SECRET, "api_key", "value");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await keyedHash(SECRET, "api_key", "value")).toBe(a);
    expect(await keyedHash(SECRET, "session", "value")).not.toBe(a);
    expect(await keyedHash(`${SECRET}2`, "api_key", "value")).not.toBe(a);
    expect(await keyedHash(SECRET, "api_key", "value2")).not.toBe(a);
    expect(a).not.toBe(await sha256Hex("value"));
  });
});

describe("timingSafeEqual", () => {
  it("compares strings", () => {
    expect(timingSafeEqual("", "")).toBe(true);
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("héllo😀", "héllo😀")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "xbc")).toBe(false);
    expect(timingSafeEqual("abc", "ab")).toBe(false); // prefix
    expect(timingSafeEqual("ab", "abc")).toBe(false);
    expect(timingSafeEqual("", "a")).toBe(false);
    expect(timingSafeEqual("a\u0000", "a")).toBe(false); // zero padding is not equality
    expect(timingSafeEqual("é", "e\u0301")).toBe(false); // no Unicode normalisation
    expect(timingSafeEqual(undefined as unknown as string, "")).toBe(false);
  });

  it("compares bytes", () => {
    const b = (...x: number[]) => new Uint8Array(x);
    expect(timingSafeEqualBytes(b(1, 2, 3), b(1, 2, 3))).toBe(true);
    expect(timingSafeEqualBytes(b(1, 2, 3), b(1, 2, 4))).toBe(false);
    expect(timingSafeEqualBytes(b(1, 2, 0), b(1, 2))).toBe(false);
    expect(timingSafeEqualBytes(b(), b())).toBe(true);
  });
});

describe("normalizeIp", () => {
  it("canonicalises IPv6 per RFC 5952", () => {
    const forms = [
      "2001:db8::1",
      "2001:DB8::1",
      "2001:0db8:0000:0000:0000:0000:0000:0001",
      "2001:db8:0:0::1",
      "[2001:db8::1]",
      " 2001:db8::0:1 ",
    ];
    for (const f of forms) expect(normalizeIp(f)).toBe("2001:db8::1");
    expect(normalizeIp("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1"); // first run on a tie
    expect(normalizeIp("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1"); // one zero group stays
    expect(normalizeIp("0:0:0:0:0:0:0:0")).toBe("::");
    expect(normalizeIp("::1")).toBe("::1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
  });

  it("maps IPv4-mapped IPv6 to IPv4", () => {
    expect(normalizeIp("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeIp("::FFFF:C000:0201")).toBe("192.0.2.1");
    expect(normalizeIp("0:0:0:0:0:ffff:c000:201")).toBe("192.0.2.1");
    expect(normalizeIp(" 192.0.2.1 ")).toBe("192.0.2.1");
  });

  it("passes through what it cannot parse, trimmed and lower-cased", () => {
    expect(normalizeIp("Not-An-IP")).toBe("not-an-ip");
    expect(normalizeIp("1:2:3:4:5:6:7:8:9")).toBe("1:2:3:4:5:6:7:8:9");
    expect(normalizeIp("1::2::3")).toBe("1::2::3");
    expect(normalizeIp("256.1.1.1")).toBe("256.1.1.1");
    expect(normalizeIp("")).toBe("");
  });
});

describe("hmacIp", () => {
  it("is the same for equivalent forms and differs across secrets and addresses", async () => {
    const h = await hmacIp(SECRET, "2001:db8::1");
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(await hmacIp(SECRET, "2001:0DB8:0:0:0:0:0:1")).toBe(h);
    expect(await hmacIp(SECRET, "2001:db8::2")).not.toBe(h);
    expect(await hmacIp(`${SECRET}x`, "2001:db8::1")).not.toBe(h);
    expect(await hmacIp(SECRET, "::ffff:203.0.113.7")).toBe(await hmacIp(SECRET, "203.0.113.7"));
  });

  it("is not a plain hash of the address", async () => {
    const h = await hmacIp(SECRET, "203.0.113.7");
    expect((await sha256Hex("203.0.113.7")).startsWith(h)).toBe(false);
  });
});

describe("sha256Hex", () => {
  it("matches FIPS 180-2 vectors", async () => {
    expect(await sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(await sha256Hex("")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });
});
