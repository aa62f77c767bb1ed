import type { MiddlewareHandler } from "hono";
import { loadSettings } from "../config";
import { createDb } from "../db/client";
import { log } from "../lib/log";
import type { AppEnv } from "../lib/router";

/**
 * Puts settings and the db handle on the context and writes one structured log
 * line per request at `debug` (LOG_LEVEL=debug shows it). The path logged is the route pattern, not the raw URL,
 * because customer tokens travel in paths.
 */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  c.set("settings", loadSettings(c.env));
  c.set("db", createDb(c.env.DB));
  try {
    await next();
  } finally {
    log("debug", "request", {
      request_id: c.get("requestId"),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Date.now() - started,
    });
  }
};
