import { createRoute, z } from "@hono/zod-openapi";
import { scheduleStatuses } from "../../db/schema/enums";
import {
  createSchedule,
  listSchedules,
  scheduleToWire,
  updateSchedule,
} from "../../domain/schedules";
import { isTimeZone } from "../../domain/waves/local-time";
import { createdByOf, MAX_WAVE_COUNT } from "../../domain/waves/start";
import { createRouter } from "../../lib/router";
import { idParams, isoToMs } from "../../lib/wire";
import { adminAuditContext, requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const common = { tags: ["Admin: waves"], security: [{ adminBearer: [] }] };

const fields = {
  count_per_run: z
    .number()
    .int()
    .min(1)
    .max(MAX_WAVE_COUNT)
    .openapi({ description: "People invited per run" }),
  time_of_day: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "A local time as HH:MM (24 h)")
    .openapi({ example: "10:00" }),
  time_zone: z
    .string()
    .max(64)
    .refine(isTimeZone, "An IANA time zone such as Asia/Tashkent")
    .openapi({ example: "Asia/Tashkent" }),
  start_at: isoToMs
    .optional()
    .openapi({ description: "No run before this instant (default: now)" }),
};

const Schedule = z
  .object({
    id: z.string(),
    campaign_id: z.string(),
    count_per_run: z.number().int(),
    time_of_day: z.string(),
    time_zone: z.string(),
    status: z.enum(scheduleStatuses),
    next_run_at: z.string().nullable().openapi({ description: "Null unless active" }),
    next_run_local: z.string().nullable().openapi({ example: "2030-01-10T10:00" }),
    last_run_at: z.string().nullable(),
    finished_reason: z
      .string()
      .nullable()
      .openapi({ description: "stock_exhausted, list_exhausted or campaign_closed" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Schedule");

const scheduleParams = idParams.extend({
  scheduleId: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: "scheduleId", in: "path" },
      example: "sch_0123456789abcdefghjkmnpqrs",
    }),
});

const create = createRoute({
  ...common,
  method: "post",
  path: "/campaigns/{id}/schedules",
  summary: "Invite N people every day at a local time",
  description:
    "Runs a wave of `count_per_run` every day at `time_of_day` in `time_zone` (DST-aware), from the cron, until the campaign closes, every variant is sold out or nobody is left in line. Runs are skipped while the campaign is a draft or paused.",
  middleware: [requireRole("editor")] as const,
  request: {
    params: idParams,
    body: { required: true, content: { "application/json": { schema: z.strictObject(fields) } } },
  },
  responses: {
    201: { description: "The schedule", content: { "application/json": { schema: Schedule } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/campaigns/{id}/schedules",
  summary: "The campaign's schedules with their next run",
  middleware: [requireRole("viewer")] as const,
  request: { params: idParams },
  responses: {
    200: {
      description: "Schedules, newest first",
      content: { "application/json": { schema: z.object({ items: z.array(Schedule) }) } },
    },
    ...errorResponses(401, 403, 404, 422),
  },
});

const patch = createRoute({
  ...common,
  method: "patch",
  path: "/campaigns/{id}/schedules/{scheduleId}",
  summary: "Pause, resume or edit a schedule",
  description:
    "`status: paused` stops runs; `status: active` resumes (also a finished schedule), from the next local time after now (or `start_at`). Edits of an active schedule recompute its next run.",
  middleware: [requireRole("editor")] as const,
  request: {
    params: scheduleParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .strictObject({
              status: z.enum(["active", "paused"]).optional(),
              count_per_run: fields.count_per_run.optional(),
              time_of_day: fields.time_of_day.optional(),
              time_zone: fields.time_zone.optional(),
              start_at: fields.start_at,
            })
            .refine((b) => Object.keys(b).length > 0, "Send at least one field"),
        },
      },
    },
  },
  responses: {
    200: { description: "The schedule", content: { "application/json": { schema: Schedule } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

export const schedulesRouter = createRouter()
  .openapi(create, async (c) => {
    const b = c.req.valid("json");
    const row = await createSchedule(
      c.get("db"),
      await adminAuditContext(c),
      c.req.valid("param").id,
      {
        countPerRun: b.count_per_run,
        timeOfDay: b.time_of_day,
        timeZone: b.time_zone,
        startAt: b.start_at,
      },
      createdByOf(c.get("actor")).createdBy,
      Date.now(),
    );
    return c.json(scheduleToWire(row), 201);
  })
  .openapi(list, async (c) => {
    const rows = await listSchedules(c.get("db"), c.req.valid("param").id);
    return c.json({ items: rows.map(scheduleToWire) }, 200);
  })
  .openapi(patch, async (c) => {
    const { id, scheduleId } = c.req.valid("param");
    const b = c.req.valid("json");
    const row = await updateSchedule(
      c.get("db"),
      await adminAuditContext(c),
      id,
      scheduleId,
      {
        status: b.status,
        countPerRun: b.count_per_run,
        timeOfDay: b.time_of_day,
        timeZone: b.time_zone,
        startAt: b.start_at,
      },
      Date.now(),
    );
    return c.json(scheduleToWire(row), 200);
  });
