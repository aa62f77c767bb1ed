import { createRoute, z } from "@hono/zod-openapi";
import { inviteCodeStatuses, inviteKinds } from "../../db/schema/enums";
import {
  createSharedCodes,
  INLINE_MAX_CODES,
  listInvites,
  MAX_CODES_PER_REQUEST,
  MAX_PERSONAL_PER_REQUEST,
  revokeInvite,
} from "../../domain/invites/admin";
import { type InviteRow, inviteStatus } from "../../domain/invites/codes";
import { takeGeneratedCodes } from "../../domain/invites/codes-csv";
import { csvUrl, startGenerateJob } from "../../domain/invites/generate-job";
import { issuePersonalCodes } from "../../domain/invites/personal";
import { assertCampaign } from "../../domain/signups/admin-list";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { idParams, iso, isoToMs } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

/**
 * Invite codes for admins (CONTRACT.md "Admin API"): generate (inline, or a
 * job with a one-time CSV for large counts), list without plaintext, revoke.
 * @see ../../domain/invites/
 */
const common = { tags: ["Admin: invites"], security: [{ adminBearer: [] }] };

const Invite = z
  .object({
    id: z.string(),
    campaign_id: z.string(),
    kind: z.enum(inviteKinds),
    hint: z.string().openapi({ description: "Masked code, e.g. `7KQ2-…-7`; never usable" }),
    label: z.string().nullable(),
    status: z.enum(inviteCodeStatuses),
    uses: z.number().int(),
    max_uses: z.number().int(),
    uses_left: z.number().int(),
    per_email_limit: z.number().int().nullable(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    signup_id: z.string().nullable().openapi({ description: "Personal codes: the owner" }),
    issued_to_signup_id: z
      .string()
      .nullable()
      .openapi({ description: "Referrer quota codes: who hands it out" }),
    job_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Invite");

const toWire = (r: InviteRow, now: number) => ({
  id: r.id,
  campaign_id: r.campaignId,
  kind: r.kind,
  hint: r.codeHint,
  label: r.label,
  status: inviteStatus(r, now),
  uses: r.uses,
  max_uses: r.maxUses,
  uses_left: Math.max(0, r.maxUses - r.uses),
  per_email_limit: r.perEmailLimit,
  expires_at: iso(r.expiresAt),
  revoked_at: iso(r.revokedAt),
  signup_id: r.signupId,
  issued_to_signup_id: r.issuedToSignupId,
  job_id: r.jobId,
  created_at: iso(r.createdAt),
});

const positive = (max: number) => z.number().int().min(1).max(max);

const CreateBody = z
  .strictObject({
    kind: z.enum(inviteKinds),
    count: positive(MAX_CODES_PER_REQUEST)
      .optional()
      .openapi({
        description: `Shared: how many codes. Up to ${INLINE_MAX_CODES} are made at once; more run as a job. Personal: optional, must equal the number of signup_ids`,
      }),
    max_uses: positive(1_000_000).optional().openapi({ description: "Shared: uses per code (1)" }),
    per_email_limit: positive(1_000_000)
      .optional()
      .openapi({ description: "Shared: uses per email address" }),
    expires_at: isoToMs.optional(),
    label: z.string().trim().min(1).max(200).optional(),
    signup_ids: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(MAX_PERSONAL_PER_REQUEST)
      .optional()
      .openapi({ description: "Personal: the signups to give a code (each gets one, once)" }),
  })
  .superRefine((b, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    if (b.expires_at !== undefined && b.expires_at <= Date.now()) {
      issue("expires_at", "Must be in the future");
    }
    if (b.kind === "shared") {
      if (b.count === undefined) issue("count", "Required for shared codes");
      if (b.signup_ids !== undefined) issue("signup_ids", "Only for personal codes");
      if (b.per_email_limit !== undefined && b.per_email_limit > (b.max_uses ?? 1)) {
        issue("per_email_limit", "Cannot exceed max_uses");
      }
    } else {
      if (b.signup_ids === undefined) issue("signup_ids", "Required for personal codes");
      else if (b.count !== undefined && b.count !== b.signup_ids.length) {
        issue("count", "Must equal the number of signup_ids");
      }
      if (b.max_uses !== undefined && b.max_uses !== 1) issue("max_uses", "Personal codes: 1");
      if (b.per_email_limit !== undefined) issue("per_email_limit", "Only for shared codes");
    }
  });

const create = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/invites",
  summary: "Generate invite codes (plaintext shown once)",
  description: `Shared codes: up to ${INLINE_MAX_CODES} come back at once (201, the only time their plaintext is shown); up to ${MAX_CODES_PER_REQUEST} run as a job (202), whose codes are downloadable ONCE as CSV from \`csv_url\` when it is done. Personal codes: one per listed signup, bound to its email, one use; a signup that already holds one keeps it (listed again). Issuing marks the signups invited.`,
  middleware: [requireRole("editor")] as const,
  request: {
    params: idParams,
    body: { required: true, content: { "application/json": { schema: CreateBody } } },
  },
  responses: {
    201: {
      description: "The codes, with their plaintext `code` (shown this once for shared codes)",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(Invite.extend({ code: z.string() })) }),
        },
      },
    },
    202: {
      description: "A job makes the codes; progress at status_url, the CSV once at csv_url",
      content: {
        "application/json": {
          schema: z.object({
            job_id: z.string(),
            total: z.number().int(),
            status_url: z.string(),
            csv_url: z.string(),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
  },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/invites",
  summary: "The campaign's invite codes, newest first (never the plaintext)",
  middleware: [requireRole("viewer")] as const,
  request: {
    params: idParams,
    query: paginationQuery.extend({
      kind: z.enum(inviteKinds).optional(),
      status: z.enum(inviteCodeStatuses).optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of codes",
      content: { "application/json": { schema: pageSchema(Invite) } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

const revoke = createRoute({
  ...common,
  method: "post",
  path: "/invites/{id}/revoke",
  summary: "Revoke an invite code (idempotent)",
  middleware: [requireRole("editor")] as const,
  request: { params: idParams },
  responses: {
    200: { description: "The revoked code", content: { "application/json": { schema: Invite } } },
    ...errorResponses(401, 403, 404, 422),
  },
});

const csv = createRoute({
  ...common,
  method: "get",
  path: "/jobs/{id}/codes.csv",
  summary: "The one-time CSV of a code batch's plaintext",
  description:
    "Columns `code`, `hint`. Works once, after the job is done (409 before); then the codes exist only as hashes and this answers 404.",
  middleware: [requireRole("editor")] as const,
  request: { params: idParams },
  responses: {
    200: { description: "CSV, as an attachment", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses(401, 403, 404, 409, 422),
  },
});

export const invitesRouter = createRouter()
  .openapi(create, async (c) => {
    const db = c.get("db");
    const settings = c.get("settings");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const now = Date.now();
    await assertCampaign(db, id);
    const audit = await adminAuditContext(c);
    c.header("Cache-Control", "no-store");
    const expiresAt = body.expires_at ?? null;
    const label = body.label ?? null;
    if (body.kind === "personal") {
      const input = { signupIds: body.signup_ids ?? [], expiresAt, label };
      const out = await issuePersonalCodes(db, settings, audit, id, input, now);
      return c.json({ items: out.map((o) => ({ ...toWire(o.invite, now), code: o.code })) }, 201);
    }
    const count = body.count ?? 1;
    const opts = {
      maxUses: body.max_uses ?? 1,
      perEmailLimit: body.per_email_limit ?? null,
      expiresAt,
      label,
    };
    if (count > INLINE_MAX_CODES) {
      const { jobId } = await startGenerateJob(db, c.env.JOBS, audit, id, count, opts);
      const reply = {
        job_id: jobId,
        total: count,
        status_url: `/v1/admin/jobs/${jobId}`,
        csv_url: csvUrl(jobId),
      };
      return c.json(reply, 202);
    }
    const out = await createSharedCodes(db, settings, audit, id, count, opts, now);
    return c.json({ items: out.map((o) => ({ ...toWire(o.invite, now), code: o.code })) }, 201);
  })
  .openapi(list, async (c) => {
    const db = c.get("db");
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const now = Date.now();
    const [, page] = await Promise.all([assertCampaign(db, id), listInvites(db, id, q, now)]);
    return c.json(
      { items: page.items.map((r) => toWire(r, now)), next_cursor: page.next_cursor },
      200,
    );
  })
  .openapi(revoke, async (c) => {
    const now = Date.now();
    const row = await revokeInvite(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      now,
    );
    return c.json(toWire(row, now), 200);
  })
  .openapi(csv, async (c) => {
    const out = await takeGeneratedCodes(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      Date.now(),
    );
    return c.body(out.csv, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${out.filename}"`,
      "Cache-Control": "no-store",
    });
  });
