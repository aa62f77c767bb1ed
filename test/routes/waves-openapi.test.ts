import { describe, expect, it } from "vitest";
import app from "../../src/app";

describe("OpenAPI: waves, schedules, broadcasts", () => {
  it("documents the routes", () => {
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    expect(Object.keys(doc.paths ?? {})).toEqual(
      expect.arrayContaining([
        "/v1/admin/campaigns/{id}/waves",
        "/v1/admin/campaigns/{id}/schedules",
        "/v1/admin/campaigns/{id}/schedules/{scheduleId}",
        "/v1/admin/campaigns/{id}/broadcasts",
      ]),
    );
  });
});
