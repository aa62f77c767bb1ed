import type { Context } from "hono";
import type { AppEnv } from "./router";

/**
 * The client IP is CF-Connecting-IP: Cloudflare sets it in production and
 * `wrangler dev` passes a client-supplied one through (load tests use that).
 * @see ../../shared/CONTRACT.md "Starting it"
 */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip")?.trim() || "0.0.0.0";
}
