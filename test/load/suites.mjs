/**
 * The load and fault suites (issue 6 "Done means", over HTTP against the real
 * dev server). Each takes the tally `t` and the clients; checks are named for
 * what they prove.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ipFor } from "./http.mjs";
import { createPresale, remainingOf, sellOut } from "./sellout.mjs";

/** Every order of a campaign through the admin list (cursor pages). */
async function listOrders(admin, campaignId) {
  const out = [];
  let cursor;
  do {
    const res = await admin(
      "GET",
      `/v1/admin/campaigns/${campaignId}/preorders?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
    );
    if (res.status !== 200) throw new Error(`GET preorders → ${res.status} ${res.text}`);
    out.push(...res.json.items);
    cursor = res.json.next_cursor;
  } while (cursor);
  return out;
}

const totalsOf = async (admin, id) =>
  (await admin("GET", `/v1/admin/campaigns/${id}/preorders/totals`)).json;

/** 1000 buyers, 100 units: exactly 100 orders, every other reply sold_out, no 5xx. */
export async function sellOutSuite(t, c, { buyers = 1000, stock = 100 } = {}) {
  const r = await sellOut(c, { buyers, stock, net: "10.1" });
  console.log(
    `  sold ${r.created}/${r.stock} to ${r.buyers} buyers; last unit after ${r.lastUnitMs?.toFixed(0)} ms, all replies in ${r.totalMs.toFixed(0)} ms (p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms); replies ${JSON.stringify(r.byStatus)}`,
  );
  const odd = r.replies.filter(
    (x) => x.status !== 201 && !(x.status === 409 && x.json?.code === "sold_out"),
  );
  for (const x of odd.slice(0, 3))
    console.log(`  unexpected reply: ${x.status || x.error} ${x.text?.slice(0, 300) ?? ""}`);
  t.equal(`sell-out: exactly ${stock} orders created (201)`, r.created, stock);
  t.equal("sell-out: every other reply is 409 sold_out", r.soldOut, buyers - stock);
  t.equal("sell-out: no 5xx", r.serverErrors, 0);
  t.equal("sell-out: no transport errors", r.transportErrors, 0);
  const named = r.replies.filter(
    (x) =>
      x.status === 409 &&
      x.json?.variant_id === r.campaign.variantId &&
      x.json?.remaining === 0 &&
      x.headers?.["content-type"]?.startsWith("application/problem+json"),
  ).length;
  t.equal("sell-out: sold_out names the variant and remaining 0", named, buyers - stock);
  const min = Math.min(...r.remainingSeen);
  t.check(
    "sell-out: remaining never below zero while it ran",
    r.remainingSeen.length > 0 && min >= 0,
    `${r.remainingSeen.length} reads, min ${min}`,
  );
  t.equal("sell-out: remaining is 0 after", await remainingOf(c.admin, r.campaign), 0);
  const totals = await totalsOf(c.admin, r.campaign.id);
  t.equal(
    "sell-out: totals sold 100, held 0, remaining 0",
    [totals?.totals?.sold, totals?.totals?.held, totals?.totals?.remaining],
    [stock, 0, 0],
  );
  const orders = await listOrders(c.admin, r.campaign.id);
  t.equal("sell-out: the admin list has exactly 100 orders", orders.length, stock);
  t.equal(
    "sell-out: 100 different buyers, one unit each",
    [new Set(orders.map((o) => o.email)).size, orders.every((o) => o.items[0]?.quantity === 1)],
    [stock, true],
  );
  return r;
}

/** 50 concurrent requests, one Idempotency-Key: one order, identical replies (or 409 in flight). */
export async function idempotencySuite(t, c, { requests = 50 } = {}) {
  const campaign = await createPresale(c.admin, {
    slug: `idem-${Date.now().toString(36)}`,
    stock: 10,
  });
  const key = `idem-${Date.now().toString(36)}`;
  const body = {
    email: "same@example.com",
    items: [{ variant_id: campaign.variantId, quantity: 1 }],
  };
  const post = (i, b = body) =>
    c.http.request("POST", `/v1/campaigns/${campaign.slug}/preorders`, {
      ip: ipFor("10.2", i + 1),
      headers: { "idempotency-key": key },
      body: b,
    });
  const replies = await Promise.all(Array.from({ length: requests }, (_, i) => post(i)));
  const created = replies.filter((r) => r.status === 201);
  const inFlight = replies.filter(
    (r) =>
      r.status === 409 && r.json?.code === "idempotency_in_flight" && r.headers?.["retry-after"],
  );
  const tally = {};
  for (const r of replies)
    tally[`${r.status} ${r.json?.code ?? ""}`.trim()] =
      (tally[`${r.status} ${r.json?.code ?? ""}`.trim()] ?? 0) + 1;
  console.log(`  ${requests} requests with one key: ${JSON.stringify(tally)}`);
  t.equal(
    "idempotency: every reply is 201 or 409 idempotency_in_flight (with Retry-After)",
    created.length + inFlight.length,
    requests,
  );
  t.check("idempotency: at least one 201", created.length >= 1, `${created.length}`);
  t.equal(
    "idempotency: the 201 replies are identical",
    new Set(created.map((r) => r.text)).size,
    1,
  );
  const orders = await listOrders(c.admin, campaign.id);
  t.equal("idempotency: exactly one order", orders.length, 1);
  t.equal("idempotency: one unit taken", await remainingOf(c.admin, campaign), 9);
  const replay = await post(requests);
  t.check(
    "idempotency: a later retry replays the same 201",
    replay.status === 201 && replay.text === created[0]?.text,
    `${replay.status}`,
  );
  const reused = await post(requests + 1, {
    ...body,
    items: [{ variant_id: campaign.variantId, quantity: 2 }],
  });
  t.equal(
    "idempotency: the key with another body is 422 idempotency_key_reused",
    `${reused.status} ${reused.json?.code}`,
    "422 idempotency_key_reused",
  );
}

/** Hostile and broken requests under load: the right 4xx each, no 5xx, stock untouched. */
export async function hostileSuite(t, c, { each = 25 } = {}) {
  const campaign = await createPresale(c.admin, {
    slug: `hostile-${Date.now().toString(36)}`,
    stock: 20,
  });
  const path = `/v1/campaigns/${campaign.slug}/preorders`;
  const good = (i) => ({
    email: `h${i}@example.com`,
    items: [{ variant_id: campaign.variantId, quantity: 1 }],
  });
  const kinds = {
    "400 idempotency_key_required": (i) => ({ body: good(i) }),
    "400 malformed_body": (i) => ({ key: true, body: `{"email":"h${i}@example.com","items":[` }),
    "415 unsupported_media_type": (i) => ({
      key: true,
      body: JSON.stringify(good(i)),
      type: "text/plain",
    }),
    "413 payload_too_large": (i) => ({ key: true, body: { ...good(i), name: "x".repeat(70_000) } }),
    "422 validation_failed": (i) => ({
      key: true,
      body: { ...good(i), items: [{ variant_id: "var_nope", quantity: 1 }] },
    }),
    "422 validation_failed ": (i) => ({
      key: true,
      body: { ...good(i), email: `x'); DROP TABLE preorders;--${i}` },
    }),
    "422 validation_failed  ": (i) => ({
      key: true,
      body: { ...good(i), price: 1, items: [{ variant_id: campaign.variantId, quantity: 0 }] },
    }),
    "404 not_found": (i) => ({
      key: true,
      body: good(i),
      path: "/v1/campaigns/no-such-campaign/preorders",
    }),
  };
  let n = 0;
  const jobs = [];
  for (const [expect, make] of Object.entries(kinds)) {
    for (let i = 0; i < each; i++) {
      const k = ++n;
      const r = make(k);
      jobs.push(
        c.http
          .request("POST", r.path ?? path, {
            ip: ipFor("10.3", k),
            headers: {
              ...(r.key ? { "idempotency-key": `hostile-${k}` } : {}),
              ...(r.type ? { "content-type": r.type } : {}),
            },
            body: r.body,
          })
          .then((res) => ({ expect: expect.trim(), res })),
      );
    }
  }
  const out = await Promise.all(jobs);
  const wrong = out.filter(
    ({ expect, res }) =>
      `${res.status} ${res.json?.code}` !== expect ||
      !res.headers?.["content-type"]?.startsWith("application/problem+json"),
  );
  for (const w of wrong.slice(0, 5))
    console.log(`  expected ${w.expect}, got ${w.res.status} ${w.res.text?.slice(0, 200)}`);
  t.equal(`hostile: ${out.length} bad requests each get their 4xx problem+json`, wrong.length, 0);
  t.equal(
    "hostile: no 5xx",
    out.filter(({ res }) => res.status >= 500 || res.status === 0).length,
    0,
  );
  t.equal("hostile: stock untouched", await remainingOf(c.admin, campaign), 20);
}

/**
 * Clients that give up mid-request, then retry with the same key: no unit is
 * lost or sold twice (stock = remaining + sold + held), every order is found
 * by its key's retry, no 5xx.
 */
export async function abortSuite(t, c, { buyers = 200, stock = 50 } = {}) {
  const run = Date.now().toString(36);
  const campaign = await createPresale(c.admin, { slug: `abort-${run}`, stock });
  const send = (i, signal) =>
    c.http.request("POST", `/v1/campaigns/${campaign.slug}/preorders`, {
      ip: ipFor("10.4", i + 1),
      signal,
      headers: { "idempotency-key": `abort-${run}-${i}` },
      body: {
        email: `a${i}-${run}@example.com`,
        items: [{ variant_id: campaign.variantId, quantity: 1 }],
      },
    });
  const first = await Promise.all(
    Array.from({ length: buyers }, (_, i) => send(i, AbortSignal.timeout(1 + (i % 30)))),
  );
  const aborted = first.filter((r) => r.status === 0).length;
  const finals = await Promise.all(
    Array.from({ length: buyers }, async (_, i) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const r = await send(i);
        if (!(r.status === 409 && r.json?.code === "idempotency_in_flight")) return r;
        await sleep(100);
      }
      return { status: -1 };
    }),
  );
  const created = finals.filter((r) => r.status === 201).length;
  const soldOut = finals.filter((r) => r.status === 409 && r.json?.code === "sold_out").length;
  console.log(
    `  ${aborted} of ${buyers} first tries aborted by the client; after retries: ${created} created, ${soldOut} sold out`,
  );
  t.equal("aborts: every retry ends 201 or sold_out", created + soldOut, buyers);
  t.equal("aborts: no 5xx", [...first, ...finals].filter((r) => r.status >= 500).length, 0);
  const totals = (await totalsOf(c.admin, campaign.id))?.totals;
  const orders = await listOrders(c.admin, campaign.id);
  t.equal("aborts: one order per 201, none without its reply", orders.length, created);
  t.equal(
    "aborts: stock = remaining + sold + held",
    [totals?.sold, totals?.remaining + totals?.sold + totals?.held],
    [created, stock],
  );
}

/** One client hammering the order endpoint: 429 rate_limited with Retry-After, never a 5xx. */
export async function burstSuite(t, c, { requests = 30 } = {}) {
  const campaign = await createPresale(c.admin, {
    slug: `burst-${Date.now().toString(36)}`,
    stock: 1000,
  });
  const replies = await Promise.all(
    Array.from({ length: requests }, (_, i) =>
      c.http.request("POST", `/v1/campaigns/${campaign.slug}/preorders`, {
        ip: "10.5.0.1",
        headers: { "idempotency-key": `burst-${i}` },
        body: {
          email: `b${i}@example.com`,
          items: [{ variant_id: campaign.variantId, quantity: 1 }],
        },
      }),
    ),
  );
  const limited = replies.filter(
    (r) =>
      r.status === 429 &&
      r.json?.code === "rate_limited" &&
      Number(r.headers?.["retry-after"]) >= 1,
  );
  t.check(
    "burst: one IP past its limit gets 429 with Retry-After",
    limited.length > 0 && limited.length < requests,
    `${limited.length} of ${requests}`,
  );
  t.equal(
    "burst: every other reply is 201",
    replies.filter((r) => r.status === 201).length,
    requests - limited.length,
  );
}
