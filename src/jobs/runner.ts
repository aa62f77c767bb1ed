import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { jobItems, jobs } from "../db/schema";
import { newId } from "../db/schema/columns";
import type { JobKind } from "../db/schema/enums";
import type { JsonObject } from "../db/schema/types";
import { isAppError } from "../lib/errors";
import { log } from "../lib/log";
import type { JobMessage, JobsQueue } from "./messages";
import {
  DEFAULT_MAX_ATTEMPTS,
  getJobHandler,
  type JobDefinition,
  type JobKindName,
  type JobView,
  type StagedItem,
} from "./registry";

/**
 * The job runner: one queue message runs ONE chunk of one job.
 *
 *   enqueueJob ──► jobs row (queued) + staged job_items ──► message {job, chunk 0}
 *   consumer:  take the lease (conditional UPDATE … RETURNING)
 *              → run the handler on the next chunk
 *              → ONE batch: progress (fenced by the lease) + the chunk's writes
 *              → message {job, chunk n+1}, or status done
 *   a throw:   attempts+1, error noted, lease released, msg.retry(backoff);
 *              at maxAttempts the job is failed (error visible) and the message acked.
 *   the cron:  requeueStuckJobs re-sends messages for jobs that sat queued, or
 *              whose lease expired / whose chain went quiet (a lost message).
 *
 * Safety properties:
 * - A redelivered message cannot run a chunk twice at once: the lease is taken
 *   with `WHERE locked_until IS NULL OR locked_until < now`.
 * - A stale message (its chunk already ran) is acked without work: the
 *   message's chunk index must match the job's (kept in jobs.state).
 * - A chunk whose lease expired and was taken over cannot commit: the progress
 *   update sets `done = -1` unless locked_until is still this run's value, which
 *   the `job_counts_nonneg` CHECK turns into a rollback of the whole batch.
 * - Progress and the chunk's statements commit together, so a retried chunk is
 *   never double-counted.
 * @see ../../shared/DOMAIN.md "Jobs"
 */

/** A chunk may run this long before another consumer may take it over. */
export const JOB_LEASE_MS = 5 * 60_000;
/** A queued job, or a running one with no lease and no progress, is re-sent after this. */
export const JOB_STALE_MS = 10 * 60_000;
/** A job whose lease expired is re-sent when it has not been touched for this long. */
export const JOB_RESEND_INTERVAL_MS = 2 * 60_000;
/** Queries the runner itself spends on a chunk (lease, items, progress, item marks, cleanup). */
export const RUNNER_QUERIES_PER_CHUNK = 6;
/** Jobs re-sent per sweep. */
const SWEEP_LIMIT = 50;
/** Bytes of staged-items JSON per INSERT statement (D1: 100 KB per statement). */
const STAGE_BYTES_PER_STATEMENT = 90_000;
const MAX_ERROR_CHARS = 500;

/** What jobs.state holds: the runner's chunk index around the handler's cursor. */
interface RunnerState {
  chunk: number;
  cursor: JsonObject | null;
}

function runnerState(raw: JsonObject | null): RunnerState {
  if (raw && typeof raw.chunk === "number") {
    const cursor = raw.cursor;
    return {
      chunk: raw.chunk,
      cursor: cursor && typeof cursor === "object" && !Array.isArray(cursor) ? cursor : null,
    };
  }
  return { chunk: 0, cursor: null };
}

/** A message the handler wants an admin to read (stored as jobs.error / job_items.error). */
export class JobError extends Error {
  override name = "JobError";
}

/** A database error (drizzle wraps D1's in DrizzleQueryError, whose message holds the SQL and params). */
function isDbError(err: Error): boolean {
  return err.name === "DrizzleQueryError" || /^Failed query|D1_|SQLITE/i.test(err.message);
}

/** The text stored as jobs.error: readable for expected failures, no SQL or internals otherwise. */
export function describeJobError(err: unknown): string {
  let text: string;
  if (err instanceof JobError) text = err.message;
  else if (isAppError(err)) text = err.detail ?? err.message;
  else if (err instanceof Error && isDbError(err)) text = "Database error";
  else if (err instanceof Error) text = `${err.name}: ${err.message}`;
  else text = "Unknown error";
  return text.slice(0, MAX_ERROR_CHARS);
}

/** For logs: the error without bound parameters (they may hold emails). */
export function errorForLog(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_ERROR_CHARS);
  if (err.name === "DrizzleQueryError" && err.cause instanceof Error) {
    return `${err.cause.name}: ${err.cause.message}`.slice(0, 1000);
  }
  return `${err.name}: ${err.message}`.slice(0, 1000);
}

/** Queue retry delay after the n-th failed try of a chunk: 5 s, 10 s, 20 s, … ≤ 5 min. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempt - 1));
}

// ---------------------------------------------------------------- enqueue

export interface EnqueueJobInput<P extends JsonObject = JsonObject> {
  kind: JobKindName | JobDefinition<P>;
  campaignId?: string | null;
  params: P;
  /** Units of work, for progress; defaults to items.length when items are staged. */
  total?: number | null;
  /** Who started it (member / API key id), or null for the system. */
  createdBy: string | null;
  /** Input staged as job_items (seq 0…n-1), for kinds with `stagedItems`. */
  items?: JsonObject[];
  /**
   * More writes committed in the same batch as the job row (an audit entry, a
   * wave or broadcast row pointing at the job…). Given the new job id.
   */
  with?: (jobId: string) => BatchItem<"sqlite">[];
}

/**
 * Creates a job and sends its first message. The job row, its staged items
 * and the caller's statements commit atomically; the message is sent after.
 * If sending fails the job stays `queued` and the cron sweeper sends it, so
 * the caller can report the job as accepted either way.
 */
export async function enqueueJob<P extends JsonObject>(
  db: Db,
  queue: JobsQueue,
  input: EnqueueJobInput<P>,
): Promise<{ id: string; sent: boolean }> {
  const kind = typeof input.kind === "string" ? input.kind : input.kind.kind;
  if (!getJobHandler(kind)) throw new Error(`enqueueJob: unknown job kind ${kind}`);
  const id = newId("job");
  const now = Date.now();
  const items = input.items ?? [];
  const insertJob = db.insert(jobs).values({
    id,
    kind: kind as JobKind,
    campaignId: input.campaignId ?? null,
    status: "queued",
    params: input.params,
    state: { chunk: 0, cursor: null },
    total: input.total ?? (input.items ? items.length : null),
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
  });
  await db.batch([insertJob, ...stageItems(db, id, items), ...(input.with?.(id) ?? [])]);
  let sent = true;
  try {
    await queue.send({ type: "job", jobId: id, chunk: 0 });
  } catch (err) {
    sent = false;
    log("warn", "job message not sent; the sweeper will send it", {
      job_id: id,
      kind,
      error: errorForLog(err),
    });
  }
  return { id, sent };
}

/**
 * INSERTs of staged items, each carrying many rows in ONE bound JSON parameter
 * (expanded by json_each), so a thousand rows cost a few statements and three
 * parameters each instead of tripping the 100-parameter limit.
 */
export function stageItems(db: Db, jobId: string, items: JsonObject[], firstSeq = 0) {
  const statements: BatchItem<"sqlite">[] = [];
  let group: string[] = [];
  let bytes = 0;
  let start = firstSeq;
  const flush = () => {
    if (!group.length) return;
    // All columns, in table order (drizzle lists them all for INSERT … SELECT).
    statements.push(
      db
        .insert(jobItems)
        .select(
          sql`SELECT ${jobId}, ${start} + key, value, 'pending', NULL FROM json_each(${`[${group.join(",")}]`})`,
        ),
    );
    start += group.length;
    group = [];
    bytes = 0;
  };
  for (const item of items) {
    const text = JSON.stringify(item);
    if (bytes + text.length > STAGE_BYTES_PER_STATEMENT) flush();
    group.push(text);
    bytes += text.length + 1;
  }
  flush();
  return statements;
}

// ---------------------------------------------------------------- consume

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

function isLeaseLost(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return text.includes("job_counts_nonneg");
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
  const [job] = await db
    .update(jobs)
    .set({
      status: "running",
      lockedUntil: leaseUntil,
      attempts: sql`${jobs.attempts} + 1`,
      startedAt: sql`coalesce(${jobs.startedAt}, ${now})`,
      updatedAt: now,
    })
    .where(
      and(
        eq(jobs.id, message.jobId),
        inArray(jobs.status, ["queued", "running"]),
        or(isNull(jobs.lockedUntil), lt(jobs.lockedUntil, now)),
        message.chunk === undefined
          ? undefined
          : sql`coalesce(json_extract(${jobs.state}, '$.chunk'), 0) = ${message.chunk}`,
      ),
    )
    .returning();

  if (!job) {
    const [current] = await db
      .select({ status: jobs.status, lockedUntil: jobs.lockedUntil, state: jobs.state })
      .from(jobs)
      .where(eq(jobs.id, message.jobId));
    log("info", "job message skipped", {
      job_id: message.jobId,
      chunk: message.chunk,
      reason: !current
        ? "no such job"
        : current.status === "done" || current.status === "failed"
          ? `job ${current.status}`
          : current.lockedUntil !== null && current.lockedUntil >= now
            ? "leased by another run"
            : "stale message",
      job_chunk: current ? runnerState(current.state).chunk : undefined,
    });
    return ack("skipped");
  }

  const state = runnerState(job.state);
  const fail = async (error: string): Promise<ChunkRunResult> => {
    await db.batch([
      db
        .update(jobs)
        .set({ status: "failed", error, lockedUntil: null, finishedAt: Date.now() })
        .where(and(eq(jobs.id, job.id), eq(jobs.lockedUntil, leaseUntil))),
      db.delete(jobItems).where(eq(jobItems.jobId, job.id)),
    ]);
    log("warn", "job failed", { job_id: job.id, kind: job.kind, chunk: state.chunk, error });
    return ack("failed");
  };

  const handler = getJobHandler(job.kind);
  if (!handler) return fail(`Unknown job kind: ${job.kind}`);
  const maxAttempts = handler.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (job.attempts > maxAttempts) {
    // Earlier tries of this chunk died without recording a result (e.g. the
    // invocation hit a limit); attempts counts them because the lease does.
    return fail(
      `Chunk ${state.chunk} did not complete after ${maxAttempts} attempts${job.error ? `: ${job.error}` : ""}`,
    );
  }
  let params: JsonObject = job.params;
  if (handler.params) {
    const parsed = handler.params.safeParse(job.params);
    if (!parsed.success) {
      return fail(`Invalid job params: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    }
    params = parsed.data;
  }

  try {
    let items: StagedItem[] = [];
    let hasMore = false;
    if (handler.stagedItems) {
      const rows = await db
        .select({ seq: jobItems.seq, payload: jobItems.payload })
        .from(jobItems)
        .where(and(eq(jobItems.jobId, job.id), eq(jobItems.status, "pending")))
        .orderBy(jobItems.seq)
        .limit(handler.chunkSize + 1);
      hasMore = rows.length > handler.chunkSize;
      items = rows.slice(0, handler.chunkSize);
    }
    const view: JobView = {
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
    const outcome = await handler.run(db, env, view, {
      index: state.chunk,
      size: handler.chunkSize,
      items,
      hasMore,
      attempt: job.attempts,
    });
    for (const n of [outcome.done, outcome.failed]) {
      if (!Number.isInteger(n) || n < 0) {
        throw new Error(
          `handler returned invalid counts (done ${outcome.done}, failed ${outcome.failed})`,
        );
      }
    }

    const finished = outcome.nextState === null;
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

    if (finished) {
      log("info", "job finished", { job_id: job.id, kind: job.kind, chunks: state.chunk + 1 });
      return ack("finished");
    }
    try {
      await queue.send({ type: "job", jobId: job.id, chunk: state.chunk + 1 });
    } catch (err) {
      // Committed; the sweeper re-sends when the chain goes quiet.
      log("warn", "next job message not sent; the sweeper will send it", {
        job_id: job.id,
        error: errorForLog(err),
      });
    }
    return ack("progressed");
  } catch (err) {
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
    if (job.attempts >= maxAttempts) return fail(error);
    await db
      .update(jobs)
      .set({ error, lockedUntil: null, updatedAt: Date.now() })
      .where(and(eq(jobs.id, job.id), eq(jobs.lockedUntil, leaseUntil)));
    return { status: "retrying", ack: false, retryDelaySeconds: retryDelaySeconds(job.attempts) };
  }
}

/** Marks the chunk's staged items done / failed, or deletes them all when the job ends. */
function markItems(
  db: Db,
  jobId: string,
  items: StagedItem[],
  failedItems: { seq: number; error: string }[],
  finished: boolean,
): BatchItem<"sqlite">[] {
  // A finished job's items go (they may hold personal data).
  if (finished) return [db.delete(jobItems).where(eq(jobItems.jobId, jobId))];
  const out: BatchItem<"sqlite">[] = [];
  const failedSeqs = new Set(failedItems.map((f) => f.seq));
  const doneSeqs = items.map((i) => i.seq).filter((s) => !failedSeqs.has(s));
  // Seqs travel as one JSON parameter (json_each), so a chunk of any size is one statement.
  if (doneSeqs.length) {
    out.push(
      db
        .update(jobItems)
        .set({ status: "done" })
        .where(
          and(
            eq(jobItems.jobId, jobId),
            eq(jobItems.status, "pending"),
            sql`${jobItems.seq} IN (SELECT value FROM json_each(${JSON.stringify(doneSeqs)}))`,
          ),
        ),
    );
  }
  if (failedItems.length) {
    const errors: Record<string, string> = {};
    for (const f of failedItems) errors[String(f.seq)] = f.error.slice(0, MAX_ERROR_CHARS);
    const json = JSON.stringify(errors);
    out.push(
      db
        .update(jobItems)
        .set({
          status: "failed",
          error: sql`json_extract(${json}, '$."' || ${jobItems.seq} || '"')`,
        })
        .where(
          and(
            eq(jobItems.jobId, jobId),
            sql`${jobItems.seq} IN (SELECT CAST(key AS INTEGER) FROM json_each(${json}))`,
          ),
        ),
    );
  }
  return out;
}

// ---------------------------------------------------------------- sweeper

/**
 * Cron task: re-sends the message of every job that would otherwise be
 * stranded — queued but never picked up, running with an expired lease (the
 * consumer died mid-chunk), or running with no lease and no progress for a
 * while (the next message was lost). Touches updated_at so a job is re-sent at
 * most every few minutes; duplicates are harmless (stale ones are acked).
 */
export async function requeueStuckJobs(
  db: Db,
  queue: JobsQueue,
  now: number,
): Promise<{ requeued: number }> {
  const stuck = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      or(
        and(eq(jobs.status, "queued"), lt(jobs.updatedAt, now - JOB_STALE_MS)),
        and(
          eq(jobs.status, "running"),
          or(
            and(isNull(jobs.lockedUntil), lt(jobs.updatedAt, now - JOB_STALE_MS)),
            and(lt(jobs.lockedUntil, now), lt(jobs.updatedAt, now - JOB_RESEND_INTERVAL_MS)),
          ),
        ),
      ),
    )
    .orderBy(jobs.updatedAt)
    .limit(SWEEP_LIMIT);
  const rows = await db
    .update(jobs)
    .set({ updatedAt: now })
    .where(inArray(jobs.id, stuck))
    .returning({ id: jobs.id, state: jobs.state });
  if (!rows.length) return { requeued: 0 };
  await queue.sendBatch(
    rows.map((r) => ({
      body: { type: "job" as const, jobId: r.id, chunk: runnerState(r.state).chunk },
    })),
  );
  log("warn", "stuck jobs re-sent", { count: rows.length, job_ids: rows.map((r) => r.id) });
  return { requeued: rows.length };
}

// ---------------------------------------------------------------- read

export type JobRow = typeof jobs.$inferSelect;

export async function getJob(db: Db, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

/** 0…1: (done + failed) / total, or 1 once done when the total is unknown. */
export function jobProgress(job: Pick<JobRow, "status" | "total" | "done" | "failed">): number {
  if (job.status === "done") return 1;
  if (!job.total || job.total <= 0) return 0;
  return Math.min(1, (job.done + job.failed) / job.total);
}
