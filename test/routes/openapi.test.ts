import { validate } from "@scalar/openapi-parser";
import { describe, expect, it } from "vitest";
import { call } from "../helpers/client";

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document by an independent parser", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.version).toBe("3.1");
  });

  it("declares the security schemes and uses them on admin routes", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.components.securitySchemes.adminBearer).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    const adminOps = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith("/v1/admin"))
      .flatMap(([, ops]) => Object.values(ops));
    expect(adminOps.length).toBeGreaterThan(0);
    for (const op of adminOps) expect(op.security).toEqual([{ adminBearer: [] }]);
  });
});
