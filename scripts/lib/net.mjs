/** Loopback helpers shared by `npm run dev` and the bench. */
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves true when `port` can be bound on `host` right now. */
export function isPortFree(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the OS says is free now (there is a small race until someone binds it). */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until it answers 200. Gives up when `timeoutMs` passes (Infinity
 * waits for ever) or `signal` aborts (e.g. the server process died); calls
 * `onSlow(elapsedMs)` every `slowEveryMs` while waiting.
 */
export async function waitForHealth(
  url,
  { timeoutMs = 120_000, intervalMs = 250, signal, onSlow, slowEveryMs = 30_000 } = {},
) {
  const started = Date.now();
  let nextSlow = started + slowEveryMs;
  let lastError = "no answer yet";
  for (;;) {
    if (signal?.aborted)
      throw new Error(`stopped waiting for ${url}: ${signal.reason ?? "aborted"}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.status === 200) return Date.now() - started;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err?.cause?.code ?? err?.name ?? String(err);
    }
    const now = Date.now();
    if (now - started > timeoutMs) {
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${lastError})`);
    }
    if (onSlow && now >= nextSlow) {
      onSlow(now - started, lastError);
      nextSlow = now + slowEveryMs;
    }
    await sleep(intervalMs);
  }
}

/** fetch + JSON body (or text when not JSON); never throws on HTTP status. */
export async function requestJson(
  url,
  { method = "GET", headers = {}, body, timeoutMs = 15_000 } = {},
) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
