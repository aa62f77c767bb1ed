import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { BASE, call, client, expectProblem, lastUsage } from "../helpers/client";

describe("health", () => {
  it("GET /healthz answers ok without touching D1", async () => {
    const res = await client().healthz.$get();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(lastUsage?.queries).toBe(0);
  });

  it("unknown routes get a JSON 404 problem that does not echo the path", async () => {
    const res = await call("/s/secret-token-here/nope");
    const body = await expectProblem(res, 404, "not_found");
    expect(JSON.stringify(body)).not.toContain("secret-token-here");
    expect(body.instance).toBe(res.headers.get("x-request-id"));
    expect(body.type).toBe("/problems/not_found");
  });

  it("a known address under another method is 405 with Allow, not 404", async () => {
    const put = await call("/v1/campaigns/some-campaign", { method: "PUT" });
    const body = await expectProblem(put, 405, "method_not_allowed");
    expect(put.headers.get("allow")).toBe("GET, HEAD");
    expect(JSON.stringify(body)).not.toContain("some-campaign");
    const get = await call("/v1/campaigns/some-campaign/signups");
    await expectProblem(get, 405, "method_not_allowed");
    expect(get.headers.get("allow")).toBe("POST");
    const page = await call("/confirm/some-token", { method: "DELETE" });
    expect(page.headers.get("allow")).toBe("GET, HEAD, POST");
    await expectProblem(await call("/v1/nothing-here", { method: "PUT" }), 404, "not_found");
  });

  it("GET /readyz answers after one D1 round trip", async () => {
    const res = await call("/readyz");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ ok: true, db: "ok" });
    expect(lastUsage!.queries).toBe(1);
  });

  it("GET /readyz is 503 service_unavailable with Retry-After when D1 fails", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return () => {
            throw new Error("D1_ERROR: Network connection lost.");
          };
        }
        return Reflect.get(target, prop);
      },
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/readyz`), { ...env, DB: broken }, ctx);
    await waitOnExecutionContext(ctx);
    await expectProblem(res, 503, "service_unavailable");
    expect(res.headers.get("retry-after")).toBe("5");
    vi.restoreAllMocks();
  });
});
