/**
 * The pre-order rows of `npm run bench` (issue 6):
 *
 * - `POST /v1/campaigns/{slug}/preorders`: the order write path under load.
 *   A campaign of its own with one variant of 10,000,000 units and no
 *   per-customer cap, so every request can succeed; each request is a new
 *   person (own email, own Idempotency-Key, and the bench's own
 *   CF-Connecting-IP), without a status token, so orders are
 *   `pending_verification` (the abuse counters and the verify email included).
 * - the sell-out: test/load/sellout.mjs (1000 buyers at once for 100 units),
 *   timed; its row shows replies per second, and the note the units sold and
 *   the time to the last one.
 */
import { adminClient, httpClient } from "../test/load/http.mjs";
import { createPresale, sellOut } from "../test/load/sellout.mjs";

export async function preorderSetup(ctx) {
  const run = Date.now().toString(36);
  const http = httpClient(ctx.baseUrl, { sockets: 4 });
  try {
    const campaign = await createPresale(adminClient(http, ctx.adminToken), {
      slug: `bench-orders-${run}`,
      stock: 10_000_000,
    });
    return { run, ...campaign };
  } finally {
    http.close();
  }
}

/** One order per request, each from a new buyer. */
export const preorderRequest = (n, state) => ({
  method: "POST",
  path: `/v1/campaigns/${state.slug}/preorders`,
  headers: { "idempotency-key": `bench-${state.run}-${n}` },
  body: {
    email: `order-${state.run}-${n}@example.com`,
    items: [{ variant_id: state.variantId, quantity: 1 }],
  },
});

/** The sell-out as a bench row. */
export async function sellOutRow(ctx, { buyers = 1000, stock = 100 } = {}) {
  const http = httpClient(ctx.baseUrl, { sockets: 256 });
  const watch = httpClient(ctx.baseUrl, { sockets: 1 });
  try {
    const r = await sellOut(
      {
        http,
        admin: adminClient(http, ctx.adminToken),
        watcher: adminClient(watch, ctx.adminToken),
      },
      { buyers, stock, net: "10.200" },
    );
    const fine = r.created === stock && r.soldOut === buyers - stock && r.serverErrors === 0;
    return {
      requests: buyers,
      rps: buyers / (r.totalMs / 1000),
      p50: Math.round(r.p50),
      p99: Math.round(r.p99),
      non2xx: buyers - r.created,
      codes: Object.keys(r.byStatus).join(","),
      errors: r.transportErrors,
      note: `(2xx column: all replies/s) sold ${r.created}/${stock} to ${buyers} buyers, last unit after ${((r.lastUnitMs ?? Number.NaN) / 1000).toFixed(2)} s, all ${buyers} replies in ${(r.totalMs / 1000).toFixed(2)} s (${r.soldOut} sold_out, ${r.serverErrors} 5xx, min remaining seen ${Math.min(...r.remainingSeen)})${fine ? "" : " — NOT AS EXPECTED"}`,
    };
  } finally {
    http.close();
    watch.close();
  }
}
