import { createRoute, z } from "@hono/zod-openapi";
import { waveSources, waveStatuses } from "../../db/schema/enums";
import { assertCampaign } from "../../domain/signups/admin-list";
import { listWaves, waveToWire } from "../../domain/waves/read";
import { createdByOf, MAX_WAVE_COUNT, startWave } from "../../domain/waves/start";
import { kickOutbox } from "../../email/outbox";
import { AppError } from "../../lib/errors";
import { pageSchema, paginationQuery } from "../../lib/pagination";
import { createRouter } from "../../lib/router";
import { idParams } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { adminIdempotencyKey, errorResponses } from "../openapi-common";

const common = { tags: ["Admin: waves"], security: [{ adminBearer: [] }] };

const Wave = z
  .object({
    id: z.string(),
    campaign_id: z.string(),
    idempotency_key: z.string(),
    source: z.enum(waveSources),
    schedule_id: z.string().nullable(),
    requested_count: z.number().int(),
    invited_count: z.number().int().openapi({ description: "People invited so far" }),
    status: z.enum(waveStatuses),
    job_id: z.string().nullable().openapi({ description: "The job running a large wave" }),
    error: z.string().nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("Wave");

const create = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/waves",
  summary: "Invite the next N people in line (idempotent by key)",
  description:
    "Invites the next `count` confirmed, review-ok, in-audience, not yet invited people by position, skipping the unsubscribed and suppressed: each gets a personal code and an invitation email. Needs an idempotency key (`Idempotency-Key` header or `idempotency_key`): the same key returns the same wave (200), never a second one. Small waves finish in the request (201); larger ones run as a job (202, progress at `/v1/admin/jobs/{job_id}`). The campaign must be in waitlist or presale (codes work once presale opens).",
  middleware: [requireRole("editor")] as const,
  request: {
    params: idParams,
    headers: z.object({ "idempotency-key": adminIdempotencyKey.optional() }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({
            count: z.number().int().min(1).max(MAX_WAVE_COUNT),
            idempotency_key: adminIdempotencyKey.optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The wave this key already started",
      content: { "application/json": { schema: Wave } },
    },
    201: { description: "Done in the request", content: { "application/json": { schema: Wave } } },
    202: {
      description: "Running as a job",
      content: { "application/json": { schema: Wave.extend({ status_url: z.string() }) } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/waves",
  summary: "The campaign's waves, newest first, with counts and status",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams, query: paginationQuery },
  responses: {
    200: {
      description: "A page of waves",
      content: { "application/json": { schema: pageSchema(Wave) } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const wavesRouter = createRouter()
  .openapi(create, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const header = c.req.valid("header")["idempotency-key"];
    if (header && body.idempotency_key && header !== body.idempotency_key) {
      throw new AppError("validation_failed", {
        detail: "The Idempotency-Key header and idempotency_key differ",
        errors: [{ path: "idempotency_key", message: "Differs from the Idempotency-Key header" }],
      });
    }
    const key = body.idempotency_key ?? header;
    if (!key) {
      throw new AppError("idempotency_key_required", {
        detail:
          "Send an Idempotency-Key header (or idempotency_key), so a retry cannot invite twice",
      });
    }
    const settings = c.get("settings");
    const { wave, outcome } = await startWave(
      c.get("db"),
      { queue: c.env.JOBS, secret: settings.TOKEN_SECRET },
      await adminAuditContext(c),
      { campaignId: id, count: body.count, idempotencyKey: key, ...createdByOf(c.get("actor")) },
      Date.now(),
    );
    const out = waveToWire(wave);
    if (outcome === "done") {
      if (out.invited_count > 0) c.executionCtx.waitUntil(kickOutbox(c.env));
      return c.json(out, 201);
    }
    if (outcome === "queued") {
      return c.json({ ...out, status_url: `/v1/admin/jobs/${out.job_id}` }, 202);
    }
    return c.json(out, 200);
  })
  .openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.get("db");
    const { cursor, limit } = c.req.valid("query");
    const [, page] = await Promise.all([
      assertCampaign(db, id),
      listWaves(db, id, { cursor, limit }),
    ]);
    return c.json({ items: page.items.map(waveToWire), next_cursor: page.next_cursor }, 200);
  });
