import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { jobs } from "../../src/db/schema";
import { adminHeaders, call, expectProblem, json, lastUsage } from "../helpers/client";

const db = createDb(env.DB);

let viewerKey: string;
let jobId: string;

beforeAll(async () => {
  const res = await call(
    "/v1/admin/api-keys",
    json({ name: "viewer", role: "viewer" }, adminHeaders()),
  );
  expect(res.status).toBe(201);
  viewerKey = ((await res.json()) as { key: string }).key;
  const t = Date.parse("2026-01-02T03:04:05.000Z");
  const [row] = await db
    .insert(jobs)
    .values({
      kind: "import_signups",
      status: "running",
      total: 8,
      done: 3,
      failed: 1,
      params: { secret: "not on the wire" },
      state: { chunk: 2, cursor: { after: 4 } },
      createdAt: t,
      updatedAt: t,
      startedAt: t + 1000,
    })
    .returning();
  jobId = row!.id;
});

describe("GET /v1/admin/jobs/{id}", () => {
  it("401 without a token", async () => {
    const res = await call(`/v1/admin/jobs/${jobId}`);
    await expectProblem(res, 401, "unauthorized");
  });

  it("401 with a wrong token", async () => {
    const res = await call(`/v1/admin/jobs/${jobId}`, { headers: adminHeaders("nope-nope-nope") });
    await expectProblem(res, 401, "unauthorized");
  });

  it("a viewer reads progress, and nothing internal", async () => {
    const res = await call(`/v1/admin/jobs/${jobId}`, { headers: adminHeaders(viewerKey) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      id: jobId,
      kind: "import_signups",
      status: "running",
      total: 8,
      done: 3,
      failed: 1,
      progress: 0.5,
      error: null,
      result: null,
      created_at: "2026-01-02T03:04:05.000Z",
      started_at: "2026-01-02T03:04:06.000Z",
      finished_at: null,
      campaign_id: null,
    });
    expect(lastUsage!.queries).toBeLessThanOrEqual(3);
  });

  it("shows a failed job's error and a finished job's result", async () => {
    await db
      .update(jobs)
      .set({ status: "failed", error: "Chunk 2, attempt 5: upstream down", finishedAt: Date.now() })
      .where(eq(jobs.id, jobId));
    const failed = (await (
      await call(`/v1/admin/jobs/${jobId}`, { headers: adminHeaders() })
    ).json()) as Record<string, unknown>;
    expect(failed).toMatchObject({ status: "failed", error: "Chunk 2, attempt 5: upstream down" });
    expect(failed.finished_at).toEqual(expect.any(String));

    await db
      .update(jobs)
      .set({ status: "done", done: 7, error: null, result: { imported: 7, skipped: 1 } })
      .where(eq(jobs.id, jobId));
    const done = (await (
      await call(`/v1/admin/jobs/${jobId}`, { headers: adminHeaders() })
    ).json()) as Record<string, unknown>;
    expect(done).toMatchObject({
      status: "done",
      progress: 1,
      result: { imported: 7, skipped: 1 },
    });
  });

  it("progress is 0 while the total is unknown", async () => {
    const [row] = await db.insert(jobs).values({ kind: "broadcast", params: {} }).returning();
    const res = await call(`/v1/admin/jobs/${row!.id}`, { headers: adminHeaders() });
    expect(await res.json()).toMatchObject({ status: "queued", total: null, progress: 0 });
  });

  it("404 problem for an unknown id", async () => {
    const res = await call("/v1/admin/jobs/job_doesnotexist", { headers: adminHeaders(viewerKey) });
    const body = await expectProblem(res, 404, "not_found");
    expect(body.detail).toBe("Job not found");
  });

  it("422 for an id that cannot be one", async () => {
    const res = await call(`/v1/admin/jobs/${"x".repeat(65)}`, { headers: adminHeaders() });
    await expectProblem(res, 422, "validation_failed");
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths["/v1/admin/jobs/{id}"]?.get).toBeTruthy();
  });
});
