/**
 * Small, pure crypto helpers on Web Crypto only (crypto.subtle and
 * crypto.getRandomValues), so the same code runs in workerd, browsers and
 * Node without `node:crypto`.
 * @see ../../shared/DOMAIN.md "Secrets"
 * @see https://www.w3.org/TR/WebCryptoAPI/
 */
import { encode as base32Encode } from "./base32";

const encoder = new TextEncoder();

// ---------------------------------------------------------------- encodings

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** base64url without padding: safe in URL paths, cookies and headers. @see https://www.rfc-editor.org/rfc/rfc4648#section-5 */
export function bytesToBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Strict inverse of bytesToBase64Url: null (never a throw) unless `text` is
 * the canonical unpadded encoding of some bytes. Rejecting non-canonical
 * spellings (stray padding bits) means one value has one token string.
 */
export function base64UrlToBytes(text: string): Uint8Array | null {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    return null;
  }
  let bin: string;
  try {
    bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return bytesToBase64Url(bytes) === text ? bytes : null;
}

// ---------------------------------------------------------------- randomness

/**
 * An unguessable bearer secret (API key, session id, CSRF token). 32 bytes by
 * default; never fewer than 16 (128 bits, the floor in DOMAIN.md "Secrets").
 */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
    throw new RangeError("randomToken: bytes must be an integer in 16..1024");
  }
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * A random public id such as `cmp_5x0c…` (26 lower-case Crockford symbols =
 * 128 bits). Random rather than sequential so ids on the wire leak neither
 * volume nor order and cannot be enumerated (CONTRACT.md "Starting it").
 * `prefix` is a short lower-case type tag without the underscore: `randomId("cmp")`.
 */
export function randomId(prefix: string): string {
  if (!/^[a-z][a-z0-9]{0,15}$/.test(prefix)) {
    throw new RangeError("randomId: prefix must be 1-16 lower-case letters/digits, e.g. 'cmp'");
  }
  return `${prefix}_${base32Encode(crypto.getRandomValues(new Uint8Array(16))).toLowerCase()}`;
}

// ---------------------------------------------------------------- HMAC

/**
 * Imported keys, per key string. importKey is async and not free; tokens are
 * verified on hot paths with the same one or two secrets, so import once per
 * isolate. The promise is cached so concurrent first calls share one import.
 * Bounded so a caller that (wrongly) uses per-request keys cannot grow it
 * without limit.
 */
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_MAX = 16;

function hmacKey(key: string): Promise<CryptoKey> {
  let cached = keyCache.get(key);
  if (!cached) {
    if (key.length === 0) throw new TypeError("hmacSha256: empty key (is the secret configured?)");
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    cached = crypto.subtle.importKey(
      "raw",
      encoder.encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    cached.catch(() => keyCache.delete(key));
    keyCache.set(key, cached);
  }
  return cached;
}

/** HMAC-SHA-256 over UTF-8 strings. @see https://www.rfc-editor.org/rfc/rfc2104 */
export async function hmacSha256(key: string, data: string): Promise<Uint8Array> {
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(key), encoder.encode(data));
  return new Uint8Array(sig);
}

/**
 * What a keyed hash is for. Part of the HMAC input, so a value hashed for one
 * purpose never matches a lookup for another (an API key's hash is not a valid
 * session hash even if the strings were equal). Typed as a closed union so
 * the (secret, purpose, value) argument order is checked by the compiler.
 */
export type HashPurpose =
  | "api_key"
  | "session"
  | "csrf"
  | "login"
  | "invite_code"
  | "ip"
  | "email"
  | "rate_limit";

/**
 * Keyed hash for storing secrets we must recognise but never reveal: admin API
 * keys, dashboard sessions, invite codes (DOMAIN.md "Secrets"). A keyed hash
 * rather than a plain one: a database dump without the secret does not let
 * anyone test guesses offline. Lowercase hex of the full 256-bit HMAC, so
 * stored values are equality-comparable in SQL.
 *
 * Input is `purpose:value`; purposes contain no `:`, so the encoding is
 * unambiguous.
 */
export async function keyedHash(
  secret: string,
  purpose: HashPurpose,
  value: string,
): Promise<string> {
  return bytesToHex(await hmacSha256(secret, `${purpose}:${value}`));
}

// ---------------------------------------------------------------- comparison

/**
 * Constant-time comparison of UTF-8 strings: the loop always runs over the
 * longer length and accumulates differences with XOR/OR instead of returning
 * at the first mismatch, so timing reveals neither where two secrets differ
 * nor how long a common prefix is. Length itself is not secret for our
 * formats (tokens and hashes have fixed shapes).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  return timingSafeEqualBytes(encoder.encode(a), encoder.encode(b));
}

/** Byte-array form of timingSafeEqual (used for MACs). */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  const len = Math.max(a.length, b.length);
  // Copy into equal-length zero-padded buffers so the loop has no length branches.
  const pa = new Uint8Array(len);
  const pb = new Uint8Array(len);
  pa.set(a);
  pb.set(b);
  let diff = a.length ^ b.length;
  for (let i = 0; i < len; i++) diff |= (pa[i] as number) ^ (pb[i] as number);
  return diff === 0;
}

// ---------------------------------------------------------------- IPs

/**
 * Canonical text of an IP so equivalent spellings hash equally: IPv4 as plain
 * dotted decimal; IPv6 lower-case and compressed per RFC 5952; IPv4-mapped
 * IPv6 (`::ffff:1.2.3.4`, as a dual-stack socket reports IPv4 clients) as the
 * IPv4 address. Brackets and a zone id (`%eth0`) are dropped. Unparseable
 * input comes back trimmed and lower-cased (it is still only ever hashed).
 * @see https://www.rfc-editor.org/rfc/rfc5952
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.5.5.2
 */
export function normalizeIp(ip: string): string {
  const s = String(ip)
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "");
  const v4 = parseIpv4(s);
  if (v4) return v4.join(".");
  const v6 = parseIpv6(s);
  if (!v6) return s;
  if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) {
    const [hi, lo] = [v6[6] as number, v6[7] as number];
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  }
  return formatIpv6(v6);
}

function parseIpv4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : 256));
  return nums.every((n) => n <= 255) ? nums : null;
}

function parseIpv6(s: string): number[] | null {
  if (s.length > 45 || !/^[0-9a-f:.]+$/.test(s)) return null;
  const halves = s.split("::");
  // An embedded IPv4 tail may only appear at the very end.
  if (halves.length > 2 || (halves.length === 2 && halves[0]?.includes("."))) return null;
  const toGroups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i] as string;
      if (i === pieces.length - 1 && p.includes(".")) {
        const v4 = parseIpv4(p); // embedded IPv4 tail, e.g. ::ffff:1.2.3.4
        if (!v4) return null;
        out.push(
          ((v4[0] as number) << 8) | (v4[1] as number),
          ((v4[2] as number) << 8) | (v4[3] as number),
        );
      } else if (/^[0-9a-f]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = toGroups(halves[0] as string);
  const tail = halves.length === 2 ? toGroups(halves[1] as string) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const fill = 8 - head.length - tail.length;
  return fill >= 1 ? [...head, ...new Array<number>(fill).fill(0), ...tail] : null;
}

/** RFC 5952 §4: no leading zeros, longest run (≥ 2) of zero groups as `::`, first run on a tie. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * What we store instead of an IP (audit log, abuse signals, rate-limit keys):
 * a keyed hash of the normalised address, truncated to 128 bits (hex). Never a
 * plain hash: there are only 2^32 IPv4 addresses, so an unkeyed hash is
 * reversed by enumeration in minutes. Erasure deletes these with the person.
 */
export async function hmacIp(secret: string, ip: string): Promise<string> {
  return (await keyedHash(secret, "ip", normalizeIp(ip))).slice(0, 32);
}

// ---------------------------------------------------------------- digests

/** SHA-256 of UTF-8 text as lowercase hex, e.g. to fingerprint a request body for idempotency. */
export async function sha256Hex(text: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}
