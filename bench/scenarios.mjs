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
 * or, for a fixed request, just { name, path } (plus method / headers / body),
 * or a row that measures itself: { name, run: async (ctx) => ({ rps, p50,
 * p99, non2xx, codes, requests, note }) } (the sell-out).
 * Every request also gets its own CF-Connecting-IP, so per-IP rate limits see
 * many clients, as they would in production. The first row is the baseline the
 * "vs /healthz" column divides by.
 */
import { preorderRequest, preorderSetup, sellOutRow } from "./preorder-setup.mjs";
import { seedStatusSignups } from "./status-setup.mjs";

export const scenarios = [
  { name: "GET /healthz", path: "/healthz" },
  // The floor of any request that reads or writes: one D1 round trip
  // (SELECT 1). Under wrangler dev the worker and local D1 share one
  // single-threaded workerd process, so this row shows what a D1 call costs
  // before the query does any work.
  { name: "GET /readyz (one D1 round trip)", path: "/readyz" },
  { name: "GET /v1/campaigns/demo", path: "/v1/campaigns/demo" },
  {
    // A new address every request (the write path: signup + confirm email in
    // one batch); the run id keeps repeated runs on one database apart.
    name: "POST /v1/campaigns/demo/signups",
    setup: () => ({ run: Date.now().toString(36) }),
    request: (n, state) => ({
      method: "POST",
      path: "/v1/campaigns/demo/signups",
      body: {
        email: `bench-${state.run}-${n}@example.com`,
        consent: true,
        answers: { use: "desk" },
        utm_source: "bench",
      },
    }),
  },
  {
    // A confirmed signup's status (place in line, referral link, codes): one
    // batch of two reads. Tokens rotate over 1,000 people in line.
    name: "GET /v1/status",
    setup: (ctx) => seedStatusSignups(ctx, { count: 1000 }),
    request: (n, state) => ({
      path: "/v1/status",
      headers: { authorization: `Bearer ${state.tokens[n % state.tokens.length]}` },
    }),
  },
  {
    // A new buyer every request (own email, key and IP): the order batch with
    // its stock CHECK, idempotency record and verify email. bench/preorder-setup.mjs
    name: "POST /v1/campaigns/{slug}/preorders",
    setup: preorderSetup,
    request: preorderRequest,
  },
  {
    // 1000 buyers at once for 100 units; replies/s, and the time to sell out in the note.
    name: "sell-out: 1000 buyers, 100 units",
    run: (ctx) => sellOutRow(ctx),
  },
];
