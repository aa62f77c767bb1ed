import { createRoute, z } from "@hono/zod-openapi";
import { preorderStatuses } from "../../db/schema/enums";
import { setPreorderStatus } from "../../domain/preorders/admin";
import { BULK_CONFIRM_INLINE_MAX, bulkConfirm } from "../../domain/preorders/admin-bulk";
import { preorderListItem } from "../../domain/preorders/admin-list";
import { changeShipDate, SHIP_DATE_INLINE_MAX } from "../../domain/preorders/admin-ship-date";
import { kickOutbox } from "../../email/outbox";
import { createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";
import { AdminPreorder, calendarDate, jobAccepted } from "./preorders-schemas";

const common = { tags: ["Admin: pre-orders"], security: [{ adminBearer: [] }] };
const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  body: { required: true, content: { "application/json": { schema } } },
});

const patch = createRoute({
  ...common,
  method: "patch",
  path: "/preorders/{id}",
  middleware: [requireRole("editor")] as const,
  summary: "Move an order along its lifecycle",
  description:
    "reserved → confirmed → fulfilled; pending_verification, reserved or confirmed → cancelled (units and the invite use go back, the customer is emailed). Other moves are 409 `conflict` with `allowed_statuses`. Asking for the current status changes nothing.",
  request: {
    params: idParams,
    ...jsonBody(
      z.strictObject({
        status: z.enum(preorderStatuses),
        reason: z
          .string()
          .trim()
          .min(1)
          .max(500)
          .optional()
          .openapi({ description: "Kept with a cancellation and in the audit log" }),
      }),
    ),
  },
  responses: {
    200: { description: "The order", content: { "application/json": { schema: AdminPreorder } } },
    ...errorResponses(400, 401, 403, 404, 409, 415, 422),
  },
});

const confirm = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/preorders/confirm",
  middleware: [requireRole("editor")] as const,
  summary: "Confirm every reserved order (optionally of one variant)",
  description: `Orders reserved when the request arrives become confirmed. Up to ${BULK_CONFIRM_INLINE_MAX} at once (200); more as a job (202) whose progress is at \`status_url\`.`,
  request: {
    params: idParams,
    ...jsonBody(z.strictObject({ variant_id: z.string().min(1).max(64).optional() })),
  },
  responses: {
    200: {
      description: "Done",
      content: {
        "application/json": { schema: z.object({ confirmed: z.number().int() }) },
      },
    },
    202: {
      description: "Accepted as a job",
      content: { "application/json": { schema: jobAccepted } },
    },
    ...errorResponses(400, 401, 403, 404, 415, 422),
  },
});

const ShipDate = z.object({
  campaign_id: z.string(),
  expected_ship_date: z.string(),
  previous_ship_date: z.string().nullable(),
  changed: z.boolean().openapi({ description: "False when the date was already this one" }),
  notified: z
    .number()
    .int()
    .openapi({ description: "Open orders whose customer gets a ship_date_changed email" }),
  job_id: z.string().nullable(),
  status_url: z.string().nullable(),
});

const shipDate = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/ship-date",
  middleware: [requireRole("editor")] as const,
  summary: "Change the expected ship date and tell every customer",
  description: `Every open order (pending verification, reserved, confirmed) gets one \`ship_date_changed\` email with a link to its order page, where the customer may cancel. Up to ${SHIP_DATE_INLINE_MAX} orders are mailed with the change (200); more by a job (202).`,
  request: {
    params: idParams,
    ...jsonBody(
      z.strictObject({
        expected_ship_date: calendarDate,
        note: z
          .string()
          .trim()
          .min(1)
          .max(500)
          .optional()
          .openapi({ description: "Why (audit log only)" }),
      }),
    ),
  },
  responses: {
    200: {
      description: "Changed and mailed",
      content: { "application/json": { schema: ShipDate } },
    },
    202: {
      description: "Changed; a job mails the customers",
      content: { "application/json": { schema: ShipDate } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 415, 422),
  },
});

const actorId = (actor: { type: string; id: string }) =>
  actor.type === "admin_token" ? null : actor.id;

export const preorderActionsRouter = createRouter()
  .openapi(patch, async (c) => {
    const body = c.req.valid("json");
    const { row, changed } = await setPreorderStatus(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      { status: body.status, reason: body.reason },
      Date.now(),
    );
    if (changed && body.status === "cancelled") c.executionCtx.waitUntil(kickOutbox(c.env));
    return c.json(preorderListItem(row), 200);
  })
  .openapi(confirm, async (c) => {
    const { id } = c.req.valid("param");
    const out = await bulkConfirm(
      c.get("db"),
      c.env.JOBS,
      await adminAuditContext(c),
      { campaignId: id, variantId: c.req.valid("json").variant_id },
      actorId(c.get("actor")),
      Date.now(),
    );
    if (out.mode === "done") return c.json({ confirmed: out.confirmed }, 200);
    return c.json(
      { job_id: out.jobId, total: out.total, status_url: `/v1/admin/jobs/${out.jobId}` },
      202,
    );
  })
  .openapi(shipDate, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const out = await changeShipDate(
      c.get("db"),
      c.env.JOBS,
      await adminAuditContext(c),
      { campaignId: id, date: body.expected_ship_date, note: body.note },
      actorId(c.get("actor")),
      Date.now(),
    );
    const reply = {
      campaign_id: id,
      expected_ship_date: out.date,
      previous_ship_date: out.previous,
      changed: out.changed,
      notified: out.notified,
      job_id: out.jobId,
      status_url: out.jobId ? `/v1/admin/jobs/${out.jobId}` : null,
    };
    if (out.jobId) return c.json(reply, 202);
    if (out.notified > 0) c.executionCtx.waitUntil(kickOutbox(c.env));
    return c.json(reply, 200);
  });
