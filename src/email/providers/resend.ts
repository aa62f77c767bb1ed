/**
 * Resend through its own SDK. `RESEND_BASE_URL` points the SDK at another
 * host (the fake in scripts/fake-resend.mjs for tests and the bench).
 *
 * Error mapping (https://resend.com/docs/api-reference/errors):
 * - 429 (rate / quota): retry after `retry-after`, attempt not counted, stop the drain.
 * - 5xx, network errors: retry with backoff; ambiguous (may have been delivered).
 * - 409 concurrent_idempotent_requests: the same key is still running → retry soon.
 * - 409 invalid_idempotent_request: the key was already accepted with another
 *   body (e.g. a re-render) → treated as sent: sending again would duplicate.
 * - 401 / 403: the account or sender is misconfigured → retry later, stop the drain.
 * - other 4xx (400 / 422 validation): permanent, the provider's message kept.
 */
import { Resend } from "resend";
import type { EmailProvider, OutgoingEmail, SendOutcome } from "./types";

export const RESEND_MAX_BATCH = 100;
/** A call that has not answered by then is abandoned (and retried under the same key). */
export const RESEND_TIMEOUT_MS = 20_000;
/** When a 429 has no usable retry-after. */
const DEFAULT_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 60 * 60_000;

type ResendError = { message?: string; statusCode?: number | null; name?: string };

/** `retry-after` as seconds or an HTTP date, in ms from `now`. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(MAX_RETRY_AFTER_MS, seconds * 1000);
  const at = Date.parse(value);
  if (Number.isFinite(at)) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
  return null;
}

function toApi(email: OutgoingEmail) {
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    ...(email.headers && Object.keys(email.headers).length ? { headers: email.headers } : {}),
    tags: [{ name: "template", value: email.meta.template }],
  };
}

export function mapResendError(
  error: ResendError,
  headers: Record<string, string> | null,
): SendOutcome {
  const status = typeof error.statusCode === "number" ? error.statusCode : null;
  const text = `${status ?? "network"} ${error.name ?? "error"}: ${error.message ?? ""}`.slice(
    0,
    500,
  );
  if (status === 429) {
    return {
      kind: "retry",
      error: text,
      status,
      retryAfterMs: parseRetryAfter(headers?.["retry-after"]) ?? DEFAULT_RETRY_AFTER_MS,
      rateLimited: true,
      ambiguous: false,
      stopDrain: true,
    };
  }
  if (status === 409 && error.name === "invalid_idempotent_request") {
    return { kind: "sent", ids: [], note: text };
  }
  if (status === 409) {
    return {
      kind: "retry",
      error: text,
      status,
      rateLimited: false,
      ambiguous: true,
      stopDrain: false,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: "retry",
      error: text,
      status,
      rateLimited: false,
      ambiguous: false,
      stopDrain: true,
    };
  }
  if (status !== null && status >= 400 && status < 500) {
    return { kind: "rejected", error: text, status };
  }
  // 5xx, or no response at all (network, DNS, timeout): the provider may have delivered.
  return {
    kind: "retry",
    error: text,
    status,
    rateLimited: false,
    ambiguous: true,
    stopDrain: false,
  };
}

export function resendProvider(apiKey: string, baseUrl?: string): EmailProvider {
  const client = new Resend(apiKey, baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, "") } : undefined);
  return {
    name: "resend",
    maxBatch: RESEND_MAX_BATCH,
    paced: true,
    async send(group, idempotencyKey) {
      if (group.length === 1) {
        const [email] = group as [OutgoingEmail];
        const res = await client.emails.send(toApi(email), {
          idempotencyKey,
          signal: AbortSignal.timeout(RESEND_TIMEOUT_MS),
        });
        if (res.error) return withIds(mapResendError(res.error, res.headers), group);
        return { kind: "sent", ids: [res.data.id] };
      }
      const res = await client.batch.send(group.map(toApi), {
        idempotencyKey,
        signal: AbortSignal.timeout(RESEND_TIMEOUT_MS),
      });
      if (res.error) return withIds(mapResendError(res.error, res.headers), group);
      const ids = res.data.data.map((d) => d.id);
      return { kind: "sent", ids: group.map((_, i) => ids[i] ?? null) };
    },
  };
}

/** An "already accepted" 409 has no ids: one null per message. */
function withIds(outcome: SendOutcome, group: OutgoingEmail[]): SendOutcome {
  if (outcome.kind === "sent" && outcome.ids.length === 0) {
    return { ...outcome, ids: group.map(() => null) };
  }
  return outcome;
}
