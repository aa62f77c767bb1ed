#!/usr/bin/env node
/**
 * `npm run test:load`: the pre-order load and fault suite over HTTP against
 * the real dev server (wrangler dev + workerd + local D1) with fresh state,
 * as CONTRACT.md promises and issue 6 asks:
 *
 *   - sell-out: 1000 concurrent buyers (own email, own IP) for 100 units →
 *     exactly 100 orders, `remaining` never below zero, every other reply
 *     409 sold_out, no 5xx;
 *   - idempotency: 50 concurrent requests with one key → one order and
 *     identical replies (some may be 409 in flight);
 *   - faults: hostile and broken requests, clients aborting mid-request and
 *     retrying, one IP bursting past its limit.
 *
 * Prints ok / FAIL per check and ends with `N passed, N failed`; exits 1 on
 * any failure (keeping the server log). Env: LOAD_BUYERS (1000), LOAD_STOCK
 * (100), LOAD_SOCKETS (client socket pool, 256).
 */
import { onShutdown } from "../../scripts/lib/lifecycle.mjs";
import { tally } from "./checks.mjs";
import { adminClient, httpClient } from "./http.mjs";
import { startServer } from "./server.mjs";
import { abortSuite, burstSuite, hostileSuite, idempotencySuite, sellOutSuite } from "./suites.mjs";

const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const say = (msg) => console.log(`[load] ${msg}`);
const t = tally();

let server;
let http;
let watchHttp;
const finish = async (code) => {
  http?.close();
  watchHttp?.close();
  if (server) await server.stop(code !== 0);
  console.log(`${t.passed} passed, ${t.failed} failed`);
  process.exit(code);
};
onShutdown(() => finish(130));

try {
  server = await startServer({ say });
} catch (err) {
  t.crashed("server", err);
  await finish(1);
}
http = httpClient(server.base, { sockets: num("LOAD_SOCKETS", 256) });
watchHttp = httpClient(server.base, { sockets: 1 });
const ctx = {
  http,
  admin: adminClient(http, server.adminToken),
  watcher: adminClient(watchHttp, server.adminToken),
};

const suites = [
  [
    "sell-out",
    () => sellOutSuite(t, ctx, { buyers: num("LOAD_BUYERS", 1000), stock: num("LOAD_STOCK", 100) }),
  ],
  ["one idempotency key", () => idempotencySuite(t, ctx)],
  ["hostile requests", () => hostileSuite(t, ctx)],
  ["aborted clients", () => abortSuite(t, ctx)],
  ["per-IP burst", () => burstSuite(t, ctx)],
];
for (const [name, run] of suites) {
  say(name);
  const started = Date.now();
  try {
    await run();
  } catch (err) {
    t.crashed(name, err);
  }
  say(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
const health = await http.request("GET", "/healthz");
t.equal("server healthy after the run", health.status, 200);
t.check("wrangler still running", server.alive());
if (t.failed) say(`failed: ${t.fails.join("; ")}`);
await finish(t.failed ? 1 : 0);
