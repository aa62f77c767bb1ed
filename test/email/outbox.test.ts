/**
 * The outbox write side (atomic with its cause, dedupe, set-based inserts),
 * the kick, the queue dispatch and the cron sweep.
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { outboxEmails, signups } from "../../src/db/schema";
import { newId } from "../../src/db/schema/columns";
import { OUTBOX_LEASE_MS } from "../../src/email/drain";
import { kickOutbox, outboxInsert, outboxInsertMany } from "../../src/email/outbox";
import { sweepOutbox } from "../../src/email/sweep";
import { queue } from "../../src/queue";
import { guardD1 } from "../helpers/d1-guard";
import { db, outboxRow, seedCampaign, seedSignups, statusCounts, T0 } from "./helpers";

/** Stands in for env.EMAIL_QUEUE: records sends, or fails like an unavailable queue. */
function recordingQueue(fail = false) {
  const sent: { body: unknown; delaySeconds?: number }[] = [];
  const q = {
    async send(body: unknown, opts?: { delaySeconds?: number }) {
      if (fail) throw new Error("queue unavailable");
      sent.push({ body, ...(opts?.delaySeconds ? { delaySeconds: opts.delaySeconds } : {}) });
    },
    async sendBatch() {},
  };
  return { sent, q: q as unknown as Queue };
}

let campaign: { id: string; slug: string };
beforeAll(async () => {
  campaign = await seedCampaign();
});

function signupValues(id: string, email: string) {
  return {
    id,
    campaignId: campaign.id,
    email,
    emailNormalized: email,
    referralCode: id.slice(-8),
    score: T0,
    consentAt: T0,
  };
}

describe("outboxInsert", () => {
  it("commits with its cause in one batch; the category comes from the template", async () => {
    const sid = newId("sgn");
    const eid = newId("eml");
    await db.batch([
      db.insert(signups).values(signupValues(sid, `a-${sid}@example.com`)),
      outboxInsert(
        db,
        {
          id: eid,
          template: "signup_confirm",
          to: `a-${sid}@example.com`,
          locale: "uz",
          campaignId: campaign.id,
          signupId: sid,
          payload: { expiresMinutes: 60 },
        },
        T0,
      ),
    ]);
    expect(await outboxRow(eid)).toMatchObject({
      template: "signup_confirm",
      category: "transactional",
      locale: "uz",
      status: "queued",
      attempts: 0,
      nextAttemptAt: T0,
      signupId: sid,
      payload: { expiresMinutes: 60 },
    });
  });

  it("a failing batch writes neither the cause nor the email", async () => {
    const sid = newId("sgn");
    const eid = newId("eml");
    await expect(
      db.batch([
        db.insert(signups).values(signupValues(sid, `b-${sid}@example.com`)),
        outboxInsert(
          db,
          {
            id: eid,
            template: "milestone",
            to: "b@example.com",
            signupId: sid,
            payload: { referrals: 1 },
          },
          T0,
        ),
        // Last statement violates a CHECK (a negative attempts count).
        db.update(outboxEmails).set({ attempts: -1 }).where(eq(outboxEmails.id, eid)),
      ]),
    ).rejects.toThrow(/CHECK constraint failed: outbox_attempts_nonneg/);
    expect(await outboxRow(eid)).toBeUndefined();
    expect(await db.select().from(signups).where(eq(signups.id, sid))).toEqual([]);
  });

  it("a dedupe key makes a second insert a no-op", async () => {
    const dedupeKey = `milestone:${newId("sgn")}:3`;
    const first = newId("eml");
    const input = {
      template: "milestone" as const,
      to: "c@example.com",
      dedupeKey,
      payload: { referrals: 3 },
    };
    await outboxInsert(db, { ...input, id: first }, T0);
    await outboxInsert(db, { ...input, id: newId("eml") }, T0 + 1);
    const rows = await db.select().from(outboxEmails).where(eq(outboxEmails.dedupeKey, dedupeKey));
    expect(rows.map((r) => r.id)).toEqual([first]);
  });
});

describe("outboxInsertMany", () => {
  it("writes 1200 rows in a few single-parameter statements, skipping known dedupe keys", async () => {
    const people = await seedSignups(campaign.id, 1200);
    const rows = people.map((p, i) => ({
      to: p.email,
      signupId: p.id,
      locale: (i % 2 ? "uz" : "en") as "en" | "uz",
      dedupeKey: `invitation-test:${p.id}`,
    }));
    const { db: guarded, usage } = guardD1(env.DB);
    const gdb = createDb(guarded);
    const statements = outboxInsertMany(
      gdb,
      {
        template: "broadcast",
        campaignId: campaign.id,
        payload: { subject: "News", body: "Hello" },
        rows,
      },
      T0 + 5,
    );
    expect(statements.length).toBeGreaterThan(1);
    expect(statements.length).toBeLessThanOrEqual(5);
    await gdb.batch(statements as [(typeof statements)[0], ...typeof statements]);
    expect(usage.maxParams).toBeLessThanOrEqual(20);
    expect(usage.queries).toBe(statements.length);
    const [count] = await db.all<{ n: number; list: number; uz: number }>(sql`
      SELECT count(*) AS n, sum(category = 'list') AS list, sum(locale = 'uz') AS uz
      FROM outbox_emails WHERE created_at = ${T0 + 5}`);
    expect(count).toEqual({ n: 1200, list: 1200, uz: 600 });
    const one = await db
      .select()
      .from(outboxEmails)
      .where(eq(outboxEmails.dedupeKey, rows[7]!.dedupeKey));
    expect(one[0]).toMatchObject({
      status: "queued",
      nextAttemptAt: T0 + 5,
      payload: { subject: "News", body: "Hello" },
    });
    // Again (a retried job chunk): nothing new.
    for (const s of outboxInsertMany(
      db,
      { template: "broadcast", payload: {}, rows: rows.slice(0, 10) },
      T0 + 6,
    )) {
      await s;
    }
    expect(await statusCounts()).toMatchObject({ queued: expect.any(Number) });
    const [again] = await db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM outbox_emails WHERE created_at = ${T0 + 6}`,
    );
    expect(again!.n).toBe(0);
    await db.delete(outboxEmails).where(eq(outboxEmails.createdAt, T0 + 5));
  });
});

describe("kickOutbox", () => {
  it("sends one drain message, and reports (never throws) when the queue is down", async () => {
    const ok = recordingQueue();
    expect(await kickOutbox({ EMAIL_QUEUE: ok.q })).toBe(true);
    expect(ok.sent).toEqual([{ body: { type: "email_drain" } }]);
    expect(await kickOutbox({ EMAIL_QUEUE: recordingQueue(true).q })).toBe(false);
  });
});

describe("the queue consumer", () => {
  it("drains once per batch of drain messages and acks them all", async () => {
    const eid = newId("eml");
    await outboxInsert(
      db,
      {
        id: eid,
        template: "login_link",
        to: "m@example.com",
        payload: { expiresMinutes: 15, loginLinkId: "lnk_q" },
      },
      Date.now() - 1000,
    );
    const follow = recordingQueue();
    const batch = createMessageBatch("presale-email", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { type: "email_drain" } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { type: "email_drain" } },
    ]);
    const { db: guarded, usage } = guardD1(env.DB);
    const ctx = createExecutionContext();
    await queue(batch, { ...env, DB: guarded, EMAIL_QUEUE: follow.q }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    expect(await outboxRow(eid)).toMatchObject({ status: "sent", providerMessageId: `log_${eid}` });
    expect(
      usage.statements.filter((s) => /UPDATE outbox_emails\s+SET status = 'sending'/.test(s.sql)),
    ).toHaveLength(1);
    expect(usage.queries).toBeLessThanOrEqual(10);
  });
});

describe("the cron sweep", () => {
  it("requeues rows stuck in sending past their lease, fails spent ones, and kicks a drain", async () => {
    const now = T0 + 60 * 60_000;
    const stuck = newId("eml");
    const spent = newId("eml");
    const live = newId("eml");
    const base = {
      template: "login_link" as const,
      to: "s@example.com",
      payload: { expiresMinutes: 15, loginLinkId: "lnk_s" },
    };
    await db.batch([
      outboxInsert(db, { ...base, id: stuck }, T0),
      outboxInsert(db, { ...base, id: spent }, T0),
      outboxInsert(db, { ...base, id: live }, T0),
    ]);
    const set = (id: string, attempts: number, lease: number) =>
      db
        .update(outboxEmails)
        .set({ status: "sending", attempts, nextAttemptAt: lease, providerMessageId: `key:${id}` })
        .where(eq(outboxEmails.id, id));
    await db.batch([
      set(stuck, 2, now - 1),
      set(spent, 8, now - 1),
      set(live, 1, now + OUTBOX_LEASE_MS),
    ]);

    const q = recordingQueue();
    const r = await sweepOutbox(db, q.q, now);
    expect(r).toEqual({ requeued: 1, failed: 1, kicked: true });
    expect(q.sent).toEqual([{ body: { type: "email_drain" } }]);
    // The key marker stays: the retry repeats the same idempotency key.
    expect(await outboxRow(stuck)).toMatchObject({
      status: "queued",
      nextAttemptAt: now,
      attempts: 2,
      providerMessageId: `key:${stuck}`,
    });
    expect(await outboxRow(spent)).toMatchObject({ status: "failed" });
    expect(await outboxRow(live)).toMatchObject({ status: "sending" });

    // Nothing due and nothing stuck: no kick.
    await db.update(outboxEmails).set({ status: "sent" }).where(eq(outboxEmails.status, "queued"));
    const idle = recordingQueue();
    expect(await sweepOutbox(db, idle.q, now)).toEqual({ requeued: 0, failed: 0, kicked: false });
    expect(idle.sent).toEqual([]);
  });

  it("runs as a task of the scheduled handler", async () => {
    const { tasks } = await import("../../src/scheduled");
    expect(tasks.map((t) => t.name)).toContain("sweep_outbox");
    const controller = createScheduledController({ scheduledTime: T0, cron: "* * * * *" });
    expect(controller.scheduledTime).toBe(T0);
  });
});
