import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/router";

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

// Deliberately touches no binding: this is the benchmark baseline.
export const healthRouter = createRouter().openapi(healthRoute, (c) =>
  c.json({ ok: true as const }, 200),
);
