import { createRoute, z } from "@hono/zod-openapi";
import { emailCategories, emailTemplates, locales, outboxStatuses } from "../../db/schema/enums";
import {
  getOutboxEmail,
  listOutbox,
  type OutboxRow,
  previewEmail,
  retryOutboxEmail,
} from "../../domain/outbox-admin";
import { kickOutbox } from "../../email";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { iso } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

/**
 * The outbox for admins: what was sent to whom and what failed, with retry
 * and template previews. Every link, token and invite code in a row is
 * redacted before it is returned (src/domain/outbox-admin.ts): a viewer can
 * never take over someone's order, status or sign-in link from here.
 */

const Email = z
  .object({
    id: z.string(),
    campaign_id: z.string().nullable(),
    template: z.string().openapi({ example: "invitation" }),
    category: z.enum(emailCategories),
    locale: z.enum(locales),
    to: z.string().nullable().openapi({ description: "Recipient; null once erased" }),
    subject: z
      .string()
      .nullable()
      .openapi({ description: "Custom subject (broadcasts); else rendered from the template" }),
    payload: z
      .record(z.string(), z.unknown())
      .openapi({ description: "Ids and data the message is rendered from; links redacted" }),
    status: z.enum(outboxStatuses),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_error: z.string().nullable().openapi({ description: "Why it failed or was suppressed" }),
    provider_message_id: z.string().nullable(),
    dedupe_key: z.string().nullable(),
    signup_id: z.string().nullable(),
    preorder_id: z.string().nullable(),
    member_id: z.string().nullable(),
    job_id: z.string().nullable(),
    erased: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    sent_at: z.string().nullable(),
  })
  .openapi("OutboxEmail");

const idParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "eml_0123456789abcdefghjkmnpqrs" }),
});

/** `row` must already be redacted (listOutbox / getOutboxEmail do it). */
const toWire = (r: OutboxRow) => ({
  id: r.id,
  campaign_id: r.campaignId,
  template: r.template,
  category: r.category,
  locale: r.locale,
  to: r.toEmail,
  subject: r.subject,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  next_attempt_at: iso(r.nextAttemptAt),
  last_error: r.lastError,
  provider_message_id: r.providerMessageId,
  dedupe_key: r.dedupeKey,
  signup_id: r.signupId,
  preorder_id: r.preorderId,
  member_id: r.memberId,
  job_id: r.jobId,
  erased: r.erased,
  created_at: iso(r.createdAt),
  updated_at: iso(r.updatedAt),
  sent_at: iso(r.sentAt),
});

const security = [{ adminBearer: [] }];
const tags = ["Admin: email"];

const list = createRoute({
  method: "get",
  path: "/emails",
  tags,
  summary: "The outbox, newest first (links and tokens redacted)",
  security,
  middleware: [requireRole("viewer")] as const,
  request: {
    query: paginationQuery.extend({
      status: z.enum(outboxStatuses).optional(),
      template: z.enum(emailTemplates).optional(),
      campaign_id: z.string().min(1).max(64).optional(),
      to: z
        .string()
        .trim()
        .min(1)
        .max(254)
        .optional()
        .openapi({ description: "Part of the recipient address, case-insensitive" }),
    }),
  },
  responses: {
    200: {
      description: "A page of outbox rows",
      content: { "application/json": { schema: pageSchema(Email) } },
    },
    ...errorResponses(401, 403, 422),
  },
});

const get = createRoute({
  method: "get",
  path: "/emails/{id}",
  tags,
  summary: "One outbox row (links and tokens redacted)",
  security,
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams },
  responses: {
    200: { description: "The row", content: { "application/json": { schema: Email } } },
    ...errorResponses(401, 403, 404),
  },
});

const retry = createRoute({
  method: "post",
  path: "/emails/{id}/retry",
  tags,
  summary: "Send a failed email again (failed → queued, with a fresh retry budget)",
  security,
  middleware: [requireRole("editor")] as const,
  request: { params: idParams },
  responses: {
    200: { description: "Queued again", content: { "application/json": { schema: Email } } },
    ...errorResponses(401, 403, 404, 409),
  },
});

const Preview = z
  .object({
    subject: z.string(),
    preheader: z.string(),
    html: z.string(),
    text: z.string(),
  })
  .openapi("EmailPreview");

const preview = createRoute({
  method: "get",
  path: "/emails/preview/{template}",
  tags,
  summary: "Render a template with sample data (links are example placeholders)",
  security,
  middleware: [requireRole("viewer")] as const,
  request: {
    params: z.object({
      template: z
        .string()
        .max(64)
        .openapi({ param: { name: "template", in: "path" }, example: "invitation" }),
    }),
    query: z.object({ locale: z.enum(locales).default("en") }),
  },
  responses: {
    200: {
      description: "The rendered message",
      content: { "application/json": { schema: Preview } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const emailsRouter = createRouter()
  .openapi(list, async (c) => {
    const page = await listOutbox(c.get("db"), c.req.valid("query"));
    return c.json({ items: page.items.map(toWire), next_cursor: page.next_cursor }, 200);
  })
  // Registered before /emails/{id} so "preview" is never read as an id.
  .openapi(preview, async (c) => {
    const { template } = c.req.valid("param");
    return c.json(previewEmail(template, c.req.valid("query").locale), 200);
  })
  .openapi(get, async (c) => {
    const row = await getOutboxEmail(c.get("db"), c.req.valid("param").id);
    return c.json(toWire(row), 200);
  })
  .openapi(retry, async (c) => {
    const row = await retryOutboxEmail(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
    );
    c.executionCtx.waitUntil(kickOutbox(c.env));
    return c.json(toWire(row), 200);
  });
