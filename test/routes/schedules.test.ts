import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { QueueMessage } from "../../src/jobs/messages";
import { scheduled } from "../../src/scheduled";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, json, ok } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES, guardD1 } from "../helpers/d1-guard";
import { drain, FakeQueue } from "../helpers/queue-harness";
import { column, openCampaign, scalar, seedLine } from "./waves-fixtures";

const url = (id: string, sch = "") => `/v1/admin/campaigns/${id}/schedules${sch ? `/${sch}` : ""}`;
const at = (iso: string) => Date.parse(iso);

type Schedule = {
  id: string;
  status: string;
  next_run_at: string | null;
  next_run_local: string | null;
  last_run_at: string | null;
  finished_reason: string | null;
};

async function create(campaignId: string, body: Record<string, unknown>): Promise<Schedule> {
  const res = await call(url(campaignId), json(body, adminHeaders()));
  const out = await res.json();
  expect(res.status, JSON.stringify(out)).toBe(201);
  return out as Schedule;
}

async function patch(campaignId: string, id: string, body: unknown): Promise<Schedule> {
  const res = await call(url(campaignId, id), { ...json(body, adminHeaders()), method: "PATCH" });
  const out = await res.json();
  expect(res.status, JSON.stringify(out)).toBe(200);
  return out as Schedule;
}

async function get(campaignId: string): Promise<Schedule[]> {
  const res = await call(url(campaignId), { headers: adminHeaders() });
  return ((await res.json()) as { items: Schedule[] }).items;
}

/**
 * Fires the cron handler at `when` (within one invocation's D1 limits);
 * returns the messages of jobs it created (not the stuck-job sweeper's re-sends).
 */
async function tick(when: number): Promise<QueueMessage[]> {
  const before = new Set(await column("SELECT id FROM jobs"));
  const { db, usage } = guardD1(env.DB);
  const jobs = new FakeQueue();
  const ctx = createExecutionContext();
  await scheduled(
    createScheduledController({ scheduledTime: when, cron: "* * * * *" }),
    { ...env, DB: db, JOBS: jobs.binding, EMAIL_QUEUE: new FakeQueue().binding },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
  expect(usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
  return jobs.take().filter((m) => m.type === "job" && !before.has(m.jobId));
}

const waveKeys = (campaignId: string) =>
  column("SELECT idempotency_key FROM waves WHERE campaign_id = ? ORDER BY created_at", campaignId);
const invitedCount = (campaignId: string) =>
  scalar(
    "SELECT count(*) FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL",
    campaignId,
  );

// Storage is shared by the tests of a file: an earlier test's schedule must not run in a later one.
afterEach(async () => {
  await env.DB.prepare("UPDATE schedules SET status = 'paused', next_run_at = NULL").run();
});

describe("schedules", () => {
  it("invites N a day at 10:00 Asia/Tashkent, once per day, paused and resumed, until the list runs out", async () => {
    const c = await openCampaign();
    await seedLine(c.id, 10);
    const s = await create(c.id, {
      count_per_run: 3,
      time_of_day: "10:00",
      time_zone: "Asia/Tashkent",
      start_at: "2030-01-10T00:00:00Z",
    });
    expect(s).toMatchObject({
      status: "active",
      next_run_at: "2030-01-10T05:00:00.000Z",
      next_run_local: "2030-01-10T10:00",
    });

    expect(await tick(at("2030-01-10T04:59:00Z"))).toEqual([]);
    expect(await waveKeys(c.id)).toEqual([]);
    const jobs = await tick(at("2030-01-10T05:00:00Z"));
    expect(jobs).toHaveLength(1);
    expect(await waveKeys(c.id)).toEqual([`schedule:${s.id}:2030-01-10`]);
    // A second tick in the same minute finds nothing due.
    expect(await tick(at("2030-01-10T05:00:30Z"))).toEqual([]);
    await drain(jobs);
    expect(await invitedCount(c.id)).toBe(3);
    const [after] = await get(c.id);
    expect(after).toMatchObject({
      next_run_at: "2030-01-11T05:00:00.000Z",
      last_run_at: "2030-01-10T05:00:00.000Z",
    });

    // Two cron invocations racing at the next run: one wave.
    const racing = await Promise.all([
      tick(at("2030-01-11T05:00:00Z")),
      tick(at("2030-01-11T05:00:00Z")),
    ]);
    expect(racing.flat()).toHaveLength(1);
    await drain(racing.flat());
    expect(await invitedCount(c.id)).toBe(6);

    const paused = await patch(c.id, s.id, { status: "paused" });
    expect(paused).toMatchObject({ status: "paused", next_run_at: null });
    expect(await tick(at("2030-01-12T05:00:00Z"))).toEqual([]);
    const resumed = await patch(c.id, s.id, { status: "active", start_at: "2030-01-13T00:00:00Z" });
    expect(resumed).toMatchObject({ status: "active", next_run_at: "2030-01-13T05:00:00.000Z" });
    await drain(await tick(at("2030-01-13T05:00:00Z")));
    await drain(await tick(at("2030-01-14T05:00:00Z")));
    expect(await invitedCount(c.id)).toBe(10);
    // Nobody left in line: the schedule finishes instead of starting an empty wave.
    expect(await tick(at("2030-01-15T05:00:00Z"))).toEqual([]);
    const [done] = await get(c.id);
    expect(done).toMatchObject({
      status: "finished",
      finished_reason: "list_exhausted",
      next_run_at: null,
    });
    expect(await waveKeys(c.id)).toEqual(
      ["10", "11", "13", "14"].map((d) => `schedule:${s.id}:2030-01-${d}`),
    );
    const sources = await column("SELECT DISTINCT source FROM waves WHERE campaign_id = ?", c.id);
    expect(sources).toEqual(["schedule"]);
  });

  it("follows Europe/Berlin across the spring DST change (09:00 UTC, then 08:00 UTC)", async () => {
    const c = await openCampaign();
    await seedLine(c.id, 10);
    const s = await create(c.id, {
      count_per_run: 1,
      time_of_day: "10:00",
      time_zone: "Europe/Berlin",
      start_at: "2030-03-30T00:00:00Z",
    });
    expect(s.next_run_at).toBe("2030-03-30T09:00:00.000Z");
    await drain(await tick(at("2030-03-30T09:00:00Z")));
    const [next] = await get(c.id);
    expect(next).toMatchObject({
      next_run_at: "2030-03-31T08:00:00.000Z",
      next_run_local: "2030-03-31T10:00",
    });
    expect(await tick(at("2030-03-31T07:59:00Z"))).toEqual([]);
    expect(await tick(at("2030-03-31T08:00:00Z"))).toHaveLength(1);
    expect(await waveKeys(c.id)).toEqual([
      `schedule:${s.id}:2030-03-30`,
      `schedule:${s.id}:2030-03-31`,
    ]);
  });

  it("finishes when stock is gone or the campaign closes, and skips runs while it is paused", async () => {
    const c = await openCampaign("presale");
    await seedLine(c.id, 5);
    const base = {
      count_per_run: 1,
      time_of_day: "09:30",
      time_zone: "UTC",
      start_at: "2030-05-01T00:00:00Z",
    };
    const sold = await create(c.id, base);
    await env.DB.prepare("UPDATE variants SET remaining = 0 WHERE campaign_id = ?")
      .bind(c.id)
      .run();
    expect(await tick(at("2030-05-01T09:30:00Z"))).toEqual([]);
    expect((await get(c.id))[0]).toMatchObject({
      id: sold.id,
      status: "finished",
      finished_reason: "stock_exhausted",
    });

    await env.DB.prepare("UPDATE variants SET remaining = stock WHERE campaign_id = ?")
      .bind(c.id)
      .run();
    const s = await patch(c.id, sold.id, { status: "active", start_at: "2030-05-02T00:00:00Z" });
    expect(s).toMatchObject({
      status: "active",
      finished_reason: null,
      next_run_at: "2030-05-02T09:30:00.000Z",
    });
    await ok(patchCampaign(c.id, { status: "paused" }));
    expect(await tick(at("2030-05-02T09:30:00Z"))).toEqual([]);
    expect((await get(c.id))[0]).toMatchObject({
      status: "active",
      next_run_at: "2030-05-03T09:30:00.000Z",
    });
    await ok(patchCampaign(c.id, { status: "closed" }));
    expect(await tick(at("2030-05-03T09:30:00Z"))).toEqual([]);
    expect((await get(c.id))[0]).toMatchObject({
      status: "finished",
      finished_reason: "campaign_closed",
    });
    expect(await waveKeys(c.id)).toEqual([]);
  });
});
