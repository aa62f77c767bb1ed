import { describe, expect, it } from "vitest";
import { newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json, ok } from "../helpers/client";
import { apiKey, openCampaign, postWithQueues, scalar, seedLine } from "./waves-fixtures";

const url = (id: string) => `/v1/admin/campaigns/${id}/waves`;
const post = (id: string, body: unknown, headers: Record<string, string> = adminHeaders()) =>
  call(url(id), json(body, headers));

describe("waves: errors and access", () => {
  it("needs a key, refuses a reused key with another count and a mismatched header", async () => {
    const c = await openCampaign();
    await seedLine(c.id, 10);
    await expectProblem(post(c.id, { count: 2 }), 400, "idempotency_key_required");
    const first = await postWithQueues(url(c.id), { count: 2, idempotency_key: "k1" });
    expect(first.res.status).toBe(201);
    await expectProblem(
      post(c.id, { count: 3, idempotency_key: "k1" }),
      422,
      "idempotency_key_reused",
    );
    await expectProblem(
      post(
        c.id,
        { count: 2, idempotency_key: "k1" },
        { ...adminHeaders(), "Idempotency-Key": "k2" },
      ),
      422,
      "validation_failed",
    );
    expect(
      await scalar(
        "SELECT count(*) FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL",
        c.id,
      ),
    ).toBe(2);
  });

  it("answers two racing requests with one key with one wave", async () => {
    const c = await openCampaign();
    await seedLine(c.id, 20);
    const [a, b] = await Promise.all([
      postWithQueues(url(c.id), { count: 5, idempotency_key: "race" }),
      postWithQueues(url(c.id), { count: 5, idempotency_key: "race" }),
    ]);
    expect([a.res.status, b.res.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect(await scalar("SELECT count(*) FROM waves WHERE campaign_id = ?", c.id)).toBe(1);
    expect(
      await scalar(
        "SELECT count(*) FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL",
        c.id,
      ),
    ).toBe(5);
  });

  it("stores a hostile key verbatim and rejects bad counts, fields and reserved keys", async () => {
    const c = await openCampaign();
    await seedLine(c.id, 3);
    const key = "'; DROP TABLE waves; --";
    const res = await postWithQueues(url(c.id), { count: 1, idempotency_key: key });
    expect(res.res.status).toBe(201);
    expect(res.body.idempotency_key).toBe(key);
    for (const body of [
      { count: 0, idempotency_key: "a" },
      { count: -1, idempotency_key: "a" },
      { count: 1.5, idempotency_key: "a" },
      { count: "10", idempotency_key: "a" },
      { count: 100_001, idempotency_key: "a" },
      { count: 1, idempotency_key: "a", extra: true },
      { count: 1, idempotency_key: "x".repeat(256) },
      { count: 1, idempotency_key: "tab\there" },
      { count: 1, idempotency_key: "ключ" },
      { count: 1, idempotency_key: "schedule:sch_1:2030-01-01" },
    ]) {
      await expectProblem(post(c.id, body), 422, "validation_failed");
    }
    await expectProblem(
      call(url(c.id), {
        method: "POST",
        headers: { ...adminHeaders(), "Content-Type": "text/plain" },
        body: "count=1",
      }),
      415,
      "unsupported_media_type",
    );
    await expectProblem(
      call(url(c.id), {
        method: "POST",
        headers: { ...adminHeaders(), "Content-Type": "application/json" },
        body: "{",
      }),
      400,
      "malformed_body",
    );
    expect(await scalar("SELECT count(*) FROM waves WHERE campaign_id = ?", c.id)).toBe(1);
  });

  it("is refused unless the campaign is in waitlist or presale; 404 for an unknown one", async () => {
    const draft = await newCampaign();
    await expectProblem(post(draft.id, { count: 1, idempotency_key: "d" }), 409, "campaign_closed");
    const c = await openCampaign("presale");
    await ok(patchCampaign(c.id, { status: "closed" }));
    await expectProblem(post(c.id, { count: 1, idempotency_key: "c" }), 409, "campaign_closed");
    await expectProblem(post("cmp_nope", { count: 1, idempotency_key: "n" }), 404, "not_found");
    await expectProblem(call(url("cmp_nope"), { headers: adminHeaders() }), 404, "not_found");
  });

  it("needs a token (401) and the editor role to start one (403); viewers can list", async () => {
    const c = await openCampaign();
    await expectProblem(
      call(url(c.id), json({ count: 1, idempotency_key: "a" })),
      401,
      "unauthorized",
    );
    await expectProblem(call(url(c.id)), 401, "unauthorized");
    const viewer = await apiKey("viewer");
    await expectProblem(post(c.id, { count: 1, idempotency_key: "a" }, viewer), 403, "forbidden");
    const list = await call(url(c.id), { headers: viewer });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [], next_cursor: null });
    const editor = await apiKey("editor");
    const res = await postWithQueues(url(c.id), { count: 1, idempotency_key: "e" }, editor);
    expect(res.res.status).toBe(201);
    expect(res.body.invited_count).toBe(0);
  });
});
