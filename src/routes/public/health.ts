import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";
import { createRouter } from "../../lib/router";
import { errorResponses } from "../openapi-common";

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Health"],
  summary: "Liveness check",
  responses: {
    200: {
      description: "The worker is up",
      content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } },
    },
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Health"],
  summary: "Readiness check: the worker reaches its D1 database",
  description:
    "One `SELECT 1` round trip to D1, for uptime monitors that should alert when the database is unreachable (503 `service_unavailable`), not only when the worker is down.",
  responses: {
    200: {
      description: "The worker and its database answer",
      content: {
        "application/json": {
          schema: z.object({ ok: z.literal(true), db: z.literal("ok") }),
        },
      },
    },
    ...errorResponses(503),
  },
});

export const healthRouter = createRouter()
  // Deliberately touches no binding: this is the benchmark baseline.
  .openapi(healthRoute, (c) => c.json({ ok: true as const }, 200))
  .openapi(readyRoute, async (c) => {
    try {
      await c.get("db").run(sql`SELECT 1`);
    } catch (err) {
      log("error", "readiness: D1 unreachable", { error: String(err) });
      throw new AppError("service_unavailable", {
        detail: "The database did not answer",
        headers: { "Retry-After": "5" },
      });
    }
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const, db: "ok" as const }, 200);
  });
