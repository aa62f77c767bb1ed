import { describe, expect, it } from "vitest";
import { call, client, expectProblem, lastUsage } from "../helpers/client";

describe("GET /healthz", () => {
  it("answers ok without touching D1", async () => {
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
});
