import { describe, expect, it } from "vitest";
import {
  ALPHABET,
  CHECK_ONLY_SYMBOLS,
  checkSymbol,
  decode,
  encode,
  formatCode,
  normalizeCode,
  parseCode,
  randomCode,
} from "../../src/lib/base32";

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("encode / decode", () => {
  it("matches known vectors", () => {
    expect(encode(bytes())).toBe("");
    expect(encode(bytes(0))).toBe("00");
    // 0xff = 11111 111(00) → 31 "Z", 28 "W"
    expect(encode(bytes(0xff))).toBe("ZW");
    // RFC 4648 base32 of "foobar" is MZXW6YTBOI; same values in Crockford's alphabet:
    expect(encode(utf8("foobar"))).toBe("CSQPYRK1E8");
  });

  it("round-trips every length 0..40", () => {
    for (let n = 0; n <= 40; n++) {
      const b = crypto.getRandomValues(new Uint8Array(n));
      const s = encode(b);
      expect(s.length).toBe(Math.ceil((n * 8) / 5));
      expect(decode(s)).toEqual(b);
    }
  });

  it("decodes lower case, aliases and hyphens", () => {
    expect(decode("csqpyrk1e8")).toEqual(utf8("foobar"));
    expect(decode("CSQPYRKIE8")).toEqual(utf8("foobar")); // I → 1
    expect(decode("CSQPY-RKLE8")).toEqual(utf8("foobar")); // L → 1, hyphen ignored
    expect(decode("0o")).toEqual(bytes(0)); // O → 0
  });

  it("rejects invalid input with null", () => {
    expect(decode("U0")).toBeNull(); // U is not a data symbol
    expect(decode("*0")).toBeNull();
    expect(decode("0")).toBeNull(); // 1 symbol cannot come from encode
    expect(decode("000")).toBeNull(); // neither can 3
    expect(decode("01")).toBeNull(); // non-zero padding bits
    expect(decode("ZZ")).toBeNull();
    expect(decode("😀😀")).toBeNull();
    expect(decode(undefined as unknown as string)).toBeNull();
  });
});

describe("checkSymbol", () => {
  it("matches hand-computed vectors", () => {
    // Value mod 37, written with 0-9A-Z (minus ILOU) for 0..31 and *~$=U for 32..36.
    expect(checkSymbol("0")).toBe("0"); // 0
    expect(checkSymbol("Z")).toBe("Z"); // 31
    expect(checkSymbol("10")).toBe("*"); // 1·32 + 0 = 32
    expect(checkSymbol("11")).toBe("~"); // 33
    expect(checkSymbol("12")).toBe("$"); // 34
    expect(checkSymbol("13")).toBe("="); // 35
    expect(checkSymbol("14")).toBe("U"); // 36
    expect(checkSymbol("15")).toBe("0"); // 37 ≡ 0
    expect(checkSymbol("100")).toBe("S"); // 1024 = 27·37 + 25; 25 is "S"
    // 7KQ2 = 7·32³ + 19·32² + 23·32 + 2 = 249570 = 6745·37 + 5 → "5"
    expect(checkSymbol("7KQ2")).toBe("5");
    // Continuing r = (r·32 + v) mod 37 over M9XD4TPA from r = 5:
    // M 32, 9 34, X 7, D 15, 4 3, T 11, P 4, A 27 → "V"
    expect(checkSymbol("7KQ2M9XD4TPA")).toBe("V");
  });

  it("throws on non-canonical bodies (callers normalise first)", () => {
    expect(() => checkSymbol("U")).toThrow(RangeError);
    expect(() => checkSymbol("a")).toThrow(RangeError);
  });
});

describe("formatCode", () => {
  it("appends the check symbol and groups by 4", () => {
    expect(formatCode("7KQ2M9XD4TPA")).toBe("7KQ2-M9XD-4TPA-V");
    expect(formatCode("7KQ2")).toBe("7KQ2-5");
    expect(formatCode("14")).toBe("14U");
  });
});

describe("normalizeCode", () => {
  it("upper-cases, strips dashes and spaces, maps I/L → 1 and O → 0", () => {
    expect(normalizeCode("7kq2-m9xd 4tpa-v")).toBe("7KQ2M9XD4TPAV");
    expect(normalizeCode("  ilo-ILO  ")).toBe("110110");
    expect(normalizeCode("7KQ2\u2013M9XD\u00a04TPA")).toBe("7KQ2M9XD4TPA"); // en dash, NBSP
    expect(normalizeCode("７ＫＱ２")).toBe("7KQ2"); // full-width (NFKC)
  });

  it("keeps check-only symbols in the final position only", () => {
    expect(normalizeCode("14U")).toBe("14U");
    expect(normalizeCode("14u")).toBe("14U");
    expect(normalizeCode("10*")).toBe("10*");
    expect(normalizeCode("1U4")).toBeNull();
    expect(normalizeCode("1*4")).toBeNull();
  });

  it("rejects hostile input", () => {
    for (const bad of ["", " ", "--", "../", "a/b", "ß", "ı", "😀", "\u0000", "A".repeat(65)]) {
      expect(normalizeCode(bad)).toBeNull();
    }
    expect(normalizeCode(null as unknown as string)).toBeNull();
  });
});

describe("parseCode", () => {
  it("accepts a code however it is typed", () => {
    for (const typed of [
      "7KQ2-M9XD-4TPA-V",
      "7kq2m9xd4tpav",
      " 7KQ2 M9XD 4TPA V ",
      "7kq2-m9xd-4tpa-v",
    ]) {
      expect(parseCode(typed)).toEqual({ ok: true, body: "7KQ2M9XD4TPA" });
    }
    // i/l/o typed for 1/0 still verify
    const code = formatCode("10A1");
    expect(parseCode(code.toLowerCase().replaceAll("1", "l").replaceAll("0", "o"))).toEqual({
      ok: true,
      body: "10A1",
    });
    expect(parseCode("14U")).toEqual({ ok: true, body: "14" });
  });

  it("reports every single-symbol substitution as checksum", () => {
    const { body } = randomCode();
    const full = body + checkSymbol(body);
    const all = `${ALPHABET}${CHECK_ONLY_SYMBOLS}`;
    for (let i = 0; i < full.length; i++) {
      for (const ch of all) {
        if (ch === full[i]) continue;
        const typo = full.slice(0, i) + ch + full.slice(i + 1);
        const r = parseCode(typo);
        // A check-only symbol inside the body is malformed; everything else is a checksum miss.
        expect(r).toEqual({
          ok: false,
          reason: i < body.length && "*~$=U".includes(ch) ? "malformed" : "checksum",
        });
      }
    }
  });

  it("reports adjacent transpositions as checksum", () => {
    const body = "7KQ2M9XD4TPA";
    const full = `${body}V`;
    for (let i = 0; i + 1 < full.length; i++) {
      if (full[i] === full[i + 1]) continue;
      const swapped = full.slice(0, i) + full[i + 1] + full[i] + full.slice(i + 2);
      expect(parseCode(swapped)).toEqual({ ok: false, reason: "checksum" });
    }
    expect(parseCode("7QK2-M9XD-4TPA-V")).toEqual({ ok: false, reason: "checksum" });
  });

  it("reports junk as malformed, never throws", () => {
    const junk = ["", "V", "-", "../", "7KQ2/M9XD", "%2e%2e", "😀😀", "A".repeat(100_000), "1U4V"];
    for (const j of junk) expect(parseCode(j)).toEqual({ ok: false, reason: "malformed" });
    expect(parseCode(42 as unknown as string)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("randomCode", () => {
  it("gives 12 symbols for 60 bits, formatted with a valid check symbol", () => {
    const { body, code } = randomCode();
    expect(body).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]$/);
    expect(parseCode(code)).toEqual({ ok: true, body });
    expect(randomCode(61).body).toHaveLength(13);
  });

  it("is random", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => randomCode().body));
    expect(seen.size).toBe(1000);
  });

  it("refuses fewer than 60 bits", () => {
    expect(() => randomCode(40)).toThrow(RangeError);
    expect(() => randomCode(60.5)).toThrow(RangeError);
  });
});
