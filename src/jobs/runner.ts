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
 *
 * Where: chunk.ts (runJobChunk), lease.ts (take / release the lease),
 * enqueue.ts (enqueueJob), items.ts (staged job_items), sweep.ts (the cron
 * re-send), job-errors.ts (error texts, retry delay), read.ts (admin reads).
 * This module is the one callers import from.
 * @see ../../shared/DOMAIN.md "Jobs"
 */

export {
  type ChunkRunResult,
  type ChunkRunStatus,
  RUNNER_QUERIES_PER_CHUNK,
  runJobChunk,
} from "./chunk";
export { type EnqueueJobInput, enqueueJob } from "./enqueue";
export { stageItems } from "./items";
export { describeJobError, errorForLog, JobError, retryDelaySeconds } from "./job-errors";
export { JOB_LEASE_MS } from "./lease";
export { getJob, type JobRow, jobProgress } from "./read";
export { JOB_RESEND_INTERVAL_MS, JOB_STALE_MS, requeueStuckJobs } from "./sweep";
