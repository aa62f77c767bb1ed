/**
 * The cron side of the runner: re-sends the messages of stranded jobs.
 * @see ./runner.ts
 */
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { jobs } from "../db/schema";
import { log } from "../lib/log";
import { runnerState } from "./lease";
import type { JobsQueue } from "./messages";

/** A queued job, or a running one with no lease and no progress, is re-sent after this. */
export const JOB_STALE_MS = 10 * 60_000;
/** A job whose lease expired is re-sent when it has not been touched for this long. */
export const JOB_RESEND_INTERVAL_MS = 2 * 60_000;
/** Jobs re-sent per sweep. */
const SWEEP_LIMIT = 50;

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
