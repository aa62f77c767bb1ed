import { describe, expect, it } from "vitest";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json, ok } from "../helpers/client";
import { apiKey, openCampaign, scalar } from "./waves-fixtures";

const url = (id: string, sch = "") => `/v1/admin/campaigns/${id}/schedules${sch ? `/${sch}` : ""}`;
const valid = { count_per_run: 5, time_of_day: "10:00", time_zone: "Asia/Tashkent" };
const patch = (id: string, sch: string, body: unknown, headers = adminHeaders()) =>
  call(url(id, sch), { ...json(body, headers), method: "PATCH" });

describe("schedules: errors and access", () => {
  it("rejects bad times, zones, counts and unknown fields, changing nothing", async () => {
    const c = await openCampaign();
    for (const body of [
      { ...valid, time_of_day: "24:00" },
      { ...valid, time_of_day: "9:00" },
      { ...valid, time_of_day: "10:00:00" },
      { ...valid, time_zone: "Mars/Base" },
      { ...valid, time_zone: "Asia/Tashkent'; DROP TABLE schedules; --" },
      { ...valid, time_zone: "x".repeat(65) },
      { ...valid, count_per_run: 0 },
      { ...valid, count_per_run: 2.5 },
      { ...valid, start_at: "tomorrow" },
      { ...valid, status: "paused" },
      { count_per_run: 5, time_of_day: "10:00" },
    ]) {
      await expectProblem(call(url(c.id), json(body, adminHeaders())), 422, "validation_failed");
    }
    expect(await scalar("SELECT count(*) FROM schedules WHERE campaign_id = ?", c.id)).toBe(0);
  });

  it("edits an active schedule and recomputes its next run; 404 and 422 for bad PATCHes", async () => {
    const c = await openCampaign();
    const res = await call(
      url(c.id),
      json({ ...valid, start_at: "2031-02-01T00:00:00Z" }, adminHeaders()),
    );
    const s = (await res.json()) as { id: string; next_run_at: string };
    expect(s.next_run_at).toBe("2031-02-01T05:00:00.000Z");
    const edited = await patch(c.id, s.id, {
      time_of_day: "18:30",
      time_zone: "UTC",
      count_per_run: 7,
      start_at: "2031-02-01T00:00:00Z",
    });
    expect(await edited.json()).toMatchObject({
      time_of_day: "18:30",
      time_zone: "UTC",
      count_per_run: 7,
      next_run_at: "2031-02-01T18:30:00.000Z",
    });
    await expectProblem(patch(c.id, "sch_nope", { status: "paused" }), 404, "not_found");
    await expectProblem(patch("cmp_other", s.id, { status: "paused" }), 404, "not_found");
    await expectProblem(patch(c.id, s.id, {}), 422, "validation_failed");
    await expectProblem(patch(c.id, s.id, { status: "finished" }), 422, "validation_failed");
    await expectProblem(patch(c.id, s.id, { next_run_at: 1 }), 422, "validation_failed");
  });

  it("refuses a closed campaign (409) and an unknown one (404)", async () => {
    const c = await openCampaign();
    await ok(patchCampaign(c.id, { status: "closed" }));
    await expectProblem(call(url(c.id), json(valid, adminHeaders())), 409, "campaign_closed");
    await expectProblem(call(url("cmp_nope"), json(valid, adminHeaders())), 404, "not_found");
    await expectProblem(call(url("cmp_nope"), { headers: adminHeaders() }), 404, "not_found");
  });

  it("needs a token (401), editors to change (403), viewers may read", async () => {
    const c = await openCampaign();
    await expectProblem(call(url(c.id), json(valid)), 401, "unauthorized");
    const viewer = await apiKey("viewer");
    await expectProblem(call(url(c.id), json(valid, viewer)), 403, "forbidden");
    const editor = await apiKey("editor");
    const res = await call(url(c.id), json(valid, editor));
    expect(res.status).toBe(201);
    const s = (await res.json()) as { id: string };
    await expectProblem(patch(c.id, s.id, { status: "paused" }, viewer), 403, "forbidden");
    const list = await call(url(c.id), { headers: viewer });
    expect(((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      s.id,
    ]);
    expect(await scalar("SELECT count(*) FROM audit_log WHERE target_id = ?", s.id)).toBe(1);
  });
});
