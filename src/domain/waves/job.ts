/**
 * The `wave` job: a large wave invites in chunks, one queue message each.
 * A chunk reads the wave (how many are still to invite) and the next people
 * in line, derives their codes, and returns the invite statements, which the
 * runner commits in ONE batch with the chunk's progress: a chunk happens
 * whole or not at all, a redelivered message for a chunk that already ran is
 * acked as stale, and the statements themselves are guarded (./invite.ts),
 * so nobody is invited twice however the queue behaves.
 * @see ../../jobs/runner.ts
 */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { loadSettings } from "../../config";
import type { Db } from "../../db/client";
import { campaigns, waves } from "../../db/schema";
import { kickOutbox } from "../../email/outbox";
import { type ChunkOutcome, registerJobKind } from "../../jobs/registry";
import { JobError } from "../../jobs/runner";
import type { Stmt } from "../campaigns/statements";
import { nextInLine } from "./eligibility";
import { inviteStatementCount, inviteStatements } from "./invite";

/**
 * People per chunk. Large, because the local queue delivers a chain's next
 * message after its batch timeout (1 s): 10,000 invitations are 4 chunks.
 * Per chunk: 5,000 HMACs and ~20 statements of ≤ 90 KB each.
 */
export const WAVE_CHUNK = 2500;
/** Campaign statuses in which waves may invite (codes work once presale opens). */
export const WAVE_STATUSES = ["waitlist", "presale"] as const;
export const waveAllowed = (status: string) =>
  (WAVE_STATUSES as readonly string[]).includes(status);

/** Syncs invited_count with the members written so far; ends the wave when `done`. */
export function waveProgress(db: Db, waveId: string, now: number, done: boolean, error?: string) {
  return db
    .update(waves)
    .set({
      invitedCount: sql`(SELECT count(*) FROM wave_members m WHERE m.wave_id = ${waveId})`,
      status: error ? "failed" : done ? "done" : "running",
      ...(error ? { error } : {}),
      ...(done || error ? { finishedAt: now } : {}),
    })
    .where(eq(waves.id, waveId))
    .returning();
}

const paramsSchema = z.object({ waveId: z.string().min(1).max(64) });
export type WaveJobParams = z.infer<typeof paramsSchema>;

export const waveJob = registerJobKind<WaveJobParams>("wave", {
  chunkSize: WAVE_CHUNK,
  // The wave and the people in line, the invite statements, the progress update.
  maxQueries: 2 + inviteStatementCount(WAVE_CHUNK, true) + 1,
  params: paramsSchema,
  async run(db, env, job, chunk): Promise<ChunkOutcome> {
    const { waveId } = job.params;
    const [row] = await db
      .select({
        campaignId: waves.campaignId,
        requested: waves.requestedCount,
        invited: waves.invitedCount,
        campaignStatus: campaigns.status,
      })
      .from(waves)
      .innerJoin(campaigns, eq(campaigns.id, waves.campaignId))
      .where(eq(waves.id, waveId));
    if (!row) throw new JobError("The wave no longer exists");
    const now = Date.now();
    if (!waveAllowed(row.campaignStatus)) {
      const error = `The campaign is ${row.campaignStatus}: the wave stopped after ${row.invited} invitations`;
      return {
        done: 0,
        failed: 0,
        nextState: null,
        total: job.done,
        statements: [waveProgress(db, waveId, now, true, error)],
        result: { wave_id: waveId, stopped: row.campaignStatus },
      };
    }
    const remaining = Math.max(0, row.requested - row.invited);
    const take = Math.min(chunk.size, remaining);
    const ids = await nextInLine(db, row.campaignId, take);
    // The line ran out, or this chunk completes the wave.
    const last = ids.length < take || ids.length >= remaining;
    const statements: Stmt[] = [
      ...(await inviteStatements(db, loadSettings(env).TOKEN_SECRET, {
        campaignId: row.campaignId,
        waveId,
        signupIds: ids,
        firstPosition: row.invited + 1,
        createdBy: "system:wave",
        now,
      })),
      waveProgress(db, waveId, now, last),
    ];
    // Delayed past this chunk's commit; the cron sweep is the safety net.
    if (ids.length) await kickOutbox(env, { delaySeconds: 5 });
    const selected = job.done + ids.length;
    return {
      done: ids.length,
      failed: 0,
      nextState: last ? null : { selected },
      ...(last ? { total: selected } : {}),
      statements,
      result: { wave_id: waveId, selected, line_ran_out: last && ids.length < take },
    };
  },
});
