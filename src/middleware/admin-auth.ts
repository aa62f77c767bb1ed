import type { Context, MiddlewareHandler } from "hono";
import { authenticateApiKey } from "../domain/api-keys";
import type { AuditContext } from "../domain/audit";
import { clientIpHmac } from "../lib/client-ip";
import { timingSafeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";
import type { Actor, AppEnv } from "../lib/router";

const rank = { viewer: 0, editor: 1, owner: 2 } as const;
export type Role = keyof typeof rank;

function bearer(c: Context<AppEnv>): string | null {
  const header = c.req.header("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

const unauthorized = (detail: string) =>
  new AppError("unauthorized", {
    detail,
    headers: { "WWW-Authenticate": 'Bearer realm="presale-admin"' },
  });

/**
 * Authenticates every /v1/admin request: the bootstrap ADMIN_TOKEN acts as an
 * owner; API keys carry their own role. Both are compared without leaking
 * timing (the token by constant-time compare, keys by keyed-hash lookup).
 */
export const adminAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearer(c);
  if (!token) throw unauthorized("Send Authorization: Bearer <admin token or API key>");
  const settings = c.get("settings");
  let actor: Actor | null = null;
  if (timingSafeEqual(token, settings.ADMIN_TOKEN)) {
    actor = { type: "admin_token", id: "admin_token", role: "owner" };
  } else {
    const key = await authenticateApiKey(c.get("db"), settings.TOKEN_SECRET, token, Date.now());
    if (key) {
      actor = { type: "api_key", id: key.id, role: key.role };
      if (key.touch) c.executionCtx.waitUntil(key.touch());
    }
  }
  if (!actor) throw unauthorized("The token is not valid (wrong, revoked or expired)");
  c.set("actor", actor);
  await next();
};

/** Allows the request only for `min` or a stronger role. */
export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get("actor");
    if (!actor) throw unauthorized("Authentication required");
    if (rank[actor.role] < rank[min]) {
      throw new AppError("forbidden", {
        detail: `This needs the ${min} role; you are ${actor.role}`,
      });
    }
    await next();
  };
}

/** The audit context for a mutation made by the authenticated admin actor. */
export async function adminAuditContext(c: Context<AppEnv>): Promise<AuditContext> {
  const actor = c.get("actor");
  return {
    actorType: actor.type,
    actorId: actor.type === "admin_token" ? null : actor.id,
    ipHmac: await clientIpHmac(c),
    requestId: c.get("requestId"),
  };
}
