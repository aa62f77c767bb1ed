import { createRoute, z } from "@hono/zod-openapi";
import { livePreorderStatuses, preorderStatuses } from "../../db/schema/enums";
import { EXPORT_MAX_ROWS, exportPreordersCsv } from "../../domain/preorders/admin-export";
import {
  preorderCampaignHead,
  preorderListItem,
  preorderPage,
} from "../../domain/preorders/admin-list";
import { preorderTotals } from "../../domain/preorders/admin-totals";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { requireRole } from "../../middleware/admin-auth";
import { csvDownloadHeaders } from "../csv-download";
import { errorResponses } from "../openapi-common";
import { preorderActionsRouter } from "./preorders-actions";
import { AdminPreorder } from "./preorders-schemas";

const common = { tags: ["Admin: pre-orders"], security: [{ adminBearer: [] }] };

const filters = z.object({
  status: z.enum(preorderStatuses).optional(),
  variant_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "Only orders with a line of this variant" }),
  email: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .openapi({ description: "Start of the email address; `%` and `_` match themselves" }),
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/preorders",
  summary: "Pre-orders, newest first, by status and variant",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams, query: paginationQuery.extend(filters.shape) },
  responses: {
    200: {
      description: "A page of orders",
      content: { "application/json": { schema: pageSchema(AdminPreorder) } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

const exportCsv = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/preorders.csv",
  summary: "Pre-orders as CSV (streamed; long lists come in parts)",
  description: `Same filters as the list. One row per order; \`items\` lists its lines as "name × quantity @ unit price", then one \`field.<key>\` column per order field. Cells a spreadsheet would run as a formula start with \`'\`. One response carries at most ${EXPORT_MAX_ROWS} rows; a longer list ends with a \`Link: <…>; rel="next"\` header (and \`X-Next-Cursor\`) for the next part.`,
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams, query: filters.extend({ cursor: paginationQuery.shape.cursor }) },
  responses: {
    200: {
      description: "CSV (RFC 4180), UTF-8, as an attachment",
      content: { "text/csv": { schema: z.string() } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

const units = z.number().int();
const liveUnits = z.object(
  Object.fromEntries(livePreorderStatuses.map((s) => [s, units])) as Record<
    (typeof livePreorderStatuses)[number],
    typeof units
  >,
);
const Totals = z
  .object({
    campaign_id: z.string(),
    currency: z.string(),
    variants: z.array(
      z.object({
        variant_id: z.string(),
        name: z.string(),
        price: units,
        stock: units,
        remaining: units.openapi({ description: "For sale now" }),
        held: units.openapi({ description: "Held for backfill invitees" }),
        sold: units.openapi({ description: "On live orders (pending verification included)" }),
        revenue: units.openapi({ description: "Σ unit price × quantity of live orders" }),
        units_by_status: liveUnits,
        archived: z.boolean(),
      }),
    ),
    totals: z.object({ stock: units, remaining: units, held: units, sold: units, revenue: units }),
    orders_by_status: z.object(
      Object.fromEntries(preorderStatuses.map((s) => [s, units])) as Record<
        (typeof preorderStatuses)[number],
        typeof units
      >,
    ),
  })
  .openapi("PreorderTotals");

const totals = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/preorders/totals",
  summary: "Units sold, held and remaining, and revenue, per variant",
  description: "For every variant, stock = remaining + sold + held.",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams },
  responses: {
    200: { description: "Totals", content: { "application/json": { schema: Totals } } },
    ...errorResponses(401, 403, 404),
  },
});

export const preordersRouter = createRouter()
  .openapi(list, async (c) => {
    const db = c.get("db");
    const { id } = c.req.valid("param");
    const { cursor, limit, ...f } = c.req.valid("query");
    const [, page] = await Promise.all([
      preorderCampaignHead(db, id),
      preorderPage(db, id, f, { cursor, limit }),
    ]);
    return c.json({ items: page.rows.map(preorderListItem), next_cursor: page.nextCursor }, 200);
  })
  .openapi(exportCsv, async (c) => {
    const { id } = c.req.valid("param");
    const { cursor, ...f } = c.req.valid("query");
    const out = await exportPreordersCsv(c.get("db"), id, f, cursor, Date.now());
    return c.body(out.body, 200, csvDownloadHeaders(c.req.url, out));
  })
  .openapi(totals, async (c) => {
    return c.json(await preorderTotals(c.get("db"), c.req.valid("param").id), 200);
  })
  .route("/", preorderActionsRouter);
