import { createRoute, z } from "@hono/zod-openapi";
import { broadcastSegments, jobStatuses, locales } from "../../db/schema/enums";
import { startBroadcast } from "../../domain/broadcasts/create";
import { broadcastToWire, listBroadcasts } from "../../domain/broadcasts/read";
import { segmentDescriptions } from "../../domain/broadcasts/segments";
import { sendTestBroadcast } from "../../domain/broadcasts/test-send";
import { assertCampaign } from "../../domain/signups/admin-list";
import { normalizeEmail } from "../../domain/signups/email";
import { createdByOf } from "../../domain/waves/start";
import { AppError } from "../../lib/errors";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { adminIdempotencyKey, errorResponses } from "../openapi-common";

const common = { tags: ["Admin: broadcasts"], security: [{ adminBearer: [] }] };

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: all but line breaks and tabs.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), "One line of text");
const plainText = z
  .string()
  .trim()
  .min(1)
  .max(10_000)
  .refine((s) => !CONTROL_IN_TEXT.test(s), "Plain text");
const perLanguage = <T extends z.ZodType<string>>(t: T) =>
  z.strictObject({ en: t, uz: t.optional() });

const body = z
  .strictObject({
    subject: z.union([oneLine(200), perLanguage(oneLine(200))]).openapi({
      description: "Plain text; one string in `locale`, or `{ en, uz? }` per language",
    }),
    body: z.union([plainText, perLanguage(plainText)]).openapi({
      description: "Plain text (escaped, never HTML); blank lines separate paragraphs",
    }),
    segment: z.enum(broadcastSegments).openapi({
      description: Object.entries(segmentDescriptions)
        .map(([k, v]) => `\`${k}\`: ${v}`)
        .join("; "),
    }),
    locale: z.enum(locales).optional().openapi({
      description:
        "The language of plain-string text (default: the campaign's); with per-language text, send only that one",
    }),
    action_url: z
      .url({ protocol: /^https?$/, error: "An http(s) URL" })
      .max(2000)
      .optional(),
    action_label: oneLine(60).optional(),
    test_to: z.email().max(254).optional().openapi({
      description:
        "Send one test message to this address only (no job, nobody in the segment; no idempotency key needed)",
    }),
    idempotency_key: adminIdempotencyKey.optional().openapi({
      description: "The same as the `Idempotency-Key` header; send either (or both, equal)",
    }),
  })
  .superRefine((b, ctx) => {
    const plain = typeof b.subject === "string";
    if (plain !== (typeof b.body === "string")) {
      ctx.addIssue({
        code: "custom",
        path: ["body"],
        message: "Give subject and body the same shape",
      });
    } else if (!plain && typeof b.subject !== "string" && typeof b.body !== "string") {
      if (Boolean(b.subject.uz) !== Boolean(b.body.uz)) {
        ctx.addIssue({
          code: "custom",
          path: ["body"],
          message: "Give subject and body the same languages",
        });
      }
      if (b.locale === "uz" && !b.subject.uz) {
        ctx.addIssue({ code: "custom", path: ["locale"], message: "No text in that language" });
      }
    }
  });

const Broadcast = z
  .object({
    id: z.string(),
    campaign_id: z.string(),
    idempotency_key: z
      .string()
      .nullable()
      .openapi({ description: "The key it was started with (null before keys existed)" }),
    segment: z.string(),
    subject: z.object({ en: z.string(), uz: z.string().optional() }),
    body: z.object({ en: z.string(), uz: z.string().optional() }),
    locale: z.enum(locales).nullable(),
    action_url: z.string().nullable(),
    action_label: z.string().nullable(),
    recipient_count: z.number().int().openapi({ description: "In the segment when it started" }),
    status: z.enum(jobStatuses).openapi({ description: "Of the job writing the emails" }),
    job_id: z.string().nullable(),
    error: z.string().nullable(),
    emails: z.object({
      written: z.number().int(),
      queued: z.number().int(),
      sent: z.number().int(),
      failed: z.number().int(),
      suppressed: z
        .number()
        .int()
        .openapi({ description: "Skipped at send time (unsubscribed, bounced…)" }),
    }),
    eta_seconds: z
      .number()
      .int()
      .openapi({ description: "Estimated seconds until the rest is sent" }),
    created_at: z.string(),
  })
  .openapi("Broadcast");

const BroadcastStarted = Broadcast.extend({ status_url: z.string() }).openapi("BroadcastStarted");

const TestSend = z
  .object({ test: z.literal(true), to: z.string(), subject: z.string(), locale: z.enum(locales) })
  .openapi("BroadcastTestSend");

const create = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/broadcasts",
  summary: "Send one message to a segment (list mail; idempotent by key), or a test to one address",
  description:
    "Starts a broadcast to `segment`: a job writes one list email per recipient, re-checking unsubscribes and suppression (202, progress at `status_url`). Needs an idempotency key (`Idempotency-Key` header or `idempotency_key`, equal if both are sent; 400 `idempotency_key_required` without one), so a double click or a retry cannot mail the segment twice: the same key with the same message returns the same broadcast (200), never a second one; the same key with another message (segment, subject, body, locale or button) is 422 `idempotency_key_reused`. With `test_to` it sends one test message to that address only: no key needed, nothing stored, nothing replayed (200).",
  middleware: [requireRole("editor")] as const,
  request: {
    params: idParams,
    headers: z.object({ "idempotency-key": adminIdempotencyKey.optional() }),
    body: { required: true, content: { "application/json": { schema: body } } },
  },
  responses: {
    200: {
      description:
        "With `test_to`: the test was sent. Otherwise: the broadcast this key already started",
      content: { "application/json": { schema: z.union([TestSend, BroadcastStarted]) } },
    },
    202: {
      description: "The broadcast; a job writes its emails",
      content: { "application/json": { schema: BroadcastStarted } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/broadcasts",
  summary: "The campaign's broadcasts, newest first, with counts",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams, query: paginationQuery },
  responses: {
    200: {
      description: "A page",
      content: { "application/json": { schema: pageSchema(Broadcast) } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const broadcastsRouter = createRouter()
  .openapi(create, async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const header = c.req.valid("header")["idempotency-key"];
    if (header && b.idempotency_key && header !== b.idempotency_key) {
      throw new AppError("validation_failed", {
        detail: "The Idempotency-Key header and idempotency_key differ",
        errors: [{ path: "idempotency_key", message: "Differs from the Idempotency-Key header" }],
      });
    }
    const db = c.get("db");
    const settings = c.get("settings");
    const input = {
      subject: b.subject,
      body: b.body,
      locale: b.locale,
      actionUrl: b.action_url,
      actionLabel: b.action_label,
    };
    if (b.test_to) {
      const sent = await sendTestBroadcast(db, settings, id, input, {
        email: b.test_to,
        normalized: normalizeEmail(b.test_to),
      });
      return c.json({ test: true as const, ...sent }, 200);
    }
    const key = b.idempotency_key ?? header;
    if (!key) {
      throw new AppError("idempotency_key_required", {
        detail:
          "Send an Idempotency-Key header (or idempotency_key), so a retry cannot mail the segment twice",
      });
    }
    const { view, outcome } = await startBroadcast(
      db,
      c.env.JOBS,
      await adminAuditContext(c),
      {
        campaignId: id,
        segment: b.segment,
        input,
        idempotencyKey: key,
        ...createdByOf(c.get("actor")),
      },
      Date.now(),
    );
    const out = broadcastToWire(view, settings.EMAIL_SEND_RATE);
    const reply = { ...out, status_url: `/v1/admin/jobs/${out.job_id}` };
    return outcome === "replayed" ? c.json(reply, 200) : c.json(reply, 202);
  })
  .openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.get("db");
    const [, page] = await Promise.all([
      assertCampaign(db, id),
      listBroadcasts(db, id, c.req.valid("query")),
    ]);
    const rate = c.get("settings").EMAIL_SEND_RATE;
    return c.json(
      { items: page.items.map((v) => broadcastToWire(v, rate)), next_cursor: page.next_cursor },
      200,
    );
  });
