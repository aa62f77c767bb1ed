import { describe, expect, it } from "vitest";
import { parseCode } from "../../src/lib/base32";
import { base64UrlToBytes, bytesToBase64Url } from "../../src/lib/crypto";
import {
  codeLookupHash,
  derivePersonalCode,
  deriveToken,
  TOKEN_PURPOSES,
  type TokenPurpose,
  verifyToken,
} from "../../src/lib/tokens";

const SECRET = "test-token-secret-0123456789abcdefghijklmnop";
const OTHER = "other-token-secret-0123456789abcdefghijklmno";
const ID = "sgn_5x0c1m3qz8v7r2k4t6w9y0b1dg";
const PURPOSES = Object.keys(TOKEN_PURPOSES) as TokenPurpose[];

describe("deriveToken", () => {
  it("is stable for the same inputs and path-safe", async () => {
    const t = await deriveToken(SECRET, "status", ID, 1);
    expect(await deriveToken(SECRET, "status", ID, 1)).toBe(t);
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(encodeURIComponent(t)).toBe(t);
    expect(t).not.toMatch(/[/+=?#]/);
  });

  it("differs by purpose, id, version and secret", async () => {
    const all = new Set<string>();
    for (const p of PURPOSES) all.add(await deriveToken(SECRET, p, ID, 1));
    all.add(await deriveToken(SECRET, "status", `${ID}x`, 1));
    all.add(await deriveToken(SECRET, "status", ID, 2));
    all.add(await deriveToken(OTHER, "status", ID, 1));
    expect(all.size).toBe(PURPOSES.length + 3);
  });

  it("refuses ids that could break the format", async () => {
    for (const bad of ["", "a.b", "../x", "a|b", "a/b", "ü", "x".repeat(65)]) {
      await expect(deriveToken(SECRET, "status", bad, 1)).rejects.toThrow(RangeError);
    }
    for (const v of [-1, 1.5, Number.NaN, 2 ** 53]) {
      await expect(deriveToken(SECRET, "status", ID, v)).rejects.toThrow(RangeError);
    }
    await expect(deriveToken(SECRET, "toString" as TokenPurpose, ID, 1)).rejects.toThrow(
      RangeError,
    );
  });
});

describe("verifyToken", () => {
  it("round-trips id and version for every purpose", async () => {
    for (const p of PURPOSES) {
      for (const v of [0, 1, 7, Number.MAX_SAFE_INTEGER]) {
        const t = await deriveToken(SECRET, p, ID, v);
        expect(await verifyToken(SECRET, p, t)).toEqual({ id: ID, version: v });
      }
    }
  });

  it("rejects a token used for another purpose", async () => {
    for (const made of PURPOSES) {
      const t = await deriveToken(SECRET, made, ID, 1);
      for (const used of PURPOSES) {
        if (used !== made) expect(await verifyToken(SECRET, used, t)).toBeNull();
      }
    }
  });

  it("rejects another secret", async () => {
    const t = await deriveToken(OTHER, "order", ID, 1);
    expect(await verifyToken(SECRET, "order", t)).toBeNull();
  });

  it("rejects tampering with the MAC or the payload", async () => {
    const t = await deriveToken(SECRET, "order", ID, 3);
    const [payload, mac] = t.split(".") as [string, string];
    // Every single-character change anywhere in the token.
    for (let i = 0; i < t.length; i++) {
      const ch = t[i] === "A" ? "B" : "A";
      const changed = t.slice(0, i) + ch + t.slice(i + 1);
      expect(await verifyToken(SECRET, "order", changed)).toBeNull();
    }
    // Another record's payload under this MAC.
    const forged = bytesToBase64Url(new TextEncoder().encode(`o.${ID}y.3`));
    expect(await verifyToken(SECRET, "order", `${forged}.${mac}`)).toBeNull();
    // Same number, non-canonical spelling of the version: one value, one token.
    const padded = bytesToBase64Url(new TextEncoder().encode(`o.${ID}.03`));
    expect(await verifyToken(SECRET, "order", `${padded}.${mac}`)).toBeNull();
    // Truncated MAC.
    expect(await verifyToken(SECRET, "order", `${payload}.${mac.slice(0, 11)}`)).toBeNull();
  });

  it("lets the caller revoke by bumping the version", async () => {
    const old = await deriveToken(SECRET, "status", ID, 1);
    const currentVersion = 2; // record.token_version after a bump
    const claims = await verifyToken(SECRET, "status", old);
    expect(claims).toEqual({ id: ID, version: 1 });
    expect(claims?.version === currentVersion).toBe(false);
    const fresh = await deriveToken(SECRET, "status", ID, currentVersion);
    expect((await verifyToken(SECRET, "status", fresh))?.version).toBe(currentVersion);
  });

  it("returns null for hostile input, never throws", async () => {
    const t = await deriveToken(SECRET, "status", ID, 1);
    const standardAlphabet = t.replaceAll("-", "+").replaceAll("_", "/");
    const hostile = [
      "",
      ".",
      "..",
      "a.b",
      "../",
      "../../etc/passwd",
      "%2e%2e%2f",
      "😀.😀",
      "\u0000",
      `${t}.`,
      `${t}.x`,
      `.${t}`,
      ` ${t}`,
      `${t}=`,
      ...(standardAlphabet === t ? [] : [standardAlphabet]),
      "A".repeat(100_000),
      `${"A".repeat(150)}.${"A".repeat(22)}`,
      `${bytesToBase64Url(new Uint8Array([0xff, 0xfe]))}.${"A".repeat(22)}`, // not UTF-8
      `${bytesToBase64Url(new TextEncoder().encode("s.a.b.1"))}.${"A".repeat(22)}`,
    ];
    for (const h of hostile) expect(await verifyToken(SECRET, "status", h)).toBeNull();
    for (const h of [null, undefined, 42, {}, []]) {
      expect(await verifyToken(SECRET, "status", h as unknown as string)).toBeNull();
    }
  });

  it("embeds only the tag, id and version (no secret material)", async () => {
    const t = await deriveToken(SECRET, "unsubscribe", ID, 4);
    const payload = base64UrlToBytes(t.split(".")[0] as string);
    expect(new TextDecoder().decode(payload ?? new Uint8Array())).toBe(`u.${ID}.4`);
  });
});

describe("derivePersonalCode", () => {
  const CMP = "cmp_0a1b2c3d4e5f6g7h8j9k0m1n2p";

  it("is a formatted Crockford code with a valid check symbol, stable", async () => {
    const { body, code } = await derivePersonalCode(SECRET, CMP, ID, 1);
    expect(body).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]$/);
    expect(parseCode(code)).toEqual({ ok: true, body });
    expect(await derivePersonalCode(SECRET, CMP, ID, 1)).toEqual({ body, code });
  });

  it("differs by campaign, signup, version and secret", async () => {
    const bodies = new Set([
      (await derivePersonalCode(SECRET, CMP, ID, 1)).body,
      (await derivePersonalCode(SECRET, `${CMP}x`, ID, 1)).body,
      (await derivePersonalCode(SECRET, CMP, `${ID}x`, 1)).body,
      (await derivePersonalCode(SECRET, CMP, ID, 2)).body,
      (await derivePersonalCode(OTHER, CMP, ID, 1)).body,
    ]);
    expect(bodies.size).toBe(5);
  });
});

describe("codeLookupHash", () => {
  it("finds the same row whatever way the code was typed", async () => {
    const { body, code } = await derivePersonalCode(SECRET, "cmp_1", "sgn_1", 1);
    const h = await codeLookupHash(SECRET, body);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    const typed = code.toLowerCase().replaceAll("-", " ").replaceAll("1", "l").replaceAll("0", "o");
    const parsed = parseCode(typed);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(await codeLookupHash(SECRET, parsed.body)).toBe(h);
  });

  it("is keyed", async () => {
    expect(await codeLookupHash(SECRET, "7KQ2M9XD4TPA")).not.toBe(
      await codeLookupHash(OTHER, "7KQ2M9XD4TPA"),
    );
  });

  it("throws on an un-parsed body so a missing parseCode() is caught early", async () => {
    for (const bad of ["", "7kq2", "7KQ2-M9XD", "7KQ2U", "7KQ2*"]) {
      await expect(codeLookupHash(SECRET, bad)).rejects.toThrow(RangeError);
    }
  });
});
