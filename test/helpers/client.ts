import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { type ClientResponse, hc } from "hono/client";
import type { AppType } from "../../src/app";
import worker from "../../src/index";
import { type D1Usage, guardD1 } from "./d1-guard";

export const ADMIN_TOKEN = env.ADMIN_TOKEN;
export const BASE = "https://presale.test";

/** What the last request through `call`/`client` did to D1. */
export let lastUsage: D1Usage | undefined;

/**
 * Sends one request through the real worker entry with D1 wrapped by the
 * limits guard, and waits for its waitUntil work (counted in the same invocation).
 */
export async function call(path: string | Request | URL, init?: RequestInit): Promise<Response> {
  const req = path instanceof Request ? path : new Request(new URL(String(path), BASE), init);
  const { db, usage } = guardD1(env.DB);
  const ctx = createExecutionContext();
  const res = await worker.fetch(req, { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  lastUsage = usage;
  return res;
}

/** Typed client over the same guarded path. */
export function client(headers: Record<string, string> = {}) {
  return hc<AppType>(BASE, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => call(new Request(input, init)),
    headers,
  });
}

export const adminHeaders = (token: string = ADMIN_TOKEN) => ({
  Authorization: `Bearer ${token}`,
});

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

interface AnyResponse {
  status: number;
  headers: Headers;
  json(): Promise<unknown>;
}

/** The body of a typed client response for its 2xx status. */
type SuccessBody<R> =
  R extends ClientResponse<infer T, infer S, infer _F>
    ? S extends 200 | 201 | 202
      ? T
      : never
    : never;

/** Awaits a typed client call, asserts the expected 2xx status and returns the typed body. */
export async function ok<R extends AnyResponse>(
  res: R | Promise<R>,
  status: 200 | 201 | 202 = 200,
): Promise<SuccessBody<R>> {
  const r = await res;
  const body = await r.json();
  if (r.status !== status) {
    throw new Error(`expected ${status}, got ${r.status} ${JSON.stringify(body)}`);
  }
  return body as SuccessBody<R>;
}

export async function expectProblem(
  resOrPromise: AnyResponse | Promise<AnyResponse>,
  status: number,
  code: string,
) {
  const res = await resOrPromise;
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== status || body.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(body)}`);
  }
  if (!res.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${res.headers.get("content-type")}`);
  }
  // RFC 9457: `status` is the HTTP status code, and `type` names the code.
  if (body.status !== status || body.type !== `/problems/${code}`) {
    throw new Error(`problem members disagree with the reply: ${JSON.stringify(body)}`);
  }
  return body;
}
