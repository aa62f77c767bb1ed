/**
 * The rows of `npm run bench`, in order. Add a row by adding an entry:
 *
 *   {
 *     name: "POST /v1/campaigns/demo/signups",   // the row label
 *     // Optional, once before the row: create what the requests need (admin
 *     // calls through ctx.admin(method, path, body) → { status, json }).
 *     // Whatever it returns is passed to request() as `state`.
 *     setup: async (ctx) => ({ ... }),
 *     // Per request (n counts up across the whole run, so it can make unique
 *     // emails, keys, …). Returns { method?, path, headers?, body? } where a
 *     // non-string body is sent as JSON.
 *     request: (n, state, ctx) => ({ method: "POST", path: "/…", body: { … } }),
 *   }
 *
 * or, for a fixed request, just { name, path } (plus method / headers / body).
 * Every request also gets its own CF-Connecting-IP, so per-IP rate limits see
 * many clients, as they would in production. The first row is the baseline the
 * "vs /healthz" column divides by.
 */
export const scenarios = [
  { name: "GET /healthz", path: "/healthz" },
  { name: "GET /v1/campaigns/demo", path: "/v1/campaigns/demo" },
];
