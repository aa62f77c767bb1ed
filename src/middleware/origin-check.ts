/**
 * Browser POSTs to a campaign's public endpoints (`/v1/campaigns/{slug}/…`:
 * signups, invite checks, pre-orders) are checked on the server
 * (CONTRACT.md "Public routes"): an `Origin` that is present and is neither
 * this worker (PUBLIC_URL, or the origin the request came in on) nor one of
 * the campaign's `allowed_origins` gets 403 `origin_not_allowed` before the
 * body is read. Allowed foreign origins are echoed in
 * `Access-Control-Allow-Origin`, and CORS preflights for them are answered
 * here. No `Origin` (curl, servers, RFC 8058 mail clients) passes: CORS is a
 * browser protection, and a non-browser can send any Origin it likes.
 *
 * Every answer here carries `Vary: Origin`, since it depends on it.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import type { Context, MiddlewareHandler } from "hono";
import { loadSignupCampaign, ORIGIN_CACHE_MS } from "../domain/signups/campaign";
import { AppError } from "../lib/errors";
import type { AppEnv } from "../lib/router";

/** Request headers a cross-origin page may send (JSON bodies, pre-order idempotency keys). */
const ALLOW_HEADERS = "Content-Type, Idempotency-Key";
/** Response headers a cross-origin page may read (a 429's wait, the request id for support). */
const EXPOSE_HEADERS = "Retry-After, X-Request-Id";
/** Browsers cache a preflight this long (seconds). */
const PREFLIGHT_MAX_AGE = "600";

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

function apply(headers: Headers, extra: Record<string, string>): void {
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  headers.append("Vary", "Origin");
}

/** Adds headers to the response the route made (copying it if its headers are immutable). */
function decorate(c: Context<AppEnv>, extra: Record<string, string>): void {
  try {
    apply(c.res.headers, extra);
  } catch {
    c.res = new Response(c.res.body, c.res);
    apply(c.res.headers, extra);
  }
}

export const originCheck: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method !== "POST" && method !== "OPTIONS") return next();
  const origin = c.req.header("Origin");
  if (origin === undefined) {
    await next();
    decorate(c, {});
    return;
  }
  const own = [originOf(c.get("settings").PUBLIC_URL), originOf(c.req.url)];
  let foreign = !own.includes(origin);
  if (foreign) {
    const slug = c.req.param("slug") ?? "";
    const campaign = await loadSignupCampaign(c.get("db"), slug, { maxAgeMs: ORIGIN_CACHE_MS });
    foreign = !campaign?.allowedOrigins.includes(origin);
  }
  if (foreign) {
    throw new AppError("origin_not_allowed", {
      detail: "This origin is not allowed to post to this campaign",
      headers: { Vary: "Origin" },
    });
  }
  const cors = {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Expose-Headers": EXPOSE_HEADERS,
  };
  if (method === "OPTIONS") {
    const headers = new Headers();
    apply(headers, {
      ...cors,
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
    });
    return new Response(null, { status: 204, headers });
  }
  await next();
  decorate(c, cors);
};
