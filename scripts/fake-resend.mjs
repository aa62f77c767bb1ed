#!/usr/bin/env node
/**
 * A local stand-in for Resend's sending API, for tests and the bench. Point
 * the worker at it with RESEND_BASE_URL; the real `resend` SDK talks to it.
 *
 *   POST /emails         one message   → 200 { id }
 *   POST /emails/batch   ≤ 100         → 200 { data: [{ id }, …] }  (strict validation)
 *
 * Like Resend: `Authorization: Bearer <key>` is required (401 missing_api_key);
 * errors are `{ statusCode, name, message }`; an `Idempotency-Key` seen before
 * with the same body replays the first 2xx reply without delivering again, with
 * another body is 409 invalid_idempotent_request, and while the first request
 * is still running is 409 concurrent_idempotent_requests.
 *
 * State (deliveries, idempotency keys, faults) is kept per API key, so tests
 * running side by side with their own keys never see each other's mail.
 *
 * Fault injection (per API key, POST /__faults):
 *   fail500            fraction of requests answered 500
 *   fail500Delivered   of those 500s, the fraction that happen AFTER delivery
 *                      (the reply is lost: only the idempotency key saves you)
 *   rate429            fraction of requests answered 429 with `retry-after`
 *   retryAfterSeconds  the retry-after value (default 1)
 *   maxPerSecond       a real per-second limit (wall clock); over it → 429
 *   latencyMs          delay before answering
 *   seed               makes the random faults reproducible
 *
 * Control (same Authorization header selects the tenant):
 *   GET  /__deliveries[?bodies=1]  → { deliveries, byKey, requests, statuses }
 *   GET  /__stats                  → counts, and the most requests in any 1 s
 *   POST /__faults  { … }          → sets faults (merged)
 *   POST /__reset                  → clears this tenant
 *
 * Standalone: `node scripts/fake-resend.mjs [--port 3030]` (prints the URL).
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

const EMAIL_RE = /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/;
const MAX_BATCH = 100;

/** mulberry32: a tiny seeded PRNG, so a fault pattern can be replayed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newTenant(faults = {}) {
  const tenant = {
    faults: {},
    random: Math.random,
    deliveries: [],
    /** key → { hash, status, body } for 2xx replies */
    idem: new Map(),
    inFlight: new Set(),
    requests: 0,
    /** Wall-clock ms of every sending request, for rate checks. */
    requestTimes: [],
    statuses: {},
    window: [],
  };
  setFaults(tenant, faults);
  return tenant;
}

function setFaults(tenant, faults) {
  tenant.faults = { ...tenant.faults, ...faults };
  if (faults.seed !== undefined) tenant.random = prng(Number(faults.seed));
}

/** Addresses in a `to` field: a string or an array of strings, `Name <a@b>` allowed. */
function addresses(to) {
  const list = Array.isArray(to) ? to : [to];
  return list.map((v) => {
    if (typeof v !== "string") return null;
    const m = v.match(/<([^>]*)>\s*$/);
    return (m ? m[1] : v).trim();
  });
}

/** Resend-like validation of one message; null when valid. */
function invalid(email, where = "") {
  if (!email || typeof email !== "object" || Array.isArray(email)) {
    return { name: "validation_error", message: `${where}Invalid email object` };
  }
  for (const field of ["from", "to", "subject"]) {
    if (email[field] === undefined || email[field] === null || email[field] === "") {
      return { name: "missing_required_field", message: `${where}Missing \`${field}\` field.` };
    }
  }
  if (!email.html && !email.text) {
    return {
      name: "missing_required_field",
      message: `${where}Missing \`html\` or \`text\` field.`,
    };
  }
  const to = addresses(email.to);
  if (to.length === 0 || to.length > 50 || to.some((a) => !a || !EMAIL_RE.test(a))) {
    return {
      name: "validation_error",
      message: `${where}Invalid \`to\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
    };
  }
  const [from] = addresses(email.from);
  if (!from || !EMAIL_RE.test(from)) {
    return {
      name: "validation_error",
      message: `${where}Invalid \`from\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
    };
  }
  if (
    email.headers !== undefined &&
    (typeof email.headers !== "object" || email.headers === null)
  ) {
    return { name: "validation_error", message: `${where}Invalid \`headers\` field.` };
  }
  return null;
}

/** Counts only: deliveries, distinct keys, the most requests in any 1 s window. */
function stats(t) {
  const keys = new Map();
  for (const d of t.deliveries) keys.set(d.key ?? "", (keys.get(d.key ?? "") ?? 0) + 1);
  let maxPerSecond = 0;
  let lo = 0;
  for (let hi = 0; hi < t.requestTimes.length; hi++) {
    while (t.requestTimes[hi] - t.requestTimes[lo] >= 1000) lo++;
    maxPerSecond = Math.max(maxPerSecond, hi - lo + 1);
  }
  return {
    deliveries: t.deliveries.length,
    recipients: new Set(t.deliveries.map((d) => JSON.stringify(d.to))).size,
    keys: keys.size,
    requests: t.requests,
    statuses: t.statuses,
    maxPerSecond,
    gapsMs: t.requestTimes.slice(1).map((v, i) => v - (t.requestTimes[i] ?? v)),
    firstAt: t.deliveries[0]?.at ?? null,
    lastAt: t.deliveries.at(-1)?.at ?? null,
  };
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function error(res, status, name, message, headers) {
  send(res, status, { statusCode: status, name, message }, headers);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the fake. `port` 0 (the default) picks a free port. Returns the base
 * URL (no trailing slash), the tenants map (for Node-side assertions) and close().
 */
export async function startFakeResend({ port = 0, host = "127.0.0.1", faults = {}, apiKey } = {}) {
  /** API key → tenant state. */
  const tenants = new Map();
  const tenantFor = (key) => {
    let t = tenants.get(key);
    if (!t) {
      t = newTenant(faults);
      tenants.set(key, t);
    }
    return t;
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      const auth = req.headers.authorization ?? "";
      const key = auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
      const raw = req.method === "POST" ? await readBody(req) : "";

      if (url.pathname.startsWith("/__")) {
        const t = tenantFor(key);
        if (req.method === "GET" && url.pathname === "/__stats") {
          return send(res, 200, stats(t));
        }
        if (req.method === "GET" && url.pathname === "/__deliveries") {
          const bodies = url.searchParams.get("bodies") === "1";
          const byKey = {};
          for (const d of t.deliveries) byKey[d.key ?? ""] = (byKey[d.key ?? ""] ?? 0) + 1;
          return send(res, 200, {
            deliveries: t.deliveries.map((d) =>
              bodies ? d : { ...d, html: undefined, text: undefined },
            ),
            byKey,
            requests: t.requests,
            statuses: t.statuses,
          });
        }
        if (req.method === "POST" && url.pathname === "/__faults") {
          setFaults(t, raw ? JSON.parse(raw) : {});
          return send(res, 200, { faults: t.faults });
        }
        if (req.method === "POST" && url.pathname === "/__reset") {
          tenants.set(key, newTenant(faults));
          return send(res, 200, { ok: true });
        }
        return error(res, 404, "not_found", "Unknown control endpoint");
      }

      const isSingle = url.pathname === "/emails";
      const isBatch = url.pathname === "/emails/batch";
      if (!isSingle && !isBatch) return error(res, 404, "not_found", "Not found");
      if (req.method !== "POST") return error(res, 405, "method_not_allowed", "Method not allowed");
      if (!key)
        return error(res, 401, "missing_api_key", "Missing API key in the authorization header.");
      if (apiKey && key !== apiKey)
        return error(res, 403, "invalid_api_key", "API key is invalid.");

      const t = tenantFor(key);
      t.requests += 1;
      t.requestTimes.push(Date.now());
      const reply = (status, body, headers) => {
        t.statuses[status] = (t.statuses[status] ?? 0) + 1;
        send(res, status, body, headers);
      };
      const fail = (status, name, message, headers) =>
        reply(status, { statusCode: status, name, message }, headers);

      const f = t.faults;
      if (f.latencyMs) await sleep(Number(f.latencyMs));

      let body;
      try {
        body = JSON.parse(raw);
      } catch {
        return fail(400, "validation_error", "Invalid JSON body.");
      }

      const idemKey = req.headers["idempotency-key"];
      if (idemKey !== undefined && (idemKey.length === 0 || idemKey.length > 256)) {
        return fail(400, "invalid_idempotency_key", "The key must be between 1-256 chars.");
      }
      const hash = createHash("sha256").update(url.pathname).update(raw).digest("hex");
      if (idemKey) {
        const seen = t.idem.get(idemKey);
        if (seen) {
          if (seen.hash !== hash) {
            return fail(
              409,
              "invalid_idempotent_request",
              "Same idempotency key used with a different request payload. Change your idempotency key or payload.",
            );
          }
          return reply(seen.status, seen.body);
        }
        if (t.inFlight.has(idemKey)) {
          return fail(
            409,
            "concurrent_idempotent_requests",
            "Same idempotency key used while original request is still in progress. Try the request again later.",
          );
        }
      }

      // Rate limits happen before anything is processed.
      if (f.maxPerSecond) {
        const now = Date.now();
        t.window = t.window.filter((ts) => ts > now - 1000);
        if (t.window.length >= Number(f.maxPerSecond)) {
          return fail(
            429,
            "rate_limit_exceeded",
            "Too many requests. You can only make 2 requests per second.",
            {
              "retry-after": "1",
            },
          );
        }
        t.window.push(now);
      }
      if (f.rate429 && t.random() < Number(f.rate429)) {
        return fail(
          429,
          "rate_limit_exceeded",
          "Too many requests. You can only make 2 requests per second.",
          {
            "retry-after": String(f.retryAfterSeconds ?? 1),
          },
        );
      }

      const emails = isBatch ? body : [body];
      if (isBatch) {
        if (!Array.isArray(body) || body.length === 0 || body.length > MAX_BATCH) {
          return fail(422, "validation_error", `The batch must hold 1 to ${MAX_BATCH} emails.`);
        }
      }
      for (const [i, email] of emails.entries()) {
        const problem = invalid(email, isBatch ? `emails[${i}]: ` : "");
        if (problem) return fail(422, problem.name, problem.message);
      }

      let fault500 = null;
      if (f.fail500 && t.random() < Number(f.fail500)) {
        fault500 =
          f.fail500Delivered && t.random() < Number(f.fail500Delivered) ? "after" : "before";
      }
      if (fault500 === "before") {
        return fail(500, "internal_server_error", "An unexpected error occurred.");
      }

      if (idemKey) t.inFlight.add(idemKey);
      try {
        const at = Date.now();
        const ids = emails.map((email) => {
          const id = randomUUID();
          t.deliveries.push({
            id,
            key: idemKey ?? null,
            batch: isBatch,
            at,
            from: email.from,
            to: email.to,
            subject: email.subject,
            reply_to: email.reply_to ?? null,
            headers: email.headers ?? null,
            tags: email.tags ?? null,
            html: email.html,
            text: email.text,
          });
          return { id };
        });
        const okBody = isBatch ? { data: ids } : ids[0];
        if (idemKey) t.idem.set(idemKey, { hash, status: 200, body: okBody });
        if (fault500 === "after") {
          return fail(500, "internal_server_error", "An unexpected error occurred.");
        }
        return reply(200, okBody);
      } finally {
        if (idemKey) t.inFlight.delete(idemKey);
      }
    } catch (err) {
      if (!res.headersSent) error(res, 500, "internal_server_error", String(err?.message ?? err));
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  server.keepAliveTimeout = 1_000;
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    tenants,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 3030);
  const fake = await startFakeResend({ port });
  console.log(`fake Resend listening on ${fake.url}`);
  const stop = () => fake.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
