import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  type QueueResult,
} from "cloudflare:test";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createDb } from "../../src/db/client";
import { auditLog, jobItems, jobs } from "../../src/db/schema";
import { auditInsert, systemAudit } from "../../src/domain/audit";
import type { JobsQueue, QueueMessage } from "../../src/jobs/messages";
import { registerJobKind } from "../../src/jobs/registry";
import {
  enqueueJob,
  JOB_LEASE_MS,
  JOB_STALE_MS,
  JobError,
  requeueStuckJobs,
  retryDelaySeconds,
} from "../../src/jobs/runner";
import { queue } from "../../src/queue";
import { adminHeaders, call } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES, type D1Usage, guardD1 } from "../helpers/d1-guard";

const db = createDb(env.DB);

// ---------------------------------------------------------------- test kinds

/**
 * Sums staged items `{ n }` three at a time. Each chunk also writes an audit
 * row through `statements`, so the test can see that a chunk's effects are
 * committed exactly once, together with its progress.
 */
const sumJob = registerJobKind<{ label: string }, { sum: number }>("test_sum", {
  chunkSize: 3,
  stagedItems: true,
  params: z.object({ label: z.string() }),
  async run(db, _env, job, chunk) {
    let sum = job.state?.sum ?? 0;
    const failedItems: { seq: number; error: string }[] = [];
    for (const item of chunk.items) {
      const n = item.payload.n;
      if (typeof n === "number") sum += n;
      else failedItems.push({ seq: item.seq, error: "n is not a number" });
    }
    // A chunk index that the params mark as flaky fails on its first tries.
    const flaky = (job.params.label.match(/flaky-chunk-(\d+)-times-(\d+)/) ?? []).map(Number);
    if (flaky.length && chunk.index === flaky[1] && chunk.attempt <= (flaky[2] ?? 0)) {
      throw new JobError(`flaky failure on attempt ${chunk.attempt}`);
    }
    const finished = !chunk.hasMore;
    return {
      done: chunk.items.length - failedItems.length,
      failed: failedItems.length,
      failedItems,
      nextState: finished ? null : { sum },
      ...(finished ? { result: { sum, label: job.params.label } } : {}),
      statements: [
        auditInsert(db, systemAudit, {
          action: "test.chunk",
          targetType: "job",
          targetId: job.id,
          changes: { chunk: chunk.index, sum },
        }),
      ],
    };
  },
});

registerJobKind("test_always_fails", {
  chunkSize: 5,
  maxAttempts: 3,
  stagedItems: true,
  async run() {
    throw new Error("the upstream is down");
  },
});

/** Holds its chunk for a while, so two deliveries overlap. */
registerJobKind("test_slow", {
  chunkSize: 1,
  async run(_db, _env, job) {
    await new Promise((r) => setTimeout(r, 150));
    const count = Number(job.state?.count ?? 0) + 1;
    return { done: 1, failed: 0, nextState: count >= 2 ? null : { count } };
  },
});

/** Simulates its lease being taken over mid-chunk (e.g. it ran past the lease). */
registerJobKind("test_lease_stolen", {
  chunkSize: 1,
  async run(db, _env, job) {
    await db
      .update(jobs)
      .set({ lockedUntil: Date.now() + 999_999 })
      .where(eq(jobs.id, job.id));
    return {
      done: 1,
      failed: 0,
      nextState: null,
      statements: [
        auditInsert(db, systemAudit, {
          action: "test.stolen",
          targetType: "job",
          targetId: job.id,
        }),
      ],
    };
  },
});

// ---------------------------------------------------------------- harness

/** Stands in for env.JOBS: records what the consumer sends instead of delivering it. */
class FakeQueue {
  sent: QueueMessage[] = [];
  failSends = false;
  async send(body: QueueMessage) {
    if (this.failSends) throw new Error("queue unavailable");
    this.sent.push(body);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  }
  async sendBatch(messages: Iterable<MessageSendRequest<QueueMessage>>) {
    if (this.failSends) throw new Error("queue unavailable");
    for (const m of messages) this.sent.push(m.body);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  }
  async metrics() {
    return { backlogCount: 0, backlogBytes: 0 };
  }
  asQueue(): JobsQueue {
    return this as unknown as JobsQueue;
  }
  take(): QueueMessage[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

interface Delivery {
  result: QueueResult;
  ids: string[];
  /** delaySeconds passed to msg.retry(), by message index (getQueueResult does not report it). */
  retryDelays: (number | undefined)[];
  sent: QueueMessage[];
  usage: D1Usage;
}

let seq = 0;

/**
 * One queue invocation through the real exported handler, with D1 wrapped by
 * the limits guard (one guard = one invocation) and the producer faked.
 */
async function deliver(bodies: unknown[], attempts = 1): Promise<Delivery> {
  const { db: guarded, usage } = guardD1(env.DB);
  const q = new FakeQueue();
  const ids = bodies.map(() => `msg-${++seq}`);
  const batch = createMessageBatch(
    "presale-jobs",
    bodies.map((body, i) => ({ id: ids[i]!, timestamp: Date.now(), attempts, body })),
  );
  const retryDelays: (number | undefined)[] = [];
  batch.messages.forEach((m, i) => {
    const retry = m.retry.bind(m);
    Object.defineProperty(m, "retry", {
      value: (options?: QueueRetryOptions) => {
        retryDelays[i] = options?.delaySeconds;
        retry(options);
      },
    });
  });
  const ctx = createExecutionContext();
  await queue(batch, { ...env, DB: guarded, JOBS: q.asQueue() as unknown as Queue }, ctx);
  const result = await getQueueResult(batch, ctx);
  expect(usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
  expect(usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
  return { result, ids, retryDelays, sent: q.take(), usage };
}

const acked = (d: Delivery, i = 0) => d.result.explicitAcks.includes(d.ids[i]!);
const retried = (d: Delivery, i = 0) => d.result.retryMessages.find((m) => m.msgId === d.ids[i]);

async function jobRow(id: string) {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row!;
}

async function apiJob(id: string) {
  const res = await call(`/v1/admin/jobs/${id}`, { headers: adminHeaders() });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function auditCount(jobId: string, action = "test.chunk") {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(auditLog)
    .where(and(eq(auditLog.targetId, jobId), eq(auditLog.action, action)));
  return Number(row?.n ?? 0);
}

async function newSumJob(count: number, label = "plain", q = new FakeQueue()) {
  const items = Array.from({ length: count }, (_, i) => ({ n: i + 1 }));
  const { id, sent } = await enqueueJob(db, q.asQueue(), {
    kind: sumJob,
    params: { label },
    createdBy: null,
    items,
  });
  return { id, sent, first: q.take() };
}

// ---------------------------------------------------------------- tests

describe("enqueueJob", () => {
  it("stores the job, stages its items and sends the first message", async () => {
    const { id, sent, first } = await newSumJob(7);
    expect(sent).toBe(true);
    expect(first).toEqual([{ type: "job", jobId: id, chunk: 0 }]);
    const job = await jobRow(id);
    expect(job).toMatchObject({ kind: "test_sum", status: "queued", total: 7, done: 0 });
    const items = await db.select().from(jobItems).where(eq(jobItems.jobId, id));
    expect(items.map((i) => [i.seq, i.payload, i.status])).toEqual(
      Array.from({ length: 7 }, (_, i) => [i, { n: i + 1 }, "pending"]),
    );
  });

  it("stages thousands of items in a few statements within D1's limits", async () => {
    const { db: guarded, usage } = guardD1(env.DB);
    const items = Array.from({ length: 3000 }, (_, i) => ({ n: i, email: `p${i}@example.com` }));
    const { id } = await enqueueJob(createDb(guarded), new FakeQueue().asQueue(), {
      kind: "test_sum",
      params: { label: "big" },
      createdBy: null,
      items,
    });
    expect(usage.queries).toBeLessThanOrEqual(10);
    expect(usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    const [row] = await db
      .select({ n: sql<number>`count(*)`, maxSeq: sql<number>`max(seq)` })
      .from(jobItems)
      .where(eq(jobItems.jobId, id));
    expect(row).toEqual({ n: 3000, maxSeq: 2999 });
  });

  it("commits the caller's statements with the job, atomically", async () => {
    const { id } = await enqueueJob(db, new FakeQueue().asQueue(), {
      kind: "test_sum",
      params: { label: "with" },
      createdBy: "key_test",
      with: (jobId) => [
        auditInsert(db, systemAudit, { action: "job.create", targetType: "job", targetId: jobId }),
      ],
    });
    expect(await auditCount(id, "job.create")).toBe(1);
    expect((await jobRow(id)).createdBy).toBe("key_test");
  });

  it("rejects an unregistered kind", async () => {
    await expect(
      enqueueJob(db, new FakeQueue().asQueue(), { kind: "nope", params: {}, createdBy: null }),
    ).rejects.toThrow(/unknown job kind/);
  });

  it("keeps the job queued when the message cannot be sent (the sweeper sends it)", async () => {
    const q = new FakeQueue();
    q.failSends = true;
    const { id, sent } = await newSumJob(2, "unsent", q);
    expect(sent).toBe(false);
    expect((await jobRow(id)).status).toBe("queued");
  });
});

describe("the consumer", () => {
  it("runs N items in ceil(N/chunk) chunks, with progress visible between chunks", async () => {
    const { id, first } = await newSumJob(10);
    let pending = first;
    const seen: Record<string, unknown>[] = [];
    let chunks = 0;
    while (pending.length) {
      const d = await deliver(pending);
      expect(acked(d)).toBe(true);
      chunks += 1;
      pending = d.sent;
      seen.push(await apiJob(id));
      expect(chunks).toBeLessThanOrEqual(4);
    }
    expect(chunks).toBe(4); // ceil(10 / 3)
    expect(seen.map((j) => [j.status, j.done, j.progress])).toEqual([
      ["running", 3, 0.3],
      ["running", 6, 0.6],
      ["running", 9, 0.9],
      ["done", 10, 1],
    ]);
    const done = seen[3]!;
    expect(done).toMatchObject({
      total: 10,
      failed: 0,
      error: null,
      result: { sum: 55, label: "plain" },
    });
    expect(done.started_at).toEqual(expect.any(String));
    expect(done.finished_at).toEqual(expect.any(String));
    expect(await auditCount(id)).toBe(4);
    // Staged items are gone once the job ends.
    expect(await db.select().from(jobItems).where(eq(jobItems.jobId, id))).toEqual([]);
    expect(await jobRow(id)).toMatchObject({ lockedUntil: null, attempts: 0 });
  });

  it("counts items a handler rejects as failed, and keeps their reasons until the end", async () => {
    const items = [{ n: 1 }, { n: "x" }, { n: 3 }, { n: 4 }];
    const q = new FakeQueue();
    const { id } = await enqueueJob(db, q.asQueue(), {
      kind: sumJob,
      params: { label: "mixed" },
      createdBy: null,
      items,
    });
    const d = await deliver(q.take());
    expect(await jobRow(id)).toMatchObject({ done: 2, failed: 1 });
    const failed = await db
      .select({ seq: jobItems.seq, error: jobItems.error })
      .from(jobItems)
      .where(and(eq(jobItems.jobId, id), eq(jobItems.status, "failed")));
    expect(failed).toEqual([{ seq: 1, error: "n is not a number" }]);
    await deliver(d.sent);
    expect(await apiJob(id)).toMatchObject({ status: "done", done: 3, failed: 1, progress: 1 });
  });

  it("retries a failing chunk with backoff, then succeeds without double counting", async () => {
    const { id, first } = await newSumJob(7, "flaky-chunk-1-times-2");
    const d0 = await deliver(first);
    const chunk1 = d0.sent;
    expect(chunk1).toEqual([{ type: "job", jobId: id, chunk: 1 }]);

    // Attempt 1 and 2 of chunk 1 throw: the message is retried, the job keeps running.
    for (const attempt of [1, 2]) {
      const d = await deliver(chunk1, attempt);
      expect(acked(d)).toBe(false);
      expect(retried(d)).toBeTruthy();
      expect(d.retryDelays[0]).toBe(retryDelaySeconds(attempt));
      expect(d.sent).toEqual([]);
      const job = await apiJob(id);
      expect(job).toMatchObject({ status: "running", done: 3 });
      expect(job.error).toContain(`flaky failure on attempt ${attempt}`);
      expect(await jobRow(id)).toMatchObject({ attempts: attempt, lockedUntil: null });
    }
    expect(retryDelaySeconds(1)).toBeLessThan(retryDelaySeconds(2));

    const d3 = await deliver(chunk1, 3);
    expect(acked(d3)).toBe(true);
    expect(await apiJob(id)).toMatchObject({ status: "running", done: 6, error: null });
    expect(await jobRow(id)).toMatchObject({ attempts: 0 });
    const d4 = await deliver(d3.sent);
    expect(d4.sent).toEqual([]);
    expect(await apiJob(id)).toMatchObject({ status: "done", done: 7, result: { sum: 28 } });
    expect(await auditCount(id)).toBe(3); // one per successful chunk, none for the failed tries
  });

  it("fails the job, visibly, after the kind's max attempts, and acks", async () => {
    const q = new FakeQueue();
    const { id } = await enqueueJob(db, q.asQueue(), {
      kind: "test_always_fails",
      params: {},
      createdBy: null,
      items: [{ a: 1 }, { a: 2 }],
    });
    const msg = q.take();
    for (const attempt of [1, 2]) {
      const d = await deliver(msg, attempt);
      expect(retried(d)).toBeTruthy();
    }
    const last = await deliver(msg, 3);
    expect(acked(last)).toBe(true);
    expect(retried(last)).toBeUndefined();
    const job = await apiJob(id);
    expect(job).toMatchObject({ status: "failed", done: 0, progress: 0 });
    expect(job.error).toMatch(/Chunk 0, attempt 3: Error: the upstream is down/);
    expect(job.finished_at).toEqual(expect.any(String));
    expect(await db.select().from(jobItems).where(eq(jobItems.jobId, id))).toEqual([]);
    // A late redelivery does nothing.
    const again = await deliver(msg, 4);
    expect(acked(again)).toBe(true);
    expect((await jobRow(id)).status).toBe("failed");
  });

  it("fails a job whose earlier tries died without recording (attempts past max)", async () => {
    const q = new FakeQueue();
    const { id } = await enqueueJob(db, q.asQueue(), {
      kind: "test_always_fails",
      params: {},
      createdBy: null,
    });
    await db.update(jobs).set({ attempts: 3, status: "running" }).where(eq(jobs.id, id));
    const d = await deliver(q.take());
    expect(acked(d)).toBe(true);
    const job = await apiJob(id);
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(/did not complete after 3 attempts/);
  });

  it("does not run a chunk twice when the message is delivered twice at once", async () => {
    const q = new FakeQueue();
    const { id } = await enqueueJob(db, q.asQueue(), {
      kind: "test_slow",
      params: {},
      createdBy: null,
      total: 2,
    });
    const msg = q.take();
    const [a, b] = await Promise.all([deliver(msg), deliver(msg)]);
    expect(acked(a) && acked(b)).toBe(true);
    // Exactly one of them ran the chunk and sent the next message.
    expect([...a.sent, ...b.sent]).toEqual([{ type: "job", jobId: id, chunk: 1 }]);
    expect(await jobRow(id)).toMatchObject({ done: 1, status: "running" });
  });

  it("skips a message while another run holds the lease, and a stale message after", async () => {
    const { id, first } = await newSumJob(5);
    await db
      .update(jobs)
      .set({ lockedUntil: Date.now() + JOB_LEASE_MS })
      .where(eq(jobs.id, id));
    const whileLeased = await deliver(first);
    expect(acked(whileLeased)).toBe(true);
    expect(whileLeased.sent).toEqual([]);
    expect(await jobRow(id)).toMatchObject({ done: 0, status: "queued", attempts: 0 });

    await db.update(jobs).set({ lockedUntil: null }).where(eq(jobs.id, id));
    const ran = await deliver(first);
    expect(ran.sent).toEqual([{ type: "job", jobId: id, chunk: 1 }]);
    // The chunk-0 message again (a redelivery whose ack was lost): acked, no work.
    const stale = await deliver(first);
    expect(acked(stale)).toBe(true);
    expect(stale.sent).toEqual([]);
    expect(await jobRow(id)).toMatchObject({ done: 3 });
    expect(await auditCount(id)).toBe(1);
  });

  it("rolls the whole chunk back when its lease was taken over meanwhile", async () => {
    const q = new FakeQueue();
    const { id } = await enqueueJob(db, q.asQueue(), {
      kind: "test_lease_stolen",
      params: {},
      createdBy: null,
    });
    const d = await deliver(q.take());
    expect(acked(d)).toBe(true);
    expect(await jobRow(id)).toMatchObject({ done: 0, status: "running" });
    expect(await auditCount(id, "test.stolen")).toBe(0);
  });

  it("fails jobs of an unknown kind or with invalid params", async () => {
    const [unknown] = await db
      .insert(jobs)
      .values({ kind: "gone_kind" as never, params: {} })
      .returning();
    const q = new FakeQueue();
    const { id: badParams } = await enqueueJob(db, q.asQueue(), {
      kind: "test_sum",
      params: { label: 42 } as never,
      createdBy: null,
    });
    await deliver([{ type: "job", jobId: unknown!.id }, ...q.take()]);
    expect(await apiJob(unknown!.id)).toMatchObject({
      status: "failed",
      error: "Unknown job kind: gone_kind",
    });
    expect((await apiJob(badParams)).error).toMatch(/^Invalid job params/);
  });

  it("acks and logs messages of unknown shape without failing the batch", async () => {
    const { id, first } = await newSumJob(2);
    const d = await deliver(["garbage", { type: "nope" }, { type: "job" }, null, ...first]);
    expect(d.ids.every((_, i) => acked(d, i))).toBe(true);
    expect(d.result.retryMessages).toEqual([]);
    expect(await jobRow(id)).toMatchObject({ status: "done", done: 2 });
  });

  it("keeps a full batch within the invocation's D1 budget, deferring what does not fit", async () => {
    const jobsInBatch = await Promise.all(Array.from({ length: 10 }, () => newSumJob(6)));
    const d = await deliver(jobsInBatch.flatMap((j) => j.first));
    // Every message is acked: run, or handed back as a fresh message (no retry used up).
    expect(d.ids.every((_, i) => acked(d, i))).toBe(true);
    expect(d.result.retryMessages).toEqual([]);
    const progressed = d.sent.filter((m) => m.type === "job" && m.chunk === 1).length;
    const deferred = d.sent.filter((m) => m.type === "job" && m.chunk === 0).length;
    expect(progressed).toBeGreaterThanOrEqual(2);
    expect(deferred).toBeGreaterThanOrEqual(1);
    expect(progressed + deferred).toBe(10);
    // The deferred ones run later, from their fresh messages.
    const later = await deliver(
      d.sent.filter((m) => m.type === "job" && m.chunk === 0).slice(0, 2),
    );
    expect(later.sent).toHaveLength(2);
  });
});

describe("requeueStuckJobs", () => {
  it("re-sends jobs that sat queued, or whose lease expired, once per interval", async () => {
    const unsent = new FakeQueue();
    unsent.failSends = true;
    const { id: queuedId } = await newSumJob(4, "lost", unsent);
    const { id: crashedId, first } = await newSumJob(4, "crashed");
    await deliver(first); // chunk 0 ran; now chunk 1 "crashes" holding its lease:
    const t0 = Date.now();
    await db
      .update(jobs)
      .set({ status: "running", lockedUntil: t0 - 1, attempts: 1, updatedAt: t0 })
      .where(eq(jobs.id, crashedId));

    const q = new FakeQueue();
    expect(await requeueStuckJobs(db, q.asQueue(), t0)).toEqual({ requeued: 0 });

    const later = t0 + JOB_STALE_MS + 1;
    const swept = await requeueStuckJobs(db, q.asQueue(), later);
    const sent = q.take();
    expect(sent).toEqual(
      expect.arrayContaining([
        { type: "job", jobId: queuedId, chunk: 0 },
        { type: "job", jobId: crashedId, chunk: 1 },
      ]),
    );
    expect(swept.requeued).toBe(sent.length);
    // Not again right away.
    expect(await requeueStuckJobs(db, q.asQueue(), later + 1000)).toEqual({ requeued: 0 });

    // The re-sent messages finish the jobs.
    for (const m of sent.filter(
      (s) => s.type === "job" && (s.jobId === queuedId || s.jobId === crashedId),
    )) {
      let pending: QueueMessage[] = [m];
      while (pending.length) pending = (await deliver(pending)).sent;
    }
    expect(await apiJob(queuedId)).toMatchObject({ status: "done", result: { sum: 10 } });
    expect(await apiJob(crashedId)).toMatchObject({ status: "done", done: 4, result: { sum: 10 } });
  });
});

describe("through the real queue", () => {
  it("a job sent to env.JOBS is consumed by the worker's queue handler until done", async () => {
    const { id } = await enqueueJob(db, env.JOBS, {
      kind: sumJob,
      params: { label: "real" },
      createdBy: null,
      items: Array.from({ length: 8 }, () => ({ n: 2 })),
    });
    let job: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      job = await apiJob(id);
      if (job.status === "done" || job.status === "failed") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job).toMatchObject({ status: "done", done: 8, total: 8, result: { sum: 16 } });
  });
});
