import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../src/db/client";
import { drainOutbox } from "../../src/email/drain";
import { logProvider } from "../../src/email/providers/log";
import { adminHeaders, call, expectProblem, json } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES } from "../helpers/d1-guard";
import { drain } from "../helpers/queue-harness";
import { seedSignups } from "../helpers/signup-seed";
import { openCampaign, postWithQueues, scalar } from "./waves-fixtures";

const url = (id: string) => `/v1/admin/campaigns/${id}/broadcasts`;
const db = createDb(env.DB);
let n = 0;

async function suppress(email: string) {
  await env.DB.prepare(
    "INSERT INTO suppressions (id, email_normalized, reason, created_at) VALUES (?, ?, 'complaint', 1)",
  )
    .bind(`sup_b${++n}${Date.now().toString(36)}`, email.toLowerCase())
    .run();
}

/** One of each kind; returns ids by name. */
async function audience(campaignId: string) {
  const tag = `${Date.now().toString(36)}${++n}`;
  const people = {
    en1: { status: "confirmed" },
    en2: { status: "confirmed" },
    uz1: { status: "confirmed", locale: "uz" },
    pending: { status: "pending" },
    unsubscribed: { status: "confirmed", unsubscribed: true },
    suppressed: { status: "confirmed", email: `sup.${tag}@example.com` },
    erased: { status: "confirmed", erased: true },
    rejected: { status: "confirmed", review: "rejected" },
    invited: { status: "confirmed", invited: true },
    customer: { status: "confirmed", invited: true, order: "confirmed" },
    cancelled: { status: "confirmed", invited: true, order: "cancelled" },
  } as const;
  const ids = await seedSignups(campaignId, Object.values(people));
  await suppress(`sup.${tag}@example.com`);
  return Object.fromEntries(Object.keys(people).map((k, i) => [k, ids[i] as string])) as Record<
    keyof typeof people,
    string
  >;
}

const rows = (broadcastId: string) =>
  env.DB.prepare(
    `SELECT signup_id, locale, subject, payload, category, status FROM outbox_emails
     WHERE dedupe_key >= ?1 || ':' AND dedupe_key < ?1 || ';' ORDER BY signup_id`,
  )
    .bind(`broadcast:${broadcastId}`)
    .all<{
      signup_id: string;
      locale: string;
      subject: string;
      payload: string;
      category: string;
      status: string;
    }>()
    .then((r) => r.results);

describe("POST /v1/admin/campaigns/{id}/broadcasts", () => {
  it("writes list mail to the segment in its languages, skipping unsubscribes and suppression at write and send time", async () => {
    const c = await openCampaign("presale");
    const p = await audience(c.id);
    const res = await postWithQueues(url(c.id), {
      idempotency_key: "news-1",
      segment: "confirmed",
      subject: { en: "News", uz: "Yangiliklar" },
      body: { en: "First batch is ready.\n\nMore soon.", uz: "Birinchi partiya tayyor." },
      action_url: "https://shop.example/news",
      action_label: "Read",
    });
    expect(res.res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({
      idempotency_key: "news-1",
      segment: "confirmed",
      recipient_count: 6,
      status: "queued",
      locale: null,
      action_url: "https://shop.example/news",
      emails: { written: 0, queued: 0 },
      eta_seconds: expect.any(Number),
    });
    await drain(res.jobs.take(), (d) => {
      expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
      expect(d.usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    });
    const written = await rows(res.body.id as string);
    const expected = [p.en1, p.en2, p.uz1, p.invited, p.customer, p.cancelled].sort();
    expect(written.map((r) => r.signup_id)).toEqual(expected);
    expect(written.every((r) => r.category === "list" && r.status === "queued")).toBe(true);
    const uz = written.find((r) => r.signup_id === p.uz1);
    expect(uz).toMatchObject({ locale: "uz", subject: "Yangiliklar" });
    expect(JSON.parse(uz?.payload ?? "{}")).toEqual({
      subject: "Yangiliklar",
      body: "Birinchi partiya tayyor.",
      actionUrl: "https://shop.example/news",
      actionLabel: "Read",
    });
    expect(written.find((r) => r.signup_id === p.en1)).toMatchObject({
      locale: "en",
      subject: "News",
    });

    // Between writing and sending: one unsubscribes, one bounces.
    await env.DB.prepare("UPDATE signups SET unsubscribed_at = 1 WHERE id = ?").bind(p.en2).run();
    const [bounced] = await env.DB.prepare("SELECT email FROM signups WHERE id = ?")
      .bind(p.invited)
      .raw<[string]>();
    await suppress(bounced?.[0] as string);
    const lines: string[] = [];
    await drainOutbox(db, env, {
      provider: logProvider((text) => lines.push(...text.split("\n"))),
      queue: null,
    });
    const after = await rows(res.body.id as string);
    const status = Object.fromEntries(after.map((r) => [r.signup_id, r.status]));
    expect(status).toEqual({
      [p.en1]: "sent",
      [p.uz1]: "sent",
      [p.customer]: "sent",
      [p.cancelled]: "sent",
      [p.en2]: "suppressed",
      [p.invited]: "suppressed",
    });
    expect(lines.filter((l) => l.startsWith("[email] broadcast"))).toHaveLength(4);

    const list = await call(url(c.id), { headers: adminHeaders() });
    const [item] = ((await list.json()) as { items: Record<string, unknown>[] }).items;
    expect(item).toMatchObject({
      id: res.body.id,
      status: "done",
      recipient_count: 6,
      emails: { written: 6, queued: 0, sent: 4, suppressed: 2, failed: 0 },
      eta_seconds: 0,
    });
  });

  it("counts each segment, keeps hostile text verbatim, and sends one language when told", async () => {
    const c = await openCampaign();
    await audience(c.id);
    const counts: Record<string, number> = {};
    for (const segment of ["all", "pending", "invited_not_ordered", "customers"]) {
      const res = await postWithQueues(url(c.id), {
        segment,
        subject: "S",
        body: "B",
        idempotency_key: segment,
      });
      expect(res.res.status).toBe(202);
      counts[segment] = res.body.recipient_count as number;
    }
    expect(counts).toEqual({ all: 7, pending: 1, invited_not_ordered: 2, customers: 1 });

    const subject = "Robert'); DROP TABLE signups;--";
    const body = "<script>alert(1)</script>\n\n{{ name }} %s \\\\ \\u0000";
    const res = await postWithQueues(url(c.id), {
      segment: "pending",
      subject,
      body,
      locale: "uz",
      idempotency_key: subject,
    });
    await drain(res.jobs.take());
    const [row] = await rows(res.body.id as string);
    expect(row).toMatchObject({ locale: "uz", subject });
    expect(JSON.parse(row?.payload ?? "{}")).toMatchObject({ subject, body });
    expect(res.body).toMatchObject({ subject: { en: subject, uz: subject }, locale: "uz" });
    expect(await scalar("SELECT count(*) FROM signups WHERE campaign_id = ?", c.id)).toBe(11);
  });

  it("sends a test to one address only, without a key: no job, no rows; refuses a suppressed address", async () => {
    const c = await openCampaign();
    await audience(c.id);
    const log = vi.spyOn(console, "log");
    const res = await postWithQueues(url(c.id), {
      segment: "all",
      subject: "Preview me",
      body: "Hello",
      test_to: "Marketer@Example.com",
    });
    const lines = log.mock.calls.map((a) => String(a[0])).filter((l) => l.startsWith("[email]"));
    log.mockRestore();
    expect(res.res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      test: true,
      to: "Marketer@Example.com",
      subject: "[Test] Preview me",
      locale: "en",
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("broadcast → Marketer@Example.com");
    expect(res.jobs.take()).toEqual([]);
    expect(await scalar("SELECT count(*) FROM broadcasts WHERE campaign_id = ?", c.id)).toBe(0);
    expect(
      await scalar(
        "SELECT count(*) FROM outbox_emails WHERE template = 'broadcast' AND campaign_id = ?",
        c.id,
      ),
    ).toBe(0);

    await suppress("bounced.tester@example.com");
    await expectProblem(
      call(
        url(c.id),
        json(
          { segment: "all", subject: "S", body: "B", test_to: "Bounced.Tester@example.com" },
          adminHeaders(),
        ),
      ),
      409,
      "conflict",
    );
  });

  it("is idempotent by key: a repeat (header or body) returns the same broadcast, one job", async () => {
    const c = await openCampaign();
    await audience(c.id);
    const msg = { segment: "confirmed", subject: "Twice?", body: "Once." };
    const first = await postWithQueues(url(c.id), msg, {
      ...adminHeaders(),
      "Idempotency-Key": "click-1",
    });
    expect(first.res.status, JSON.stringify(first.body)).toBe(202);
    expect(first.jobs.take()).toHaveLength(1);
    for (const again of [
      postWithQueues(url(c.id), { ...msg, idempotency_key: "click-1" }),
      postWithQueues(url(c.id), msg, { ...adminHeaders(), "Idempotency-Key": "click-1" }),
    ]) {
      const r = await again;
      expect(r.res.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({
        id: first.body.id,
        job_id: first.body.job_id,
        idempotency_key: "click-1",
        status_url: first.body.status_url,
      });
      expect(r.jobs.take()).toEqual([]);
    }
    expect(await scalar("SELECT count(*) FROM broadcasts WHERE campaign_id = ?", c.id)).toBe(1);
    expect(await scalar("SELECT count(*) FROM jobs WHERE campaign_id = ?", c.id)).toBe(1);
    expect(
      await scalar(
        "SELECT count(*) FROM audit_log WHERE campaign_id = ? AND action = 'broadcast.create'",
        c.id,
      ),
    ).toBe(1);
  });

  it("answers two racing requests with one key with one broadcast and one job", async () => {
    const c = await openCampaign();
    await audience(c.id);
    const msg = { segment: "all", subject: "Race", body: "B", idempotency_key: "race" };
    const [a, b] = await Promise.all([
      postWithQueues(url(c.id), msg),
      postWithQueues(url(c.id), msg),
    ]);
    expect([a.res.status, b.res.status].sort()).toEqual([200, 202]);
    expect(a.body.id).toBe(b.body.id);
    expect([...a.jobs.take(), ...b.jobs.take()]).toHaveLength(1);
    expect(await scalar("SELECT count(*) FROM broadcasts WHERE campaign_id = ?", c.id)).toBe(1);
    expect(await scalar("SELECT count(*) FROM jobs WHERE campaign_id = ?", c.id)).toBe(1);
  });

  it("needs a key; refuses the key with another message and a header that differs", async () => {
    const c = await openCampaign();
    const msg = { segment: "confirmed", subject: "S", body: "B" };
    const post = (body: unknown, headers: Record<string, string> = adminHeaders()) =>
      call(url(c.id), json(body, headers));
    await expectProblem(post(msg), 400, "idempotency_key_required");
    const first = await postWithQueues(url(c.id), { ...msg, idempotency_key: "k1" });
    expect(first.res.status).toBe(202);
    for (const other of [
      { segment: "all" },
      { subject: "S2" },
      { body: "B2" },
      { locale: "uz" },
      { action_url: "https://shop.example/" },
    ]) {
      await expectProblem(
        post({ ...msg, ...other, idempotency_key: "k1" }),
        422,
        "idempotency_key_reused",
      );
    }
    await expectProblem(
      post({ ...msg, idempotency_key: "k1" }, { ...adminHeaders(), "Idempotency-Key": "k2" }),
      422,
      "validation_failed",
    );
    await expectProblem(
      post({ ...msg, idempotency_key: "x".repeat(256) }),
      422,
      "validation_failed",
    );
    expect(await scalar("SELECT count(*) FROM broadcasts WHERE campaign_id = ?", c.id)).toBe(1);
    expect(await scalar("SELECT count(*) FROM jobs WHERE campaign_id = ?", c.id)).toBe(1);
  });
});
