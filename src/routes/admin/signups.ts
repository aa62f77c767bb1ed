import { createRoute, z } from "@hono/zod-openapi";
import {
  audienceStates,
  reviewStates,
  signupStages,
  signupStatuses,
} from "../../db/schema/enums";
import { assertCampaign, signupListItem, signupPage } from "../../domain/signups/admin-list";
import { EXPORT_MAX_ROWS, exportSignupsCsv } from "../../domain/signups/export";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const common = { tags: ["Admin: signups"], security: [{ adminBearer: [] }] };

const filters = z.object({
  status: z.enum(signupStatuses).optional(),
  stage: z
    .enum(signupStages)
    .optional()
    .openapi({ description: "Derived funnel stage: contact, lead, prospect or customer" }),
  review: z.enum(reviewStates).optional(),
  audience: z.enum(audienceStates).optional(),
  q: z.string().trim().min(1).max(254).optional().openapi({
    description: "Start of the email address, or part of the name; `%` and `_` match themselves",
  }),
});

const SignupRow = z
  .object({
    id: z.string(),
    email: z.string().nullable().openapi({ description: "Null once erased" }),
    name: z.string().nullable(),
    locale: z.string(),
    status: z.enum(signupStatuses),
    stage: z.enum(signupStages),
    review: z.enum(reviewStates),
    review_reason: z.string().nullable(),
    audience: z.enum(audienceStates),
    unsubscribed: z.boolean(),
    erased: z.boolean().openapi({ description: "Personal data removed; the row stays for counts" }),
    referral_code: z.string().nullable(),
    verified_referrals: z.number().int(),
    referred_by: z.string().nullable().openapi({ description: "Signup id of the referrer" }),
    utm_source: z.string().nullable(),
    utm_medium: z.string().nullable(),
    utm_campaign: z.string().nullable(),
    utm_term: z.string().nullable(),
    utm_content: z.string().nullable(),
    country: z.string().nullable(),
    created_at: z.string(),
    confirmed_at: z.string().nullable(),
    invited_at: z.string().nullable(),
  })
  .openapi("SignupListItem");

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/signups",
  summary: "The waitlist, newest first, with filters and search",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams, query: paginationQuery.extend(filters.shape) },
  responses: {
    200: {
      description: "A page of signups",
      content: { "application/json": { schema: pageSchema(SignupRow) } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

const exportCsv = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/signups.csv",
  summary: "The waitlist as CSV (streamed; long lists come in parts)",
  description: `Same filters as the list. Columns: the list's fields, then one \`answer.<key>\` column per question (multiple choices joined with "; "). Cells that a spreadsheet would run as a formula start with \`'\`. One response carries at most ${EXPORT_MAX_ROWS} rows (D1 allows 50 queries per request on the Workers Free plan); a longer list ends at that row with a \`Link: <…>; rel="next"\` header (and \`X-Next-Cursor\`) for the next part. Narrow the export with filters to get fewer parts.`,
  middleware: [requireRole("viewer")] as const,
  request: {
    params: idParams,
    query: filters.extend({ cursor: paginationQuery.shape.cursor }),
  },
  responses: {
    200: {
      description: "CSV (RFC 4180), UTF-8, as an attachment",
      content: { "text/csv": { schema: z.string() } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const signupsRouter = createRouter()
  .openapi(list, async (c) => {
    const db = c.get("db");
    const { id } = c.req.valid("param");
    const { cursor, limit, ...f } = c.req.valid("query");
    const [, page] = await Promise.all([
      assertCampaign(db, id),
      signupPage(db, id, f, { cursor, limit }),
    ]);
    return c.json({ items: page.rows.map(signupListItem), next_cursor: page.nextCursor }, 200);
  })
  .openapi(exportCsv, async (c) => {
    const { id } = c.req.valid("param");
    const { cursor, ...f } = c.req.valid("query");
    const out = await exportSignupsCsv(c.get("db"), id, f, cursor, Date.now());
    const headers: Record<string, string> = {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${out.filename}"`,
      "Cache-Control": "no-store",
    };
    if (out.nextCursor) {
      const next = new URL(c.req.url);
      next.searchParams.set("cursor", out.nextCursor);
      headers.Link = `<${next.pathname}${next.search}>; rel="next"`;
      headers["X-Next-Cursor"] = out.nextCursor;
    }
    return c.body(out.body, 200, headers);
  });
