/**
 * A chunk's lease on its job: taken with one conditional UPDATE … RETURNING,
 * so a redelivered message cannot run a chunk twice at once, and released
 * only by the run that holds it (every release is fenced by locked_until).
 * @see ./runner.ts
 */
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { jobs } from "../db/schema";
import type { JsonObject } from "../db/schema/types";
import { log } from "../lib/log";
import type { JobMessage } from "./messages";
import type { JobRow } from "./read";

/** A chunk may run this long before another consumer may take it over. */
export const JOB_LEASE_MS = 5 * 60_000;

/** What jobs.state holds: the runner's chunk index around the handler's cursor. */
export interface RunnerState {
  chunk: number;
  cursor: JsonObject | null;
}

export function runnerState(raw: JsonObject | null): RunnerState {
  if (raw && typeof raw.chunk === "number") {
    const cursor = raw.cursor;
    return {
      chunk: raw.chunk,
      cursor: cursor && typeof cursor === "object" && !Array.isArray(cursor) ? cursor : null,
    };
  }
  return { chunk: 0, cursor: null };
}

/**
 * The job, now `running` and leased until `leaseUntil` with attempts + 1; or
 * undefined when the message has nothing to run: the job is unknown, done or
 * failed, another run holds the lease, or the message's chunk is not the
 * job's next one (a stale duplicate).
 */
export async function takeLease(
  db: Db,
  message: JobMessage,
  now: number,
  leaseUntil: number,
): Promise<JobRow | undefined> {
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
  return job;
}

/** Logs why a message could not take the lease (one more read, for the log only). */
export async function logSkippedMessage(db: Db, message: JobMessage, now: number): Promise<void> {
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
}

/** After a failed try: notes the error and frees the job for the retried message. */
export async function releaseLease(
  db: Db,
  jobId: string,
  leaseUntil: number,
  error: string,
): Promise<void> {
  await db
    .update(jobs)
    .set({ error, lockedUntil: null, updatedAt: Date.now() })
    .where(and(eq(jobs.id, jobId), eq(jobs.lockedUntil, leaseUntil)));
}

/** Whether a chunk's batch was rolled back by the lease fence (see commitChunk). */
export function isLeaseLost(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  return text.includes("job_counts_nonneg");
}
