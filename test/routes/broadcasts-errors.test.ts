import { describe, expect, it } from "vitest";
import { adminHeaders, call, expectProblem, json } from "../helpers/client";
import { apiKey, openCampaign, postWithQueues, scalar } from "./waves-fixtures";

const url = (id: string) => `/v1/admin/campaigns/${id}/broadcasts`;
const valid = { segment: "confirmed", subject: "Hello", body: "Text", idempotency_key: "e-1" };

describe("broadcasts: errors and access", () => {
  it("rejects bad segments, shapes, lengths, links and fields, writing nothing", async () => {
    const c = await openCampaign();
    for (const body of [
      { ...valid, segment: "everyone" },
      { ...valid, segment: "confirmed' OR 1=1 --" },
      { segment: "all", subject: "S" },
      { ...valid, subject: "" },
      { ...valid, subject: "Two\nlines" },
      { ...valid, subject: "x".repeat(201) },
      { ...valid, body: "x".repeat(10_001) },
      { ...valid, body: "bell\u0007" },
      { ...valid, subject: { en: "S" } },
      { ...valid, subject: { en: "S", uz: "S" }, body: { en: "B" } },
      { ...valid, subject: { uz: "S" }, body: { uz: "B" } },
      { ...valid, subject: { en: "S", fr: "S" }, body: { en: "B" } },
      { ...valid, subject: { en: "S" }, body: { en: "B" }, locale: "uz" },
      { ...valid, locale: "ru" },
      { ...valid, action_url: "javascript:alert(1)" },
      { ...valid, action_url: "not a url" },
      { ...valid, test_to: "not-an-email" },
      { ...valid, extra: 1 },
    ]) {
      await expectProblem(call(url(c.id), json(body, adminHeaders())), 422, "validation_failed");
    }
    await expectProblem(
      call(url(c.id), {
        method: "POST",
        headers: { ...adminHeaders(), "Content-Type": "text/plain" },
        body: "x",
      }),
      415,
      "unsupported_media_type",
    );
    expect(await scalar("SELECT count(*) FROM broadcasts WHERE campaign_id = ?", c.id)).toBe(0);
    expect(await scalar("SELECT count(*) FROM jobs WHERE campaign_id = ?", c.id)).toBe(0);
  });

  it("404 for an unknown campaign; 401 without a token; 403 for viewers, who may list", async () => {
    const c = await openCampaign();
    await expectProblem(call(url("cmp_nope"), json(valid, adminHeaders())), 404, "not_found");
    await expectProblem(call(url("cmp_nope"), { headers: adminHeaders() }), 404, "not_found");
    await expectProblem(call(url(c.id), json(valid)), 401, "unauthorized");
    const viewer = await apiKey("viewer");
    await expectProblem(call(url(c.id), json(valid, viewer)), 403, "forbidden");
    await expectProblem(
      call(url(c.id), json({ ...valid, test_to: "a@example.com" }, viewer)),
      403,
      "forbidden",
    );
    const editor = await apiKey("editor");
    const res = await postWithQueues(url(c.id), valid, editor);
    expect(res.res.status).toBe(202);
    const list = await call(url(c.id), { headers: viewer });
    const page = (await list.json()) as { items: { id: string; recipient_count: number }[] };
    expect(page.items.map((b) => [b.id, b.recipient_count])).toEqual([[res.body.id, 0]]);
  });
});
