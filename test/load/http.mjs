/**
 * HTTP for the load suite: node:http over a keep-alive agent with a bounded
 * socket pool (requests beyond it queue in the agent, so "1000 at once" is
 * 1000 requests in flight from the client's side without 1000 sockets), a
 * client IP per request in CF-Connecting-IP (which `wrangler dev` passes
 * through), and replies that never throw: a transport failure is status 0
 * with its error code, so it is counted, not lost.
 */
import http from "node:http";

/** `net.a.b.c` for the n-th client of a suite (distinct `net`s keep suites' per-IP counters apart). */
export const ipFor = (net, n) => `${net}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

export function httpClient(base, { sockets = 256 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const origin = new URL(base);

  /**
   * One request. `body` (not a string) is sent as JSON. Resolves
   * { status, headers, text, json, ms, error }.
   */
  function request(method, path, { headers = {}, body, ip, signal, timeoutMs = 60_000 } = {}) {
    const started = performance.now();
    const payload =
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const h = { ...headers };
    if (ip) h["cf-connecting-ip"] = ip;
    if (payload !== undefined) {
      h["content-type"] ??= "application/json";
      h["content-length"] = Buffer.byteLength(payload);
    }
    return new Promise((resolve) => {
      const done = (r) => resolve({ ms: performance.now() - started, ...r });
      const req = http.request(
        {
          host: origin.hostname,
          port: origin.port,
          method,
          path,
          headers: h,
          agent,
          signal,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("error", (err) => done({ status: 0, error: err.code ?? err.name }));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            done({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        },
      );
      req.on("timeout", () =>
        req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })),
      );
      req.on("error", (err) => done({ status: 0, error: err.code ?? err.name }));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  return { request, close: () => agent.destroy() };
}

/** An admin client: `admin(method, path, body)` with the bearer token. */
export function adminClient(http, token) {
  return (method, path, body) =>
    http.request(method, path, { headers: { authorization: `Bearer ${token}` }, body });
}

/** Percentile (0–100) of a list of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
