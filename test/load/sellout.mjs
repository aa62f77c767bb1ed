/**
 * The sell-out run, shared by the load suite (test/load/run.mjs, which checks
 * it) and the bench (bench/preorder-setup.mjs, which times it): a presale
 * campaign with one variant of `stock` units, created through the admin API,
 * then `buyers` different people (own email, own CF-Connecting-IP, own
 * Idempotency-Key) pressing "pre-order" at the same moment. Orders carry no
 * status token, so they are `pending_verification`, which holds units like
 * any live order. While the run lasts, the admin API is polled for the
 * variant's `remaining`, to see that it never goes below zero.
 */
import { ipFor, percentile } from "./http.mjs";

/** Creates a presale campaign (open to all) with one variant; resolves { id, slug, variantId }. */
export async function createPresale(admin, { slug, stock, perCustomerLimit = null, name }) {
  const created = await admin("POST", "/v1/admin/campaigns", {
    slug,
    name: name ?? `Load: ${slug}`,
    currency: "USD",
    invite_only: false,
    double_opt_in: false,
    variants: [{ name: "Unit", price: 1000, stock, per_customer_limit: perCustomerLimit }],
  });
  if (created.status !== 201) {
    throw new Error(`POST /v1/admin/campaigns → ${created.status} ${created.text?.slice(0, 300)}`);
  }
  for (const status of ["waitlist", "presale"]) {
    const res = await admin("PATCH", `/v1/admin/campaigns/${created.json.id}`, { status });
    if (res.status !== 200) throw new Error(`PATCH status ${status} → ${res.status} ${res.text}`);
  }
  return { id: created.json.id, slug, variantId: created.json.variants[0].id };
}

/** The variant's `remaining` as the admin API shows it now (null if the read failed). */
export async function remainingOf(admin, campaign) {
  const res = await admin("GET", `/v1/admin/campaigns/${campaign.id}`);
  const v = res.json?.variants?.find((x) => x.id === campaign.variantId);
  return res.status === 200 && v ? v.remaining : null;
}

/** Polls `remaining` every `everyMs` until stopped; resolves the values seen. */
function watchRemaining(admin, campaign, everyMs = 25) {
  let stopped = false;
  const seen = [];
  const loop = (async () => {
    while (!stopped) {
      const r = await remainingOf(admin, campaign);
      if (r !== null) seen.push(r);
      await new Promise((ok) => setTimeout(ok, everyMs));
    }
    return seen;
  })();
  return {
    stop: () => {
      stopped = true;
      return loop;
    },
  };
}

/**
 * Runs the sell-out (`watcher`: an admin client on its own socket for the
 * `remaining` reads). Resolves the raw outcome: replies by status (and code),
 * the `remaining` values seen while it ran, time to the last unit, and
 * latencies.
 */
export async function sellOut(
  { http, admin, watcher },
  { buyers = 1000, stock = 100, net = "10.1" } = {},
) {
  const run = Date.now().toString(36);
  const campaign = await createPresale(admin, { slug: `sellout-${run}`, stock });
  // On its own connection when given, so the reads are not queued behind the buyers.
  const watch = watchRemaining(watcher ?? admin, campaign);
  const started = performance.now();
  let created = 0;
  let lastUnitMs = null;
  const replies = await Promise.all(
    Array.from({ length: buyers }, (_, i) =>
      http
        .request("POST", `/v1/campaigns/${campaign.slug}/preorders`, {
          ip: ipFor(net, i + 1),
          headers: { "idempotency-key": `sellout-${run}-${i}` },
          body: {
            email: `buyer-${run}-${i}@example.com`,
            items: [{ variant_id: campaign.variantId, quantity: 1 }],
          },
        })
        .then((r) => {
          if (r.status === 201 && ++created === stock) lastUnitMs = performance.now() - started;
          return r;
        }),
    ),
  );
  const totalMs = performance.now() - started;
  const seen = await watch.stop();
  const byStatus = {};
  for (const r of replies) {
    const key =
      r.status === 0 ? `error:${r.error}` : `${r.status}${r.json?.code ? ` ${r.json.code}` : ""}`;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  const ms = replies.map((r) => r.ms);
  return {
    campaign,
    buyers,
    stock,
    replies,
    byStatus,
    created: replies.filter((r) => r.status === 201).length,
    soldOut: replies.filter((r) => r.status === 409 && r.json?.code === "sold_out").length,
    serverErrors: replies.filter((r) => r.status >= 500).length,
    transportErrors: replies.filter((r) => r.status === 0).length,
    remainingSeen: seen,
    lastUnitMs,
    totalMs,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
  };
}
