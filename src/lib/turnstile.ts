/**
 * Server-side Cloudflare Turnstile check (siteverify). Fails closed: a
 * missing token, a network error, a slow answer, a non-JSON reply, a
 * `success: false`, or a token already spent (`timeout-or-duplicate`) all
 * refuse the request. A token is valid once and for 300 s, so a replayed
 * token is refused by siteverify itself.
 * @see https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 * @see https://developers.cloudflare.com/turnstile/troubleshooting/testing/ (test secret keys)
 */
import type { Settings } from "../config";
import { log } from "./log";

/** How long siteverify may take before we give up (and refuse). */
export const TURNSTILE_TIMEOUT_MS = 3000;
/** Cloudflare documents tokens of up to 2048 characters. */
export const MAX_TURNSTILE_TOKEN = 2048;

export type TurnstileFailure =
  /** No token sent (the widget did not run, or a bot skipped it). */
  | "missing"
  /** siteverify said no. */
  | "invalid"
  /** The token was already used or is older than 300 s. */
  | "expired_or_used"
  /** siteverify could not be reached in time, or answered nonsense. */
  | "unavailable"
  /** TURNSTILE_SECRET_KEY is not set. */
  | "misconfigured";

export type TurnstileResult = { ok: true } | { ok: false; reason: TurnstileFailure };

interface SiteverifyReply {
  success?: unknown;
  "error-codes"?: unknown;
}

export async function verifyTurnstile(
  settings: Pick<Settings, "TURNSTILE_SECRET_KEY" | "TURNSTILE_VERIFY_URL">,
  token: string | null | undefined,
  remoteIp: string | null,
  options: { timeoutMs?: number; fetcher?: typeof fetch } = {},
): Promise<TurnstileResult> {
  if (!settings.TURNSTILE_SECRET_KEY) return { ok: false, reason: "misconfigured" };
  if (!token || token.length > MAX_TURNSTILE_TOKEN) return { ok: false, reason: "missing" };
  const form = new URLSearchParams({ secret: settings.TURNSTILE_SECRET_KEY, response: token });
  if (remoteIp && remoteIp !== "0.0.0.0") form.set("remoteip", remoteIp);
  let reply: SiteverifyReply;
  try {
    const res = await (options.fetcher ?? fetch)(settings.TURNSTILE_VERIFY_URL, {
      method: "POST",
      body: form,
      signal: AbortSignal.timeout(options.timeoutMs ?? TURNSTILE_TIMEOUT_MS),
    });
    if (!res.ok) {
      log("warn", "turnstile siteverify failed", { status: res.status });
      await res.body?.cancel();
      return { ok: false, reason: "unavailable" };
    }
    reply = (await res.json()) as SiteverifyReply;
  } catch (err) {
    log("warn", "turnstile siteverify unreachable", {
      error: err instanceof Error ? err.name : String(err),
    });
    return { ok: false, reason: "unavailable" };
  }
  if (reply?.success === true) return { ok: true };
  const codes = Array.isArray(reply?.["error-codes"]) ? (reply["error-codes"] as unknown[]) : [];
  if (codes.includes("timeout-or-duplicate")) return { ok: false, reason: "expired_or_used" };
  if (codes.some((c) => typeof c === "string" && c.includes("secret"))) {
    log("error", "turnstile secret rejected by siteverify", { codes });
    return { ok: false, reason: "misconfigured" };
  }
  return { ok: false, reason: "invalid" };
}
