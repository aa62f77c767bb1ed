/** Waves as admins see them: status and counts, newest first. */
import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobs, waves } from "../../db/schema";
import type { WaveStatus } from "../../db/schema/enums";
import { olderThanCursor, pageOf } from "../../lib/pagination";
import { iso } from "../../lib/wire";

export type WaveRow = typeof waves.$inferSelect;
/** A wave with its job's status (a job that failed for good leaves the wave `running`). */
export type WaveView = WaveRow & { jobStatus: string | null; jobError: string | null };

/** The wave columns plus its job's status, for a `.where(…)`. */
export function waveQuery(db: Db) {
  return db
    .select({ wave: waves, jobStatus: jobs.status, jobError: jobs.error })
    .from(waves)
    .leftJoin(jobs, eq(jobs.id, waves.jobId));
}

type WaveQueryRow = Awaited<ReturnType<ReturnType<typeof waveQuery>["where"]>>[number];
export const toView = (r: WaveQueryRow): WaveView => ({
  ...r.wave,
  jobStatus: r.jobStatus,
  jobError: r.jobError,
});

export async function findWave(db: Db, where: SQL): Promise<WaveView | undefined> {
  const [row] = await waveQuery(db).where(where).limit(1);
  return row ? toView(row) : undefined;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listWaves(
  db: Db,
  campaignId: string,
  q: { cursor?: string | undefined; limit: number },
) {
  const conditions = [
    eq(waves.campaignId, campaignId),
    olderThanCursor(waves.createdAt, waves.id, q.cursor),
  ];
  const rows = await waveQuery(db)
    .where(and(...conditions))
    .orderBy(desc(waves.createdAt), desc(waves.id))
    .limit(q.limit + 1);
  return pageOf(rows.map(toView), q.limit, (w) => ({ v: w.createdAt, id: w.id }));
}

export function waveStatus(w: WaveView): WaveStatus {
  if (w.status !== "done" && w.jobStatus === "failed") return "failed";
  return w.status;
}

export function waveToWire(w: WaveView) {
  return {
    id: w.id,
    campaign_id: w.campaignId,
    idempotency_key: w.idempotencyKey,
    source: w.source,
    schedule_id: w.scheduleId,
    requested_count: w.requestedCount,
    invited_count: w.invitedCount,
    status: waveStatus(w),
    job_id: w.jobId,
    error: w.error ?? (w.jobStatus === "failed" ? w.jobError : null),
    created_at: iso(w.createdAt),
    finished_at: iso(w.finishedAt),
  };
}
