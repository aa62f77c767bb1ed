/**
 * Running one chunk of a job for one `{ type: "job" }` queue message: take
 * the lease, check the handler and params, run the handler on the next
 * chunk, commit its progress and writes in ONE batch, send the next message.
 * @see ./runner.ts
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { jobItems, jobs } from "../db/schema";
import type { JsonObject } from "../db/schema/types";
import { log } from "../lib/log";
import { markItems } from "./items";
import { describeJobError, errorForLog, retryDelaySeconds } from "./job-errors";
import {
  isLeaseLost,
  JOB_LEASE_MS,
  logSkippedMessage,
  type RunnerState,
  releaseLease,
  runnerState,
  takeLease,
} from "./lease";
import type { JobMessage, JobsQueue } from "./messages";
import type { JobRow } from "./read";
import {
  type ChunkOutcome,
  DEFAULT_MAX_ATTEMPTS,
  getJobHandler,
  type JobHandler,
  type JobView,
  type StagedItem,
} from "./registry";

/** Queries the runner itself spends on a chunk (lease, items, progress, item marks, cleanup). */
export const RUNNER_QUERIES_PER_CHUNK = 6;

export type ChunkRunStatus =
  /** A chunk ran; another message was sent for the next. */
  | "progressed"
  /** The last chunk ran; the job is done. */
  | "finished"
  /** The chunk threw; the message is retried later. */
  | "retrying"
  /** The job is failed for good (max attempts, unknown kind, bad params). */
  | "failed"
  /** Nothing to do: job done/failed/unknown, leased by another run, or a stale message. */
  | "skipped"
  /** Another run took the lease over while this one worked; its writes were rolled back. */
  | "lease_lost";

export interface ChunkRunResult {
  status: ChunkRunStatus;
  /** What to do with the message. */
  ack: boolean;
  retryDelaySeconds?: number;
}

const ack = (status: ChunkRunStatus): ChunkRunResult => ({ status, ack: true });

/** A job this run holds the lease on, until `leaseUntil`. */
interface LeasedRun {
  db: Db;
  job: JobRow;
  state: RunnerState;
  leaseUntil: number;
}

/** The job's handler, its attempt limit and the validated params. */
interface Runnable {
  handler: JobHandler;
  maxAttempts: number;
  params: JsonObject;
}

/**
 * Runs one chunk for a `{ type: "job" }` message. Never throws for problems
 * of the job itself (those are recorded on the job); only when D1 fails while
 * recording, in which case the dispatcher retries the message.
 */
export async function runJobChunk(
  db: Db,
  env: Env,
  queue: JobsQueue,
  message: JobMessage,
): Promise<ChunkRunResult> {
  const now = Date.now();
  const leaseUntil = now + JOB_LEASE_MS;
  const job = await takeLease(db, message, now, leaseUntil);
  if (!job) {
    await logSkippedMessage(db, message, now);
    return ack("skipped");
  }

  const run: LeasedRun = { db, job, state: runnerState(job.state), leaseUntil };
  const checked = checkRunnable(run);
  if (!checked.ok) return failJob(run, checked.error);
  try {
    return await runChunk(run, env, queue, checked.runnable);
  } catch (err) {
    return handleChunkError(run, checked.runnable.maxAttempts, err);
  }
}

/** The handler and params to run with, or why the job fails for good. */
function checkRunnable({
  job,
  state,
}: LeasedRun): { ok: true; runnable: Runnable } | { ok: false; error: string } {
  const handler = getJobHandler(job.kind);
  if (!handler) return { ok: false, error: `Unknown job kind: ${job.kind}` };
  const maxAttempts = handler.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (job.attempts > maxAttempts) {
    // Earlier tries of this chunk died without recording a result (e.g. the
    // invocation hit a limit); attempts counts them because the lease does.
    return {
      ok: false,
      error: `Chunk ${state.chunk} did not complete after ${maxAttempts} attempts${job.error ? `: ${job.error}` : ""}`,
    };
  }
  let params: JsonObject = job.params;
  if (handler.params) {
    const parsed = handler.params.safeParse(job.params);
    if (!parsed.success) {
      return {
        ok: false,
        error: `Invalid job params: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
      };
    }
    params = parsed.data;
  }
  return { ok: true, runnable: { handler, maxAttempts, params } };
}

/** Fails the job for good (error visible) and drops its staged items, fenced by the lease. */
async function failJob({ db, job, state, leaseUntil }: LeasedRun, error: string) {
  await db.batch([
    db
      .update(jobs)
      .set({ status: "failed", error, lockedUntil: null, finishedAt: Date.now() })
      .where(and(eq(jobs.id, job.id), eq(jobs.lockedUntil, leaseUntil))),
    db.delete(jobItems).where(eq(jobItems.jobId, job.id)),
  ]);
  log("warn", "job failed", { job_id: job.id, kind: job.kind, chunk: state.chunk, error });
  return ack("failed");
}

/** Runs the handler on the next chunk, commits it, and chains the next message. */
async function runChunk(
  run: LeasedRun,
  env: Env,
  queue: JobsQueue,
  { handler, params }: Runnable,
): Promise<ChunkRunResult> {
  const { db, job, state } = run;
  const { items, hasMore } = await loadChunkItems(db, job.id, handler);
  const outcome = await handler.run(db, env, jobView(job, params, state), {
    index: state.chunk,
    size: handler.chunkSize,
    items,
    hasMore,
    attempt: job.attempts,
  });
  assertValidCounts(outcome);

  const finished = outcome.nextState === null;
  await commitChunk(run, items, outcome, finished);
  if (finished) {
    log("info", "job finished", { job_id: job.id, kind: job.kind, chunks: state.chunk + 1 });
    return ack("finished");
  }
  await sendNextMessage(queue, job.id, state.chunk + 1);
  return ack("progressed");
}

/** With `stagedItems`: the next ≤ chunkSize pending items, and whether more remain. */
async function loadChunkItems(
  db: Db,
  jobId: string,
  handler: JobHandler,
): Promise<{ items: StagedItem[]; hasMore: boolean }> {
  if (!handler.stagedItems) return { items: [], hasMore: false };
  const rows = await db
    .select({ seq: jobItems.seq, payload: jobItems.payload })
    .from(jobItems)
    .where(and(eq(jobItems.jobId, jobId), eq(jobItems.status, "pending")))
    .orderBy(jobItems.seq)
    .limit(handler.chunkSize + 1);
  return { items: rows.slice(0, handler.chunkSize), hasMore: rows.length > handler.chunkSize };
}

/** The job as the handler sees it: its own cursor, not the runner's state. */
function jobView(job: JobRow, params: JsonObject, state: RunnerState): JobView {
  return {
    id: job.id,
    kind: job.kind,
    campaignId: job.campaignId,
    params,
    state: state.cursor,
    total: job.total,
    done: job.done,
    failed: job.failed,
    createdBy: job.createdBy,
    createdAt: job.createdAt,
  };
}

function assertValidCounts(outcome: ChunkOutcome): void {
  for (const n of [outcome.done, outcome.failed]) {
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(
        `handler returned invalid counts (done ${outcome.done}, failed ${outcome.failed})`,
      );
    }
  }
}

/** ONE batch: the progress update (fenced by the lease), the chunk's writes, the item marks. */
async function commitChunk(
  { db, job, state, leaseUntil }: LeasedRun,
  items: StagedItem[],
  outcome: ChunkOutcome,
  finished: boolean,
): Promise<void> {
  const at = Date.now();
  const progress = db
    .update(jobs)
    .set({
      // The fence: unless this run still holds the lease, -1 violates the
      // job_counts_nonneg CHECK and the whole batch (the chunk's writes too) rolls back.
      done: sql`CASE WHEN ${jobs.lockedUntil} = ${leaseUntil} THEN ${jobs.done} + ${outcome.done} ELSE -1 END`,
      failed: sql`${jobs.failed} + ${outcome.failed}`,
      state: { chunk: state.chunk + 1, cursor: outcome.nextState },
      attempts: 0,
      error: null,
      lockedUntil: null,
      updatedAt: at,
      ...(outcome.total !== undefined ? { total: outcome.total } : {}),
      ...(outcome.result !== undefined ? { result: outcome.result } : {}),
      ...(finished ? { status: "done" as const, finishedAt: at } : {}),
    })
    .where(eq(jobs.id, job.id));
  await db.batch([
    progress,
    ...(outcome.statements ?? []),
    ...markItems(db, job.id, items, outcome.failedItems ?? [], finished),
  ]);
}

async function sendNextMessage(queue: JobsQueue, jobId: string, chunk: number): Promise<void> {
  try {
    await queue.send({ type: "job", jobId, chunk });
  } catch (err) {
    // Committed; the sweeper re-sends when the chain goes quiet.
    log("warn", "next job message not sent; the sweeper will send it", {
      job_id: jobId,
      error: errorForLog(err),
    });
  }
}

/**
 * A chunk threw: a lost lease is acked (the batch rolled back, the new holder
 * goes on); otherwise the error is noted and the message retried with
 * backoff, or the job failed once its attempts are used up.
 */
async function handleChunkError(
  run: LeasedRun,
  maxAttempts: number,
  err: unknown,
): Promise<ChunkRunResult> {
  const { db, job, state, leaseUntil } = run;
  if (isLeaseLost(err)) {
    log("warn", "job lease lost; chunk rolled back", { job_id: job.id, chunk: state.chunk });
    return ack("lease_lost");
  }
  const error = `Chunk ${state.chunk}, attempt ${job.attempts}: ${describeJobError(err)}`;
  log("error", "job chunk failed", {
    job_id: job.id,
    kind: job.kind,
    chunk: state.chunk,
    attempt: job.attempts,
    error: errorForLog(err),
  });
  if (job.attempts >= maxAttempts) return failJob(run, error);
  await releaseLease(db, job.id, leaseUntil, error);
  return { status: "retrying", ack: false, retryDelaySeconds: retryDelaySeconds(job.attempts) };
}
