import { createRoute, z } from "@hono/zod-openapi";
import { listAuditLog } from "../../domain/audit";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { iso } from "../../lib/wire";
import { requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const AuditEntry = z
  .object({
    id: z.string(),
    actor_type: z.string(),
    actor_id: z.string().nullable(),
    action: z.string(),
    target_type: z.string(),
    target_id: z.string().nullable(),
    campaign_id: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()).nullable(),
    ip_hmac: z.string().nullable(),
    request_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("AuditEntry");

const list = createRoute({
  method: "get",
  path: "/audit-log",
  tags: ["Admin: access"],
  summary: "Audit log, newest first",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("viewer")] as const,
  request: {
    query: paginationQuery.extend({
      campaign_id: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of entries",
      content: { "application/json": { schema: pageSchema(AuditEntry) } },
    },
    ...errorResponses(401, 403, 422),
  },
});

export const auditLogRouter = createRouter().openapi(list, async (c) => {
  const q = c.req.valid("query");
  const page = await listAuditLog(c.get("db"), q);
  return c.json(
    {
      next_cursor: page.next_cursor,
      items: page.items.map((e) => ({
        id: e.id,
        actor_type: e.actorType,
        actor_id: e.actorId,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        campaign_id: e.campaignId,
        changes: e.changes ?? null,
        ip_hmac: e.ipHmac,
        request_id: e.requestId,
        created_at: iso(e.createdAt),
      })),
    },
    200,
  );
});
