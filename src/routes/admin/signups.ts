import { createRoute, z } from "@hono/zod-openapi";
import { audienceStates, reviewStates, signupStages, signupStatuses } from "../../db/schema/enums";
import { assertCampaign, signupListItem, signupPage } from "../../domain/signups/admin-list";
import { EXPORT_MAX_ROWS, exportSignupsCsv } from "../../domain/signups/export";
import { IMPORT_MAX_ROWS, startImport } from "../../domain/signups/import";
import { AppError } from "../../lib/errors";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { csvDownloadHeaders } from "../csv-download";
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

/** 5 MB (the body guard's limit for this route, src/app.ts), as characters of CSV. */
const MAX_CSV_CHARS = 5 * 1024 * 1024;
const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const importOptions = {
  confirm:
    "Write people confirmed (default: true). False: pending, and each gets the confirm link.",
  send_welcome: "With confirm: queue the welcome email with the status link (default: false)",
  consent_note: "How these people consented (required with confirm); stored on every row",
};

const importRoute = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/signups/imports",
  summary: "Import a CSV list as a background job",
  description: `The header row needs \`email\`; optional \`name\`, \`locale\`, \`country\`, \`utm_*\` and one column per question key (or \`answer.<key>\`; multiple choices separated by ";"). Other columns of this API's own export are ignored. At most ${IMPORT_MAX_ROWS} rows and 5 MB. Send \`text/csv\` with the options in the query, or JSON with the CSV in \`csv\`. Progress, counts and per-row errors: GET \`status_url\`.`,
  middleware: [requireRole("editor")] as const,
  request: {
    params: idParams,
    query: z.object({
      confirm: flag.optional().openapi({ description: importOptions.confirm }),
      send_welcome: flag.optional().openapi({ description: importOptions.send_welcome }),
      consent_note: z
        .string()
        .trim()
        .min(1)
        .max(500)
        .optional()
        .openapi({ description: importOptions.consent_note }),
    }),
    body: {
      // Not `required`: that would run the JSON validator on text/csv bodies too.
      required: false,
      content: {
        "application/json": {
          schema: z.strictObject({
            csv: z.string().min(1).max(MAX_CSV_CHARS),
            confirm: z.boolean().optional().openapi({ description: importOptions.confirm }),
            send_welcome: z
              .boolean()
              .optional()
              .openapi({ description: importOptions.send_welcome }),
            consent_note: z
              .string()
              .trim()
              .min(1)
              .max(500)
              .optional()
              .openapi({ description: importOptions.consent_note }),
          }),
        },
        // Documentation only: zod-openapi validates JSON and form bodies, the handler reads this one.
        "text/csv": { schema: z.string().openapi({ description: "The CSV file (UTF-8)" }) },
      },
    },
  },
  responses: {
    202: {
      description: "Accepted: the job that imports the rows",
      content: {
        "application/json": {
          schema: z.object({
            job_id: z.string(),
            total: z.number().int().openapi({ description: "Rows in the file" }),
            status_url: z
              .string()
              .openapi({ example: "/v1/admin/jobs/job_0123456789abcdefghjkmnpqrs" }),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
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
    return c.body(out.body, 200, csvDownloadHeaders(c.req.url, out));
  })
  .openapi(importRoute, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const isCsv = /^text\/csv\b/i.test(c.req.header("content-type") ?? "");
    // A text/csv body has no validator target; the body guard has checked its type and size.
    const json = isCsv ? null : c.req.valid("json");
    const body = json && typeof json === "object" ? json : { csv: await c.req.text() };
    if (!body.csv) {
      throw new AppError("validation_failed", {
        detail: "Send the CSV as text/csv, or as JSON { csv }",
        errors: [{ path: "csv", message: "Required" }],
      });
    }
    const confirm = body.confirm ?? query.confirm ?? true;
    const consentNote = body.consent_note ?? query.consent_note ?? null;
    if (confirm && !consentNote) {
      throw new AppError("validation_failed", {
        detail: "Say how these people consented (consent_note), or import them unconfirmed",
        errors: [{ path: "consent_note", message: "Required when confirm is true" }],
      });
    }
    const actor = c.get("actor");
    const job = await startImport(
      c.get("db"),
      c.env.JOBS,
      await adminAuditContext(c),
      id,
      body.csv,
      { confirm, sendWelcome: body.send_welcome ?? query.send_welcome ?? false, consentNote },
      actor.type === "admin_token" ? null : actor.id,
    );
    return c.json(
      { job_id: job.jobId, total: job.total, status_url: `/v1/admin/jobs/${job.jobId}` },
      202,
    );
  });
