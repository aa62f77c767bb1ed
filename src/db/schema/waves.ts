/** Waves, schedules and broadcasts. @see DOMAIN.md "Wave, schedule, broadcast" */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { c, createdAt, id, ms, oneOf, updatedAt } from "./columns";
import { type BroadcastSegment, scheduleStatuses, waveSources, waveStatuses } from "./enums";
import { jobs } from "./ops";
import { inviteCodes, signups } from "./signups";
import type { LocalizedText } from "./types";

/**
 * "Invite the next N by position": personal codes plus invitation emails,
 * idempotent by key, recorded with its members; large waves run as a job.
 */
export const waves = sqliteTable(
  "waves",
  {
    id: id("wav"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    /** Client Idempotency-Key, or `schedule:<id>:<run date>` / `backfill:<order id>:<variant>`. */
    idempotencyKey: text().notNull(),
    source: text({ enum: waveSources }).notNull().default("manual"),
    scheduleId: text().references(() => schedules.id, { onDelete: "set null" }),
    requestedCount: integer().notNull(),
    invitedCount: integer().notNull().default(0),
    status: text({ enum: waveStatuses }).notNull().default("queued"),
    jobId: text().references(() => jobs.id, { onDelete: "set null" }),
    error: text(),
    createdBy: text(),
    createdAt: createdAt(),
    finishedAt: ms(),
  },
  (t) => [
    // Idempotent by key: a retried POST or a double cron fire finds the existing wave.
    uniqueIndex("waves_campaign_idempotency_unique").on(t.campaignId, t.idempotencyKey),
    index("waves_campaign_created_idx").on(t.campaignId, t.createdAt),
    check("wave_status_valid", oneOf(t.status, waveStatuses)),
    check("wave_source_valid", oneOf(t.source, waveSources)),
    check("wave_requested_positive", sql`${c(t.requestedCount)} > 0`),
    // Fewer people may be left in line than asked for, never more invited.
    check("wave_invited_range", sql`${c(t.invitedCount)} BETWEEN 0 AND ${c(t.requestedCount)}`),
  ],
);

/** Who a wave invited (and with which personal code). */
export const waveMembers = sqliteTable(
  "wave_members",
  {
    waveId: text()
      .notNull()
      .references(() => waves.id, { onDelete: "cascade" }),
    signupId: text()
      .notNull()
      .references(() => signups.id, { onDelete: "cascade" }),
    inviteId: text().references(() => inviteCodes.id, { onDelete: "set null" }),
    /** Position at the moment of the invite (for the record). */
    position: integer(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.waveId, t.signupId] }),
    index("wave_members_signup_idx").on(t.signupId),
  ],
);

/** Runs waves (N per day at a local time) until stock or the list runs out; pausable. */
export const schedules = sqliteTable(
  "schedules",
  {
    id: id("sch"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    countPerRun: integer().notNull(),
    /** Local wall-clock time `HH:MM` in timeZone. */
    timeOfDay: text().notNull(),
    /** IANA zone, e.g. `Asia/Tashkent`. */
    timeZone: text().notNull(),
    status: text({ enum: scheduleStatuses }).notNull().default("active"),
    /** UTC ms of the next run; NULL unless active. Cron picks WHERE status = 'active' AND next_run_at <= now. */
    nextRunAt: ms(),
    lastRunAt: ms(),
    /** Why it finished: `stock_exhausted`, `list_exhausted`, `campaign_closed`. */
    finishedReason: text(),
    createdBy: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("schedules_status_next_run_idx").on(t.status, t.nextRunAt),
    index("schedules_campaign_idx").on(t.campaignId),
    check("schedule_status_valid", oneOf(t.status, scheduleStatuses)),
    check("schedule_count_positive", sql`${c(t.countPerRun)} > 0`),
    check(
      "schedule_time_of_day_format",
      sql`${c(t.timeOfDay)} GLOB '[0-2][0-9]:[0-5][0-9]' AND substr(${c(t.timeOfDay)}, 1, 2) < '24'`,
    ),
    check(
      "schedule_active_has_next_run",
      sql`${c(t.status)} <> 'active' OR ${c(t.nextRunAt)} IS NOT NULL`,
    ),
  ],
);

/**
 * One message to a segment. The content lives here once; the job writes one
 * outbox row per recipient (dedupe key `broadcast:<id>:<signup id>`).
 * Idempotent by key like waves: a retried or double-clicked POST finds the
 * existing broadcast instead of mailing the segment twice.
 */
export const broadcasts = sqliteTable(
  "broadcasts",
  {
    id: id("brc"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    segment: text().$type<BroadcastSegment>().notNull(),
    subject: text({ mode: "json" }).$type<LocalizedText>().notNull(),
    /** Plain text / markdown body per locale; rendered into the branded template at send time. */
    body: text({ mode: "json" }).$type<LocalizedText>().notNull(),
    jobId: text().references(() => jobs.id, { onDelete: "set null" }),
    recipientCount: integer(),
    /** Client Idempotency-Key; NULL on broadcasts made before keys existed. */
    idempotencyKey: text(),
    /** SHA-256 of the request's content, so the same key with another message is refused. */
    requestHash: text(),
    createdBy: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("broadcasts_campaign_created_idx").on(t.campaignId, t.createdAt),
    // Two racing requests with one key: the loser's batch fails here and it replays the winner.
    uniqueIndex("broadcasts_campaign_idempotency_unique").on(t.campaignId, t.idempotencyKey),
  ],
);
