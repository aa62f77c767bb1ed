/**
 * The cron side of schedules (src/domain/schedules.ts): each due schedule's
 * run starts a wave as a job with the key `schedule:<id>:<local run date>`,
 * in ONE batch with the schedule's advance to its next local time; the
 * advance aborts that batch unless the schedule is still active and due at
 * the time read, so a double cron tick or a pause racing the tick never
 * starts a second wave. A schedule finishes when the campaign closes, every
 * variant is sold out, or nobody is left to invite; runs are skipped while
 * the campaign is a draft or paused. Missed runs are not caught up.
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { schedules } from "../../db/schema";
import { log } from "../../lib/log";
import { auditInsert, systemAudit } from "../audit";
import { run, type Stmt } from "../campaigns/statements";
import { errorText } from "../db-errors";
import { anyoneInvitable } from "./eligibility";
import { waveAllowed } from "./job";
import { localDate, nextLocalTime } from "./local-time";
import { startWave, type WaveDeps } from "./start";

type ScheduleRow = typeof schedules.$inferSelect;

/**
 * Due schedules handled per cron tick: one read, then ≤ 4 statements each
 * (job, wave, audit, advance) of the 50 the tick's tasks share.
 */
export const SCHEDULES_PER_TICK = 3;
/** The CHECK the advance trips to abort its batch (count_per_run > 0). */
const COUNT_CHECK = "schedule_count_positive";

interface DueRow {
  id: string;
  campaign_id: string;
  count_per_run: number;
  time_of_day: string;
  time_zone: string;
  next_run_at: number;
  campaign_status: string;
  has_people: number;
  sold_out: number;
}

/**
 * The run's advance, which also guards its batch: unless the schedule is
 * still active and due at the time read, it sets count_per_run to 0 and the
 * schedule_count_positive CHECK aborts the whole batch (the wave with it).
 */
const advanceOrAbort = (db: Db, s: DueRow, next: number, now: number): Stmt =>
  run(
    db,
    sql`UPDATE schedules SET next_run_at = ${next}, last_run_at = ${now}, updated_at = ${now},
        count_per_run = CASE WHEN status = 'active' AND next_run_at = ${s.next_run_at}
          THEN count_per_run ELSE 0 END
      WHERE id = ${s.id}`,
  );

const moveOn = (db: Db, s: DueRow, set: Partial<ScheduleRow>) =>
  db
    .update(schedules)
    .set(set)
    .where(
      and(
        eq(schedules.id, s.id),
        eq(schedules.status, "active"),
        eq(schedules.nextRunAt, s.next_run_at),
      ),
    );

/** Cron task: starts the due schedules' waves, advances or finishes them. */
export async function runDueSchedules(db: Db, deps: WaveDeps, now: number) {
  const due = await db.all<DueRow>(sql`
    SELECT s.id, s.campaign_id, s.count_per_run, s.time_of_day, s.time_zone, s.next_run_at,
      c.status AS campaign_status,
      ${anyoneInvitable(sql`s.campaign_id`)} AS has_people,
      (EXISTS (SELECT 1 FROM variants v WHERE v.campaign_id = s.campaign_id AND v.archived_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM variants v WHERE v.campaign_id = s.campaign_id
          AND v.archived_at IS NULL AND v.remaining > 0)) AS sold_out
    FROM schedules s JOIN campaigns c ON c.id = s.campaign_id
    WHERE s.status = 'active' AND s.next_run_at <= ${now}
    ORDER BY s.next_run_at LIMIT ${SCHEDULES_PER_TICK}`);
  const out = { started: [] as string[], finished: [] as string[], skipped: [] as string[] };
  for (const s of due) {
    try {
      const result = await runOne(db, deps, s, now);
      out[result].push(s.id);
    } catch (err) {
      log("error", "schedule run failed", {
        schedule_id: s.id,
        error: errorText(err).slice(0, 300),
      });
    }
  }
  return out;
}

async function runOne(db: Db, deps: WaveDeps, s: DueRow, now: number) {
  const reason =
    s.campaign_status === "closed"
      ? "campaign_closed"
      : s.sold_out
        ? "stock_exhausted"
        : !s.has_people
          ? "list_exhausted"
          : null;
  if (reason) {
    await db.batch([
      moveOn(db, s, {
        status: "finished",
        nextRunAt: null,
        finishedReason: reason,
        updatedAt: now,
      }),
      auditInsert(db, systemAudit, {
        action: "schedule.finish",
        targetType: "schedule",
        targetId: s.id,
        campaignId: s.campaign_id,
        changes: { reason },
      }),
    ]);
    return "finished" as const;
  }
  // Strictly after now: runs missed while the cron was down are not caught up.
  const next = nextLocalTime(s.time_of_day, s.time_zone, Math.max(now, s.next_run_at));
  const advance = moveOn(db, s, { nextRunAt: next, lastRunAt: now, updatedAt: now });
  // A draft or paused campaign: this run is skipped, the schedule stays.
  if (!waveAllowed(s.campaign_status)) {
    await advance;
    return "skipped" as const;
  }
  try {
    const { outcome } = await startWave(
      db,
      deps,
      systemAudit,
      {
        campaignId: s.campaign_id,
        count: s.count_per_run,
        idempotencyKey: `schedule:${s.id}:${localDate(s.next_run_at, s.time_zone)}`,
        source: "schedule",
        scheduleId: s.id,
        createdBy: "system:schedule",
        jobCreatedBy: null,
        forceJob: true,
        with: [advanceOrAbort(db, s, next, now)],
      },
      now,
    );
    // Today's wave exists already (the time was edited to later the same day): move on.
    if (outcome === "replayed") await advance;
    return outcome === "replayed" ? ("skipped" as const) : ("started" as const);
  } catch (err) {
    if (errorText(err).includes(COUNT_CHECK)) return "skipped" as const;
    throw err;
  }
}
