/**
 * A local stand-in for Cloudflare Turnstile's siteverify endpoint, with the
 * documented test secret keys' behaviour, so tests exercise the real HTTP
 * call (TURNSTILE_VERIFY_URL) without the network.
 * @see https://developers.cloudflare.com/turnstile/troubleshooting/testing/
 *
 *   POST /siteverify          form or JSON { secret, response, remoteip? }
 *     1x0000000000000000000000000000000AA → success
 *     2x0000000000000000000000000000000AA → invalid-input-response
 *     3x0000000000000000000000000000000AA → timeout-or-duplicate (already spent)
 *     any other secret                    → invalid-input-secret
 *   POST /slow/siteverify     answers after 10 s (a client timeout must fire first)
 *   POST /broken/siteverify   502 with an HTML body
 *   GET  /__requests          what was posted so far (secret, response, remoteip)
 */
import { createServer } from "node:http";

export const TEST_SECRETS = {
  pass: "1x0000000000000000000000000000000AA",
  fail: "2x0000000000000000000000000000000AA",
  spent: "3x0000000000000000000000000000000AA",
};

function parse(body, type) {
  if (type.includes("application/json")) {
    try {
      return JSON.parse(body);
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function verdict(fields) {
  if (!fields.secret) return { success: false, "error-codes": ["missing-input-secret"] };
  if (!fields.response) return { success: false, "error-codes": ["missing-input-response"] };
  switch (fields.secret) {
    case TEST_SECRETS.pass:
      return {
        success: true,
        challenge_ts: new Date().toISOString(),
        hostname: "example.com",
        "error-codes": [],
        action: "",
        cdata: "",
      };
    case TEST_SECRETS.fail:
      return { success: false, "error-codes": ["invalid-input-response"] };
    case TEST_SECRETS.spent:
      return { success: false, "error-codes": ["timeout-or-duplicate"] };
    default:
      return { success: false, "error-codes": ["invalid-input-secret"] };
  }
}

export async function startFakeTurnstile({ port = 0, host = "127.0.0.1" } = {}) {
  const requests = [];
  const timers = new Set();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const path = new URL(req.url, "http://x").pathname;
      if (req.method === "GET" && path === "/__requests") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(requests));
        return;
      }
      if (req.method !== "POST" || !path.endsWith("/siteverify")) {
        res.writeHead(404).end();
        return;
      }
      const fields = parse(body, req.headers["content-type"] ?? "");
      requests.push({
        path,
        secret: fields.secret,
        response: fields.response,
        remoteip: fields.remoteip,
      });
      const answer = () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(verdict(fields)));
      };
      if (path === "/broken/siteverify") {
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html><body>Bad gateway</body></html>");
      } else if (path === "/slow/siteverify") {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) answer();
        }, 10_000);
        timers.add(timer);
        res.on("close", () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
      } else {
        answer();
      }
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
