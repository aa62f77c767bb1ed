/**
 * Reading a job back, for the admin API.
 * @see ./runner.ts
 */
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { jobs } from "../db/schema";

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
