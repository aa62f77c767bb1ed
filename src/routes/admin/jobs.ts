import { createRoute, z } from "@hono/zod-openapi";
import { jobStatuses } from "../../db/schema/enums";
import { getJob, type JobRow, jobProgress } from "../../jobs/runner";
import { notFound } from "../../lib/errors";
import { createRouter } from "../../lib/router";
import { iso } from "../../lib/wire";
import { requireRole } from "../../middleware/admin-auth";
import { errorResponses } from "../openapi-common";

const Job = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ example: "import_signups" }),
    status: z.enum(jobStatuses),
    total: z.number().int().nullable().openapi({ description: "Units of work, when known" }),
    done: z.number().int(),
    failed: z.number().int().openapi({ description: "Units that failed for good" }),
    progress: z.number().min(0).max(1).openapi({ description: "(done + failed) / total" }),
    error: z
      .string()
      .nullable()
      .openapi({ description: "Why the job failed, or the last failed try while it retries" }),
    result: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    campaign_id: z.string().nullable(),
  })
  .openapi("Job");

const toWire = (j: JobRow) => ({
  id: j.id,
  kind: j.kind,
  status: j.status,
  total: j.total,
  done: j.done,
  failed: j.failed,
  progress: jobProgress(j),
  error: j.error,
  result: j.result,
  created_at: iso(j.createdAt),
  started_at: iso(j.startedAt),
  finished_at: iso(j.finishedAt),
  campaign_id: j.campaignId,
});

const get = createRoute({
  method: "get",
  path: "/jobs/{id}",
  tags: ["Admin: jobs"],
  summary: "Progress of a background job",
  security: [{ adminBearer: [] }],
  middleware: [requireRole("viewer")] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "id", in: "path" }, example: "job_0123456789abcdefghjkmnpqrs" }),
    }),
  },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: Job } } },
    ...errorResponses(401, 403, 404, 422),
  },
});

export const jobsRouter = createRouter().openapi(get, async (c) => {
  const job = await getJob(c.get("db"), c.req.valid("param").id);
  if (!job) throw notFound("Job");
  return c.json(toWire(job), 200);
});
