/**
 * Schedules: "invite N every day at 10:00 Asia/Tashkent until stock or the
 * list runs out", pausable and resumable, visible with their next run (as an
 * instant and on the zone's clock). The cron runs the due ones
 * (./waves/schedule-runs.ts).
 * @see ../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { campaigns, newId, schedules } from "../db/schema";
import { AppError, notFound } from "../lib/errors";
import { iso } from "../lib/wire";
import { type AuditContext, auditInsert } from "./audit";
import { run } from "./campaigns/statements";
import { errorText } from "./db-errors";
import { localDateTime, nextLocalTime } from "./waves/local-time";

export type ScheduleRow = typeof schedules.$inferSelect;

export interface ScheduleInput {
  countPerRun: number;
  timeOfDay: string;
  timeZone: string;
  /** First run at or after this instant (default: now). */
  startAt?: number | undefined;
}
/** The CHECK the guards below trip to abort a batch (count_per_run > 0). */
const COUNT_CHECK = "schedule_count_positive";

export type SchedulePatch = Partial<ScheduleInput> & { status?: "active" | "paused" | undefined };

const firstRun = (s: Pick<ScheduleInput, "timeOfDay" | "timeZone">, from: number) =>
  nextLocalTime(s.timeOfDay, s.timeZone, from - 1);

export function scheduleToWire(s: ScheduleRow) {
  return {
    id: s.id,
    campaign_id: s.campaignId,
    count_per_run: s.countPerRun,
    time_of_day: s.timeOfDay,
    time_zone: s.timeZone,
    status: s.status,
    next_run_at: iso(s.nextRunAt),
    /** The same instant on the zone's clock, e.g. `2030-01-10T10:00`. */
    next_run_local: s.nextRunAt === null ? null : localDateTime(s.nextRunAt, s.timeZone),
    last_run_at: iso(s.lastRunAt),
    finished_reason: s.finishedReason,
    created_at: iso(s.createdAt),
    updated_at: iso(s.updatedAt),
  };
}

async function campaignStatus(db: Db, campaignId: string) {
  const [c] = await db
    .select({ status: campaigns.status })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId));
  if (!c) throw notFound("Campaign");
  return c.status;
}

export async function createSchedule(
  db: Db,
  audit: AuditContext,
  campaignId: string,
  input: ScheduleInput,
  createdBy: string | null,
  now: number,
): Promise<ScheduleRow> {
  const status = await campaignStatus(db, campaignId);
  if (status === "closed") {
    throw new AppError("campaign_closed", { detail: "The campaign is closed" });
  }
  const id = newId("sch");
  const [rows] = await db.batch([
    db
      .insert(schedules)
      .values({
        id,
        campaignId,
        countPerRun: input.countPerRun,
        timeOfDay: input.timeOfDay,
        timeZone: input.timeZone,
        status: "active",
        nextRunAt: firstRun(input, Math.max(now, input.startAt ?? now)),
        createdBy,
        createdAt: now,
        updatedAt: now,
      })
      .returning(),
    auditInsert(db, audit, {
      action: "schedule.create",
      targetType: "schedule",
      targetId: id,
      campaignId,
      changes: {
        count_per_run: input.countPerRun,
        time_of_day: input.timeOfDay,
        time_zone: input.timeZone,
      },
    }),
  ]);
  const row = rows[0];
  if (!row) throw new Error("schedule insert returned nothing");
  return row;
}

export async function listSchedules(db: Db, campaignId: string): Promise<ScheduleRow[]> {
  await campaignStatus(db, campaignId);
  return db
    .select()
    .from(schedules)
    .where(eq(schedules.campaignId, campaignId))
    .orderBy(desc(schedules.createdAt), desc(schedules.id))
    .limit(100);
}

/**
 * Pause (no next run), resume (next local time from now, also after a
 * finish) or edit. An active schedule's next run is recomputed after an edit.
 * Applies only to the row as read (updated_at), else 409.
 */
export async function updateSchedule(
  db: Db,
  audit: AuditContext,
  campaignId: string,
  scheduleId: string,
  patch: SchedulePatch,
  now: number,
): Promise<ScheduleRow> {
  const [cur] = await db
    .select()
    .from(schedules)
    .where(and(eq(schedules.id, scheduleId), eq(schedules.campaignId, campaignId)));
  if (!cur) throw notFound("Schedule");
  const next = {
    countPerRun: patch.countPerRun ?? cur.countPerRun,
    timeOfDay: patch.timeOfDay ?? cur.timeOfDay,
    timeZone: patch.timeZone ?? cur.timeZone,
  };
  const status = patch.status ?? cur.status;
  const from = Math.max(now, patch.startAt ?? now);
  const set = {
    ...next,
    status,
    nextRunAt: status === "active" ? firstRun(next, from) : null,
    finishedReason: status === "active" || status === "paused" ? null : cur.finishedReason,
    updatedAt: now,
  };
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (cur.status !== status) changes.status = { from: cur.status, to: status };
  for (const [key, col] of [
    ["count_per_run", "countPerRun"],
    ["time_of_day", "timeOfDay"],
    ["time_zone", "timeZone"],
  ] as const) {
    if (cur[col] !== next[col]) changes[key] = { from: cur[col], to: next[col] };
  }
  try {
    const [, rows] = await db.batch([
      // Only the row as read: a change since (a PATCH, a cron run) aborts the batch.
      run(
        db,
        sql`UPDATE schedules SET count_per_run = 0
          WHERE id = ${scheduleId} AND updated_at <> ${cur.updatedAt}`,
      ),
      db.update(schedules).set(set).where(eq(schedules.id, scheduleId)).returning(),
      auditInsert(db, audit, {
        action: "schedule.update",
        targetType: "schedule",
        targetId: scheduleId,
        campaignId,
        changes,
      }),
    ]);
    if (rows[0]) return rows[0];
  } catch (err) {
    if (!errorText(err).includes(COUNT_CHECK)) throw err;
  }
  throw new AppError("conflict", { detail: "The schedule changed meanwhile; read it and retry" });
}

export { runDueSchedules, SCHEDULES_PER_TICK } from "./waves/schedule-runs";
