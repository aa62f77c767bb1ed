/**
 * Crockford base32 for human-typed codes (invite codes) and compact random ids.
 *
 * Why Crockford and not RFC 4648 base32: its alphabet drops I, L, O and U, so
 * what people misread (1/I/L, 0/O) decodes to the same value, and it defines a
 * mod-37 check symbol that catches every single-character substitution and
 * every adjacent transposition, so a typo can be reported as a typo instead of
 * "invalid code".
 * @see https://www.crockford.com/base32.html
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-6 (the bit packing is the same: big-endian, 5 bits a symbol)
 */

/** The 32 data symbols, value = index. */
export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Check symbols for values 32..36 (0..31 reuse the data symbols). Only valid last. */
export const CHECK_ONLY_SYMBOLS = "*~$=U";
const CHECK_ALPHABET = ALPHABET + CHECK_ONLY_SYMBOLS;

/** Longest raw input parseCode looks at; anything longer is not a code we issued. */
const MAX_CODE_INPUT = 64;

/** Value of each accepted (upper-cased) data character, including the aliases I, L → 1 and O → 0. */
const DECODE: ReadonlyMap<string, number> = new Map([
  ...Array.from(ALPHABET, (c, i) => [c, i] as [string, number]),
  ["I", 1],
  ["L", 1],
  ["O", 0],
]);

/** Big-endian bit packing, last symbol zero-padded, no `=` padding. */
export function encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff; // at most 12 live bits, keep it small
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Inverse of `encode`. Accepts lower case, the I/L/O aliases and hyphens (the
 * spec says hyphens are ignored). Returns null (never throws) for invalid
 * symbols, for lengths `encode` cannot produce, and for non-zero padding
 * bits, so each byte string has exactly one accepted spelling up to aliases.
 */
export function decode(str: string): Uint8Array | null {
  if (typeof str !== "string") return null;
  const s = str.replaceAll("-", "").toUpperCase();
  const byteLength = Math.floor((s.length * 5) / 8);
  if (Math.ceil((byteLength * 8) / 5) !== s.length) return null;
  const out = new Uint8Array(byteLength);
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (const ch of s) {
    const v = DECODE.get(ch);
    if (v === undefined) return null;
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (buffer >>> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null; // non-canonical padding
  return out;
}

/**
 * Turns what a person typed into canonical symbols, or null if it cannot be a
 * code. Unicode-normalises (NFKC, so full-width digits from a phone keyboard
 * work), drops spaces and dashes (including typographic ones pasted from an
 * email), upper-cases and maps I/L → 1 and O → 0.
 *
 * The last character may also be a check-only symbol (`*~$=U`): the check
 * symbol always comes last, so U is rejected anywhere else (Crockford excludes
 * it from data to avoid accidental obscenity) but kept in the final position.
 */
export function normalizeCode(input: string): string | null {
  if (typeof input !== "string" || input.length === 0 || input.length > MAX_CODE_INPUT) return null;
  const compact = input.normalize("NFKC").replace(/[\s\-\u2010-\u2015\u2212]+/gu, "");
  // Validate as ASCII before upper-casing: toUpperCase maps e.g. "ß" → "SS", "ı" → "I".
  if (compact.length === 0 || !/^[0-9A-Za-z*~$=]+$/.test(compact)) return null;
  const upper = compact.toUpperCase();
  let out = "";
  const last = upper.length - 1;
  for (let i = 0; i <= last; i++) {
    const ch = upper[i] as string;
    const v = DECODE.get(ch);
    if (v !== undefined) out += ALPHABET[v];
    else if (i === last && CHECK_ONLY_SYMBOLS.includes(ch)) out += ch;
    else return null;
  }
  return out;
}

/**
 * Crockford's check symbol: the value of the whole string as a base-32
 * number, modulo 37 (a prime > 32, so any one wrong symbol or any swap of two
 * adjacent different symbols changes the remainder), written with the
 * extended alphabet. Computed digit by digit so any length works without
 * bigints. `body` must be canonical data symbols (see normalizeCode).
 */
export function checkSymbol(body: string): string {
  let r = 0;
  for (const ch of body) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new RangeError("checkSymbol: body must be canonical Crockford symbols");
    r = (r * 32 + v) % 37;
  }
  return CHECK_ALPHABET[r] as string;
}

/** Body plus check symbol, grouped by 4 for reading aloud: `7KQ2-M9XD-4TPA-7`. */
export function formatCode(body: string): string {
  const full = body + checkSymbol(body);
  return full.match(/.{1,4}/g)?.join("-") ?? full;
}

export type ParsedCode =
  | { ok: true; body: string }
  | { ok: false; reason: "malformed" | "checksum" };

/**
 * Parses a code as typed: normalises, then verifies the check symbol. A typo
 * reads as `checksum` (tell the user to re-check what they typed); input that
 * cannot be a code at all is `malformed`. Never throws. The returned body is
 * what `codeLookupHash` takes.
 */
export function parseCode(input: string): ParsedCode {
  const norm = normalizeCode(input);
  if (norm === null || norm.length < 2) return { ok: false, reason: "malformed" };
  const body = norm.slice(0, -1);
  const check = norm.slice(-1);
  // A check-only symbol inside the body already failed normalisation; the body is canonical here.
  return checkSymbol(body) === check ? { ok: true, body } : { ok: false, reason: "checksum" };
}

/**
 * A random code for people to type (shared invite codes). Each symbol takes 5
 * bits of a random byte: 256 is a multiple of 32, so symbols are uniform
 * (no modulo bias). 60 bits (12 symbols) is the floor from DOMAIN.md
 * "Secrets": with rate limiting, guessing any of millions of live codes stays
 * out of reach.
 */
export function randomCode(bits = 60): { body: string; code: string } {
  if (!Number.isInteger(bits) || bits < 60 || bits > 320) {
    throw new RangeError("randomCode: bits must be an integer in 60..320");
  }
  const random = crypto.getRandomValues(new Uint8Array(Math.ceil(bits / 5)));
  let body = "";
  for (const b of random) body += ALPHABET[b & 31];
  return { body, code: formatCode(body) };
}
