/**
 * Cheap abuse signals on a signup (DOMAIN.md "Signup": review). None of them
 * changes the reply: a bot learns nothing from the response, and a false
 * positive costs a real person nothing but a review.
 *  - Honeypot: a form field people never see; filled in = a bot. Nothing is
 *    stored.
 *  - Disposable domains → review `flagged` (kept, not ranked, not credited).
 *  - Self-referral (same HMAC'd IP as the referrer shortly after it signed
 *    up) is decided in SQL at insert time (./referrals.ts).
 *  - Turnstile, when the campaign turns it on: src/lib/turnstile.ts.
 *
 * The disposable list is the `disposable-email-domains-js` package: the
 * community-maintained disposable-email-domains list (curated against false
 * positives, updated often), shipped as one ~170 KB JSON array. It is
 * imported straight into the bundle and turned into a Set once per isolate;
 * the package's own helper rebuilds the Set on every call.
 * @see https://github.com/disposable-email-domains/disposable-email-domains
 */
import blocklist from "disposable-email-domains-js/dist/dict/disposable_email_blocklist.json";

/** The honeypot's field name: a plausible one, so form-filling bots fill it. */
export const HONEYPOT_FIELD = "website";

export type ReviewReason = "disposable_domain" | "self_referral";

let disposable: ReadonlySet<string> | undefined;

/**
 * Whether the (lower-case ASCII) domain or any parent domain of it is on the
 * list: `x.mailinator.com` is as disposable as `mailinator.com`.
 */
export function isDisposableDomain(domain: string): boolean {
  disposable ??= new Set(blocklist as string[]);
  const labels = domain.toLowerCase().split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    if (disposable.has(labels.slice(i).join("."))) return true;
  }
  return false;
}

/** A filled honeypot (anything but whitespace). */
export function honeypotTripped(value: unknown): boolean {
  return typeof value === "string" ? value.trim() !== "" : value !== undefined && value !== null;
}
