/**
 * Starting a wave: "invite the next N people by position", idempotent by key.
 *
 * - The same key again returns the wave it made (another count under the same
 *   key is a 422), and the wave row is written in the SAME batch as its first
 *   effects, with a unique index on (campaign, key): two requests racing with
 *   one key cannot both start a wave; the loser's batch rolls back whole and
 *   it answers with the winner's wave.
 * - Small waves run inline: one read for the people, one batch for the
 *   invites (within D1's per-request limits). Larger ones, and every wave the
 *   cron starts, run as a `wave` job (./job.ts) whose row, wave row and audit
 *   row commit together.
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campaigns, newId, waves } from "../../db/schema";
import type { WaveSource } from "../../db/schema/enums";
import type { JobsQueue } from "../../jobs/messages";
import { enqueueJob } from "../../jobs/runner";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { abortUnless, STALE_GUARD_CHECK, type Stmt } from "../campaigns/statements";
import { errorText } from "../db-errors";
import { nextInLine } from "./eligibility";
import { inviteStatements } from "./invite";
import { WAVE_STATUSES, waveAllowed, waveJob, waveProgress } from "./job";
import { findWave, type WaveRow, type WaveView } from "./read";

/** Waves up to this size run in the request (≈ 4 groups of statements, 400 HMACs). */
export const INLINE_WAVE_MAX = 200;
export const MAX_WAVE_COUNT = 100_000;

export interface StartWaveInput {
  campaignId: string;
  count: number;
  idempotencyKey: string;
  source?: WaveSource;
  scheduleId?: string | null;
  /** waves.created_by: an actor string, e.g. `api_key:key_…`, `system:schedule`. */
  createdBy: string | null;
  /** jobs.created_by: the member or API key id, null for the bootstrap token and the system. */
  jobCreatedBy: string | null;
  /** Always as a job (the cron shares one invocation's D1 budget among its tasks). */
  forceJob?: boolean;
  /** More statements for the batch that creates the wave (a schedule's guard and advance). */
  with?: Stmt[];
}

export interface StartWaveResult {
  wave: WaveView;
  /** `replayed`: the key's existing wave; `done`: ran inline; `queued`: a job runs it. */
  outcome: "replayed" | "done" | "queued";
}

export interface WaveDeps {
  queue: JobsQueue;
  secret: string;
}

const keyConflict = (e: unknown) =>
  /UNIQUE constraint failed:[^|]*waves\.idempotency_key/i.test(errorText(e));

const byKey = (campaignId: string, key: string) =>
  and(eq(waves.campaignId, campaignId), eq(waves.idempotencyKey, key)) as SQL;

function replay(existing: WaveView, count: number): StartWaveResult {
  if (existing.requestedCount !== count) {
    throw new AppError("idempotency_key_reused", {
      detail: `This key already started a wave of ${existing.requestedCount}; use a new key for another wave`,
    });
  }
  return { wave: existing, outcome: "replayed" };
}

const closed = (status: string) =>
  new AppError("campaign_closed", {
    detail: `Waves can be sent while the campaign is ${WAVE_STATUSES.join(" or ")}; it is ${status}`,
  });

export async function startWave(
  db: Db,
  deps: WaveDeps,
  audit: AuditContext,
  input: StartWaveInput,
  now: number,
): Promise<StartWaveResult> {
  const { campaignId, count, idempotencyKey } = input;
  const [campaign] = await db
    .select({ status: campaigns.status })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!campaign) throw notFound("Campaign");
  const existing = await findWave(db, byKey(campaignId, idempotencyKey));
  if (existing) return replay(existing, count);
  if (!waveAllowed(campaign.status)) throw closed(campaign.status);

  const id = newId("wav");
  const inline = !input.forceJob && count <= INLINE_WAVE_MAX;
  const row = {
    id,
    campaignId,
    idempotencyKey,
    source: input.source ?? "manual",
    scheduleId: input.scheduleId ?? null,
    requestedCount: count,
    createdBy: input.createdBy,
    createdAt: now,
  } as const;
  const auditRow = (jobId: string | null) =>
    auditInsert(db, audit, {
      action: "wave.create",
      targetType: "wave",
      targetId: id,
      campaignId,
      changes: {
        count,
        source: row.source,
        schedule_id: row.scheduleId,
        idempotency_key: idempotencyKey,
        job_id: jobId,
      },
    });

  try {
    if (inline) {
      const invites = await inviteStatements(db, deps.secret, {
        campaignId,
        waveId: id,
        signupIds: await nextInLine(db, campaignId, count),
        createdBy: "system:wave",
        now,
      });
      const results = await db.batch([
        // The campaign may have closed since the read: then nothing happens.
        abortUnless(db, campaignId, sql`status IN ('waitlist', 'presale')`),
        db.insert(waves).values({ ...row, status: "running" }),
        ...invites,
        waveProgress(db, id, now, true),
        auditRow(null),
        ...(input.with ?? []),
      ]);
      const [done] = results[2 + invites.length] as WaveRow[];
      if (!done) throw new Error("the wave row is missing after its batch");
      const wave: WaveView = { ...done, jobStatus: null, jobError: null };
      return { wave, outcome: "done" };
    }
    const job = await enqueueJob(db, deps.queue, {
      kind: waveJob,
      campaignId,
      params: { waveId: id },
      total: count,
      createdBy: input.jobCreatedBy,
      with: (jobId) => [
        db.insert(waves).values({ ...row, status: "queued", jobId }),
        auditRow(jobId),
        ...(input.with ?? []),
      ],
    });
    return {
      wave: {
        ...row,
        invitedCount: 0,
        status: "queued",
        jobId: job.id,
        error: null,
        finishedAt: null,
        jobStatus: "queued",
        jobError: null,
      },
      outcome: "queued",
    };
  } catch (err) {
    if (keyConflict(err)) {
      const winner = await findWave(db, byKey(campaignId, idempotencyKey));
      if (winner) return replay(winner, count);
    }
    if (errorText(err).includes(STALE_GUARD_CHECK)) {
      const [current] = await db
        .select({ status: campaigns.status })
        .from(campaigns)
        .where(eq(campaigns.id, campaignId));
      throw closed(current?.status ?? "gone");
    }
    throw err;
  }
}

/** waves/broadcasts.created_by and jobs.created_by for an admin actor. */
export function createdByOf(actor: { type: string; id: string }) {
  return {
    createdBy: actor.type === "admin_token" ? "admin_token" : `${actor.type}:${actor.id}`,
    jobCreatedBy: actor.type === "admin_token" ? null : actor.id,
  };
}
