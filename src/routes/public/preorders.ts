import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { preorderCancelActors, preorderStatuses } from "../../db/schema";
import { cancelByCustomer } from "../../domain/preorders/cancel";
import {
  claimKey,
  parseIdempotencyKey,
  preorderRequestHash,
  releaseKey,
  type StoredReply,
  storeReply,
} from "../../domain/preorders/idempotency";
import { placedBody, placeOrder, type StoredPlaced } from "../../domain/preorders/place";
import {
  findOrderByToken,
  loadOrder,
  loadOrderCampaign,
  type OrderView,
  orderTokenUrl,
  orderToWire,
} from "../../domain/preorders/read";
import { kickOutbox, kickOutboxSoon } from "../../email/outbox";
import { negotiateLocale } from "../../i18n";
import { clientIpHmac } from "../../lib/client-ip";
import { AppError, notFound } from "../../lib/errors";
import { perIpBurst } from "../../lib/rate-limit";
import { type AppEnv, createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { problemResponse, toAppError } from "../../middleware/problem";
import { errorResponses } from "../openapi-common";

/**
 * Pre-orders, public side (CONTRACT.md "Public routes"):
 * POST /v1/campaigns/{slug}/preorders places one (Idempotency-Key required);
 * GET /v1/preorders/{id} and POST /v1/preorders/{id}/cancel are the owner's,
 * with the order token (from manage_url or the emails) as Bearer. The rules
 * live in src/domain/preorders/; this file validates, keeps the idempotency
 * bookkeeping and shapes replies. The origin check runs before the POST.
 */

const ItemIn = z.strictObject({
  variant_id: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(1000),
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/;
const oneLine = (max: number) =>
  z.string().max(max).regex(ONE_LINE, "One line, without control characters");

export const PreorderRequest = z
  .strictObject({
    email: z.string().max(320).openapi({ example: "jane@example.com" }),
    name: oneLine(200).optional(),
    invite_code: oneLine(64)
      .optional()
      .openapi({ description: "Required by invite-only campaigns" }),
    status_token: z.string().max(256).optional().openapi({
      description:
        "The token of the buyer's status link: proves the email (order is reserved at once)",
    }),
    items: z.array(ItemIn).min(1).max(20),
    fields: z
      .record(z.string().max(64), z.string().max(5000))
      .optional()
      .openapi({
        description: "The campaign's order fields by key",
        example: { phone: "+998 90 123 45 67" },
      }),
    locale: z.string().max(35).optional().openapi({ description: "en or uz, for the emails" }),
  })
  .openapi("PreorderRequest");

const ItemOut = z.object({
  variant_id: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unit_price: z.number().int(),
  line_total: z.number().int(),
});

const Placed = z
  .object({
    id: z.string(),
    status: z.enum(["reserved", "pending_verification"]),
    items: z.array(ItemOut),
    total: z.number().int(),
    currency: z.string(),
    expires_at: z
      .string()
      .nullable()
      .openapi({ description: "A pending order expires then unless verified" }),
    manage_url: z
      .string()
      .openapi({ description: "The order page; its token is the Bearer for the JSON API" }),
  })
  .openapi("PreorderPlaced");

const Order = z
  .object({
    id: z.string(),
    status: z.enum(preorderStatuses),
    items: z.array(ItemOut),
    total: z.number().int(),
    currency: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    fields: z.record(z.string(), z.string()),
    locale: z.string(),
    created_at: z.string(),
    verified_at: z.string().nullable(),
    confirmed_at: z.string().nullable(),
    fulfilled_at: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    cancelled_by: z.enum(preorderCancelActors).nullable(),
    expired_at: z.string().nullable(),
    expires_at: z.string().nullable(),
    can_cancel: z.boolean(),
    cancel_allowed_until: z.string().nullable(),
    expected_ship_date: z.string().nullable(),
    campaign: z.object({ name: z.string(), slug: z.string() }),
  })
  .openapi("Preorder");

const slugParams = z.object({
  slug: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "slug", in: "path" }, example: "demo" }),
});

const place = createRoute({
  method: "post",
  path: "/v1/campaigns/{slug}/preorders",
  tags: ["Public"],
  summary: "Place a pre-order (units are held at once)",
  description:
    "Prices and currency come from the campaign. With a status token or a personal invite code the email is proven and the order is `reserved`; otherwise it is `pending_verification` until the emailed link is confirmed, and expires if it is not. Without proof, an order holds at most 10 units and a client IP at most 10 such units an hour. The same Idempotency-Key and body replay the first final reply (header `Idempotent-Replayed: true`); 5xx, 429 and 422 `validation_failed` replies are not final, so a retry or a corrected request may reuse the key.",
  middleware: [
    async (c, next) => {
      parseIdempotencyKey(c.req.header("idempotency-key"));
      await next();
    },
    perIpBurst("RL_SENSITIVE", { scope: "preorders" }),
  ] as const,
  request: {
    params: slugParams,
    headers: z.object({
      "idempotency-key": z.string().openapi({
        param: { name: "idempotency-key", in: "header", required: true },
        description: "A new random key (e.g. a UUID) per order attempt; the same one on retries",
      }),
    }),
    body: { required: true, content: { "application/json": { schema: PreorderRequest } } },
  },
  responses: {
    201: { description: "Placed", content: { "application/json": { schema: Placed } } },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429),
  },
});

const bearerAuth = { security: [{ customerBearer: [] }] };

const getOrder = createRoute({
  method: "get",
  path: "/v1/preorders/{id}",
  tags: ["Public"],
  summary: "The order, for its owner (Bearer: the order token)",
  ...bearerAuth,
  request: { params: idParams },
  responses: {
    200: { description: "The order", content: { "application/json": { schema: Order } } },
    ...errorResponses(401),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/v1/preorders/{id}/cancel",
  tags: ["Public"],
  summary: "Cancel the order while the campaign allows (Bearer: the order token)",
  ...bearerAuth,
  request: { params: idParams },
  responses: {
    200: {
      description: "Cancelled; units are back on sale",
      content: { "application/json": { schema: Order } },
    },
    ...errorResponses(401, 409),
  },
});

type Ctx = Context<AppEnv>;

/** The order a Bearer order token opens, if it is the one in the path; else 401. */
async function ownOrder(c: Ctx, id: string): Promise<OrderView> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  const token = match?.[1];
  const view = token
    ? await findOrderByToken(c.get("db"), c.get("settings").TOKEN_SECRET, "order", token)
    : null;
  if (!view || view.order.id !== id) {
    throw new AppError("unauthorized", {
      detail: token
        ? "The order token is not valid for this order"
        : "Send Authorization: Bearer <order token from your order link>",
      headers: { "WWW-Authenticate": 'Bearer realm="presale-order"' },
    });
  }
  return view;
}

/** A stored reply, exactly; a 201 gets its manage_url derived again (tokens are never stored). */
async function replay(c: Ctx, reply: StoredReply): Promise<Response> {
  let body = reply.body;
  if (reply.status === 201) {
    const stored = JSON.parse(body) as StoredPlaced;
    const view = await loadOrder(c.get("db"), stored.id);
    if (view)
      body = JSON.stringify(placedBody(stored, await orderTokenUrl(c.get("settings"), view.order)));
  }
  const headers = new Headers(reply.headers);
  headers.set("Idempotent-Replayed", "true");
  headers.set("Cache-Control", "no-store");
  return new Response(body, { status: reply.status, headers });
}

const KEPT_HEADERS = ["content-type", "retry-after", "location"];

/**
 * Stored and replayed replies go out as built (any status, exact bytes), not
 * through the typed c.json(), so they are outside the route's typed responses.
 */
const asSent = (res: Response) => res as never;

export const preordersRouter = createRouter()
  .openapi(place, async (c) => {
    const { slug } = c.req.valid("param");
    const body = c.req.valid("json");
    const key = parseIdempotencyKey(c.req.header("idempotency-key"));
    const db = c.get("db");
    const settings = c.get("settings");
    const now = Date.now();
    const hash = await preorderRequestHash(body);
    const loaded = await loadOrderCampaign(db, slug, { key, hash, now });
    if (!loaded) throw notFound("Campaign");
    const { campaign } = loaded;
    const claimed = await claimKey(db, `preorders:${campaign.id}`, key, hash, now, {
      lock: loaded.claimLock,
    });
    if (claimed.kind === "replay") return asSent(await replay(c, claimed.reply));
    const { claim } = claimed;
    try {
      const placed = await placeOrder(db, loaded, body, {
        settings,
        localeFor: (signupLocale) =>
          negotiateLocale({
            explicit: body.locale ?? signupLocale,
            acceptLanguage: c.req.header("accept-language"),
            campaignDefault: campaign.defaultLocale,
          }),
        ipHmac: await clientIpHmac(c),
        claim,
        now,
      });
      c.executionCtx.waitUntil(kickOutboxSoon(c.env, now));
      c.header("Cache-Control", "no-store");
      c.header("Location", placed.reply.headers.location);
      return c.json(placed.body, 201);
    } catch (err) {
      const error = toAppError(err);
      // Not final: let the client retry with the same key. Invalid input is
      // not final either: nothing was attempted, and the corrected request
      // may come with the same key (as Stripe does).
      if (error.status >= 500 || error.status === 429 || error.code === "validation_failed") {
        await releaseKey(db, claim);
        throw err;
      }
      const res = problemResponse(c, error);
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      await storeReply(
        db,
        claim,
        { status: res.status, body: await res.clone().text(), headers },
        now,
      );
      return asSent(res);
    }
  })
  .openapi(getOrder, async (c) => {
    const view = await ownOrder(c, c.req.valid("param").id);
    c.header("Cache-Control", "no-store");
    return c.json(orderToWire(view, Date.now()), 200);
  })
  .openapi(cancel, async (c) => {
    const view = await ownOrder(c, c.req.valid("param").id);
    const db = c.get("db");
    const now = Date.now();
    await cancelByCustomer(db, await customerAudit(c, view.order.id), view, now);
    c.executionCtx.waitUntil(kickOutbox(c.env));
    const after = await loadOrder(db, view.order.id);
    c.header("Cache-Control", "no-store");
    return c.json(orderToWire(after ?? view, now), 200);
  });

/** The audit actor of a customer's own action: the order (its token is the credential). */
export async function customerAudit(c: Ctx, orderId: string) {
  return {
    actorType: "customer" as const,
    actorId: orderId,
    ipHmac: await clientIpHmac(c),
    requestId: c.get("requestId"),
  };
}
