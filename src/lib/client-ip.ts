import type { Context } from "hono";
import { hmacIp } from "./crypto";
import type { AppEnv } from "./router";

/**
 * The client IP is CF-Connecting-IP: Cloudflare sets it in production and
 * `wrangler dev` passes a client-supplied one through (load tests use that).
 * @see ../../shared/CONTRACT.md "Starting it"
 */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip")?.trim() || "0.0.0.0";
}

/**
 * The keyed hash of the client IP (what is stored and used in rate-limit
 * keys, never the IP), computed once per request: the burst limiter and the
 * route both need it.
 */
export async function clientIpHmac(c: Context<AppEnv>): Promise<string> {
  const known = c.get("ipHmac");
  if (known !== undefined) return known;
  const value = await hmacIp(c.get("settings").TOKEN_SECRET, clientIp(c));
  c.set("ipHmac", value);
  return value;
}
