import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { inviteCheckReasons } from "../../db/schema/enums";
import { checkInvite, inviteCheckIpKey } from "../../domain/invites/check";
import { clientIpHmac } from "../../lib/client-ip";
import { rateLimited } from "../../lib/errors";
import { burstBindings, burstLimit } from "../../lib/rate-limit";
import { type AppEnv, createRouter } from "../../lib/router";
import { TtlCache } from "../../lib/ttl-cache";
import { iso } from "../../lib/wire";
import { errorResponses } from "../openapi-common";

/**
 * POST /v1/campaigns/{slug}/invites/check (CONTRACT.md "Public routes"):
 * whether a code is good, and for this email. The origin check
 * (src/middleware/origin-check.ts) runs before this, as for every public
 * POST; rate limits and what the answer reveals: src/domain/invites/check.ts.
 */

/**
 * perIpBurst on RL_SENSITIVE, plus a memory of refusals: once the binding
 * refuses a client, this isolate refuses it again without asking until the
 * binding's period is over. A guessing flood then costs no binding calls
 * (each is a round trip) and no D1 work at all.
 */
const PERIOD_MS = burstBindings.RL_SENSITIVE.periodSeconds * 1000;
const refusedUntil = new TtlCache<number>(10_000);
const burst: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = inviteCheckIpKey(await clientIpHmac(c));
  const now = Date.now();
  const until = refusedUntil.get(key, PERIOD_MS, now);
  if (until !== undefined && until > now) throw rateLimited((until - now) / 1000);
  try {
    await burstLimit(c.env.RL_SENSITIVE, key, PERIOD_MS / 1000);
  } catch (err) {
    refusedUntil.set(key, now + PERIOD_MS, now);
    throw err;
  }
  await next();
};

const CheckRequest = z
  .strictObject({
    // Long input is answered `invalid`, not 422: any string may be what someone typed.
    code: z.string().max(256).openapi({ example: "7KQ2-M9XD-4TPA-7" }),
    email: z.string().max(320).optional().openapi({
      description: "Check the code for this address (personal codes, per-email limits)",
    }),
  })
  .openapi("InviteCheckRequest");

const CheckResponse = z
  .union([
    z.object({
      valid: z.literal(true),
      uses_left: z.number().int().openapi({ description: "For this email, when given" }),
      expires_at: z.string().nullable(),
    }),
    z.object({
      valid: z.literal(false),
      reason: z.enum(inviteCheckReasons).openapi({
        description: "An unknown, malformed or mistyped code is always `invalid`",
      }),
      typo: z.literal(true).optional().openapi({
        description:
          "The check symbol does not match what was typed: a typo. Reveals nothing about which codes exist (the check symbol is public arithmetic)",
      }),
    }),
  ])
  .openapi("InviteCheckResponse");

const check = createRoute({
  method: "post",
  path: "/v1/campaigns/{slug}/invites/check",
  tags: ["Public"],
  summary: "Check an invite code",
  description:
    "Codes read case-insensitively; I and L count as 1, O as 0; spaces and dashes are ignored. Rate-limited per IP and per campaign (429 with Retry-After).",
  middleware: [burst] as const,
  request: {
    params: z.object({
      slug: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "slug", in: "path" }, example: "demo" }),
    }),
    body: { required: true, content: { "application/json": { schema: CheckRequest } } },
  },
  responses: {
    200: { description: "The verdict", content: { "application/json": { schema: CheckResponse } } },
    ...errorResponses(400, 403, 404, 413, 415, 422, 429),
  },
});

export const publicInvitesRouter = createRouter().openapi(check, async (c) => {
  const now = Date.now();
  const out = await checkInvite(
    c.get("db"),
    c.get("settings"),
    c.req.valid("param").slug,
    c.req.valid("json"),
    { ipHmac: await clientIpHmac(c), now },
  );
  c.header("Cache-Control", "no-store");
  if (out.valid) {
    return c.json(
      { valid: true as const, uses_left: out.uses_left, expires_at: iso(out.expires_at) },
      200,
    );
  }
  return c.json(out, 200);
});
