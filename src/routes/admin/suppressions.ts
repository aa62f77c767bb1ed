import { createRoute, z } from "@hono/zod-openapi";
import { suppressionReasons } from "../../db/schema/enums";
import {
  createManualSuppression,
  liftSuppression,
  listSuppressions,
  type SuppressionRow,
} from "../../domain/suppressions";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { iso } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

/**
 * Global suppressions: addresses no campaign may mail (hard bounces and
 * complaints from the provider's webhook, or added by hand). Lifting one lets
 * mail go again; it does not re-send what was suppressed meanwhile.
 */

const Suppression = z
  .object({
    id: z.string(),
    email: z.string().openapi({ description: "Normalised (trimmed, lower-case) address" }),
    reason: z.enum(suppressionReasons),
    source_event_id: z
      .string()
      .nullable()
      .openapi({ description: "svix-id of the provider event that caused it" }),
    note: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Suppression");

const idParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "sup_0123456789abcdefghjkmnpqrs" }),
});

const toWire = (s: SuppressionRow) => ({
  id: s.id,
  email: s.emailNormalized,
  reason: s.reason,
  source_event_id: s.sourceEventId,
  note: s.note,
  created_by: s.createdBy,
  created_at: iso(s.createdAt),
});

const list = createRoute({
  method: "get",
  path: "/suppressions",
  tags: ["Admin: email"],
  summary: "List suppressed addresses, newest first",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("viewer")] as const,
  request: {
    query: paginationQuery.extend({
      q: z
        .string()
        .trim()
        .min(1)
        .max(254)
        .optional()
        .openapi({ description: "Part of the address, case-insensitive" }),
    }),
  },
  responses: {
    200: {
      description: "A page of suppressions",
      content: { "application/json": { schema: pageSchema(Suppression) } },
    },
    ...errorResponses(401, 403, 422),
  },
});

const create = createRoute({
  method: "post",
  path: "/suppressions",
  tags: ["Admin: email"],
  summary: "Suppress an address by hand (no campaign mails it any more)",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("editor")] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            email: z.string().trim().max(254).pipe(z.email()),
            note: z.string().trim().max(500).optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: "Suppressed", content: { "application/json": { schema: Suppression } } },
    ...errorResponses(401, 403, 409, 422),
  },
});

const lift = createRoute({
  method: "delete",
  path: "/suppressions/{id}",
  tags: ["Admin: email"],
  summary: "Lift a suppression (the address may get mail again)",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("editor")] as const,
  request: { params: idParams },
  responses: {
    200: {
      description: "The lifted suppression",
      content: { "application/json": { schema: Suppression } },
    },
    ...errorResponses(401, 403, 404),
  },
});

export const suppressionsRouter = createRouter()
  .openapi(list, async (c) => {
    const page = await listSuppressions(c.get("db"), c.req.valid("query"));
    return c.json({ items: page.items.map(toWire), next_cursor: page.next_cursor }, 200);
  })
  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    const row = await createManualSuppression(c.get("db"), await adminAuditContext(c), body);
    return c.json(toWire(row), 201);
  })
  .openapi(lift, async (c) => {
    const row = await liftSuppression(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
    );
    return c.json(toWire(row), 200);
  });
