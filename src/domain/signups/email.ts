/**
 * Email addresses as a signup takes them. Two forms are kept (DOMAIN.md
 * "Signup": one per normalised email per campaign):
 *  - `email`: trimmed, local part as typed, domain lower-cased (and in
 *    punycode) — what mail is sent to. The local part is case-sensitive by
 *    RFC 5321 §2.4, so it is not touched.
 *  - `email_normalized`: the whole address lower-cased — the uniqueness key.
 *    Every real provider treats the local part case-insensitively, and the
 *    suppression list folds the same way (src/domain/suppressions.ts), so a
 *    bounce of `Jane@x.com` stops `jane@x.com`. Provider-specific folding
 *    (Gmail dots, `+tags`) is deliberately not done: those are different
 *    mailboxes for every other provider, and merging them would hand one
 *    person's place in line to another.
 * @see https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1 (length limits)
 */

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_LENGTH = 64;

/** RFC 5322 dot-atom: atext runs separated by single dots (no quoted local parts). */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** One DNS label (RFC 1123 LDH), after punycode. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A top-level domain: letters, or a punycode A-label. */
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export interface ParsedEmail {
  /** As stored for sending: local part as typed, domain lower-cased. */
  email: string;
  /** The uniqueness key. */
  normalized: string;
  /** Lower-case ASCII domain (for audience rules and the disposable check). */
  domain: string;
}

export type EmailProblem = "email_invalid" | "email_too_long";

/** The uniqueness key of an address: trimmed and lower-cased as a whole. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The domain in lower-case ASCII (IDNs to punycode via the URL parser), or null. */
function asciiDomain(domain: string): string | null {
  if (!domain || domain.length > 253 || /[\s/\\?#@:[\]%]/.test(domain)) return null;
  let host: string;
  try {
    host = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  const labels = host.split(".");
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  return TLD.test(labels.at(-1) as string) ? host : null;
}

/**
 * Parses what a person typed. Pragmatic rather than full RFC 5322: dot-atom
 * local parts only (quoted strings and comments are legal but in practice
 * only typos or attacks), a registrable-looking domain with a TLD, no IP
 * literals. Never throws.
 */
export function parseEmail(input: unknown): ParsedEmail | { problem: EmailProblem } {
  if (typeof input !== "string") return { problem: "email_invalid" };
  const trimmed = input.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) return { problem: "email_too_long" };
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return { problem: "email_invalid" };
  const local = trimmed.slice(0, at);
  if (local.length > MAX_LOCAL_LENGTH) return { problem: "email_too_long" };
  if (!LOCAL_PART.test(local)) return { problem: "email_invalid" };
  const domain = asciiDomain(trimmed.slice(at + 1));
  if (!domain) return { problem: "email_invalid" };
  const email = `${local}@${domain}`;
  if (email.length > MAX_EMAIL_LENGTH) return { problem: "email_too_long" };
  return { email, normalized: normalizeEmail(email), domain };
}
