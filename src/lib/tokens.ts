/**
 * Customer link tokens and personal invite codes, derived by HMAC from
 * TOKEN_SECRET instead of stored (DOMAIN.md "Secrets", CONTRACT.md "Customer
 * tokens"). Deriving means a reminder or a "lost my link" email can re-create
 * the same link from ids the outbox already holds; the token embeds the record
 * id and a version, so verifying needs no lookup table, and bumping the
 * record's `token_version` revokes every link issued before.
 *
 * Token shape (all base64url, so path-safe: no `/ + = ? #`):
 *
 *     base64url("<tag>.<recordId>.<version>") "." base64url(HMAC-SHA-256(...)[0..16])
 *
 * The payload is readable by anyone holding the token (it is only ids); the
 * MAC makes it unforgeable. The MAC is truncated to 128 bits, within RFC 2104
 * §5's guidance (at least half the hash output and at least 80 bits).
 * @see https://www.rfc-editor.org/rfc/rfc2104#section-5
 */
import { encode as base32Encode, formatCode } from "./base32";
import {
  base64UrlToBytes,
  bytesToBase64Url,
  hmacSha256,
  keyedHash,
  timingSafeEqualBytes,
} from "./crypto";

/**
 * What a token lets its holder do, and the one-letter tag written into it.
 * A token verifies only for the purpose it was derived for: a status link
 * cannot be replayed as an order or unsubscribe link.
 */
export const TOKEN_PURPOSES = {
  /** Double opt-in: confirm a signup. */
  confirm: "c",
  /** Signup status page `/s/{token}` and GET /v1/status. */
  status: "s",
  /** Manage one pre-order `/o/{token}`. */
  order: "o",
  /** Prove the email of a `pending_verification` pre-order. */
  verify: "v",
  /** RFC 8058 one-click unsubscribe. */
  unsubscribe: "u",
  /**
   * Dashboard sign-in link for a member. Tokens carry no expiry: the caller
   * must store an expiry with the version and bump the version on use.
   */
  login: "l",
} as const;

export type TokenPurpose = keyof typeof TOKEN_PURPOSES;

export interface TokenClaims {
  /** The record id the token was derived for (signup, pre-order, member…). */
  id: string;
  /** Compare with the record's current `token_version`; unequal means revoked. */
  version: number;
}

/** 128-bit MAC. */
const MAC_BYTES = 16;
/** Throws on invalid UTF-8 instead of substituting U+FFFD; keeps a BOM so it fails the tag check. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Longest token we could ever issue is ~135 chars; anything past this is garbage. */
const MAX_TOKEN_LENGTH = 200;
/** Our ids are `prefix_` + base32; allow any URL-safe id so callers are not tied to one id scheme. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Canonical decimal only, so one (id, version) has exactly one token string. */
const VERSION_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

function tagOf(purpose: TokenPurpose): string {
  // hasOwn, not `in`/index alone: "toString" or "__proto__" must not pass as a purpose.
  if (!Object.hasOwn(TOKEN_PURPOSES, purpose)) {
    throw new RangeError(`unknown token purpose: ${String(purpose)}`);
  }
  return TOKEN_PURPOSES[purpose];
}

function assertId(name: string, id: string): void {
  if (typeof id !== "string" || !ID_PATTERN.test(id)) {
    throw new RangeError(`${name} must be 1-64 characters of [A-Za-z0-9_-]`);
  }
}

function assertVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new RangeError("version must be a non-negative safe integer");
  }
}

/**
 * The MAC input. Every field is validated to contain no `|`, so the encoding
 * is injective; the `token/v1` prefix separates it from every other use of
 * TOKEN_SECRET (personal codes, keyed hashes) and leaves room for a format change.
 */
async function tokenMac(
  secret: string,
  purpose: TokenPurpose,
  id: string,
  version: number,
): Promise<Uint8Array> {
  const mac = await hmacSha256(secret, `token/v1|${purpose}|${id}|${version}`);
  return mac.slice(0, MAC_BYTES);
}

/**
 * A URL-path-safe token for `purpose` on record `recordId` at `version`.
 * Deterministic: the same inputs give the same token, which is what lets a
 * link be re-sent without storing it. Throws only on invalid arguments (a bug
 * in the caller, not user input).
 */
export async function deriveToken(
  secret: string,
  purpose: TokenPurpose,
  recordId: string,
  version: number,
): Promise<string> {
  const tag = tagOf(purpose);
  assertId("recordId", recordId);
  assertVersion(version);
  const payload = bytesToBase64Url(new TextEncoder().encode(`${tag}.${recordId}.${version}`));
  const mac = await tokenMac(secret, purpose, recordId, version);
  return `${payload}.${bytesToBase64Url(mac)}`;
}

/**
 * The record id and version a token was derived for, or null if the token is
 * not a valid `purpose` token under `secret`. Never throws on hostile input
 * (empty, huge, unicode, `../`, wrong type): anything unexpected is null. The
 * MAC is compared in constant time.
 *
 * The caller must still check `version === record.token_version` (and that
 * the record exists and belongs to the right campaign); that is how
 * revocation works.
 */
export async function verifyToken(
  secret: string,
  purpose: TokenPurpose,
  token: string,
): Promise<TokenClaims | null> {
  const tag = tagOf(purpose);
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    return null;
  }
  const parts = token.split(".");
  if (parts.length !== 2) return null;
  const payloadBytes = base64UrlToBytes(parts[0] as string);
  const mac = base64UrlToBytes(parts[1] as string);
  if (!payloadBytes || !mac || mac.length !== MAC_BYTES) return null;

  let payload: string;
  try {
    payload = strictUtf8.decode(payloadBytes);
  } catch {
    return null;
  }
  const fields = payload.split(".");
  if (fields.length !== 3) return null;
  const [gotTag, id, versionText] = fields as [string, string, string];
  // The tag is not secret, so rejecting another purpose before the MAC leaks nothing.
  if (gotTag !== tag || !ID_PATTERN.test(id) || !VERSION_PATTERN.test(versionText)) return null;
  const version = Number(versionText);
  if (!Number.isSafeInteger(version)) return null;

  const expected = await tokenMac(secret, purpose, id, version);
  return timingSafeEqualBytes(expected, mac) ? { id, version } : null;
}

// ---------------------------------------------------------------- invite codes

/** Body length of personal codes: 12 symbols = 60 bits, the same floor as shared codes. */
export const PERSONAL_CODE_SYMBOLS = 12;

/**
 * A signup's personal invite code, derived so it can be re-sent (reminders,
 * a lost email) without storing its plaintext: the first 60 bits of
 * HMAC(secret, campaign, signup, version) in Crockford base32. Store only
 * `codeLookupHash(secret, body)` on the invite row; bump `version` to replace
 * a leaked code. Returns the canonical `body` (for hashing) and the display
 * `code` with check symbol, e.g. `7KQ2-M9XD-4TPA-7`.
 */
export async function derivePersonalCode(
  secret: string,
  campaignId: string,
  signupId: string,
  version: number,
): Promise<{ body: string; code: string }> {
  assertId("campaignId", campaignId);
  assertId("signupId", signupId);
  assertVersion(version);
  const mac = await hmacSha256(secret, `code/v1|personal|${campaignId}|${signupId}|${version}`);
  // 8 bytes → 13 symbols whose first 12 carry bits 0..59 of the MAC: uniform.
  const body = base32Encode(mac.slice(0, 8)).slice(0, PERSONAL_CODE_SYMBOLS);
  return { body, code: formatCode(body) };
}

/** Canonical Crockford data symbols, as parseCode returns them. */
const CODE_BODY_PATTERN = /^[0-9A-HJKMNP-TV-Z]{1,64}$/;

/**
 * The keyed hash stored on an invite-code row and used to find it from what
 * a person typed (personal and shared codes alike): `parseCode(input)`, then
 * look up `codeLookupHash(secret, body)` within the campaign. Hashing the
 * canonical body means `7kq2 m9xd…`, `7KQ2-M9XD-…` and `I`/`1` mix-ups find
 * the same row. Throws if `normalizedBody` is not canonical, so a caller that
 * forgot to parse fails loudly instead of silently never matching.
 */
export async function codeLookupHash(secret: string, normalizedBody: string): Promise<string> {
  if (typeof normalizedBody !== "string" || !CODE_BODY_PATTERN.test(normalizedBody)) {
    throw new RangeError("codeLookupHash: pass the canonical body from parseCode()");
  }
  return keyedHash(secret, "invite_code", normalizedBody);
}
