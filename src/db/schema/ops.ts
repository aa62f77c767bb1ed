/** Jobs, members, sessions, API keys, audit log and rate counters. @see DOMAIN.md "Jobs", "Member, API key, audit" */
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
import { actorTypes, type JobKind, jobItemStatuses, jobStatuses, memberRoles } from "./enums";
import type { AuditChanges, JsonObject } from "./types";

/**
 * Work too large for one request, run from the Queue in chunks. Progress is
 * done / total / failed; `state` is the cursor between chunks; `params` the
 * input. locked_until is a chunk lease so a redelivered message does not run a
 * chunk twice at once.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: id("job"),
    kind: text().$type<JobKind>().notNull(),
    campaignId: text().references(() => campaigns.id, { onDelete: "set null" }),
    status: text({ enum: jobStatuses }).notNull().default("queued"),
    total: integer(),
    done: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    params: text({ mode: "json" }).$type<JsonObject>().notNull().default({}),
    state: text({ mode: "json" }).$type<JsonObject>(),
    result: text({ mode: "json" }).$type<JsonObject>(),
    error: text(),
    attempts: integer().notNull().default(0),
    lockedUntil: ms(),
    createdBy: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: ms(),
    finishedAt: ms(),
  },
  (t) => [
    index("jobs_campaign_created_idx").on(t.campaignId, t.createdAt),
    // Sweep for stuck jobs.
    index("jobs_status_updated_idx").on(t.status, t.updatedAt),
    check("job_status_valid", oneOf(t.status, jobStatuses)),
    check(
      "job_counts_nonneg",
      sql`${c(t.done)} >= 0 AND ${c(t.failed)} >= 0 AND ${c(t.attempts)} >= 0`,
    ),
  ],
);

/**
 * Staged input of a job, one row per unit of work (e.g. an imported CSV row),
 * because the request that starts a job cannot hand megabytes to the Queue
 * (128 KB messages) and there is no other storage binding. Deleted when the
 * job finishes (it may hold personal data).
 */
export const jobItems = sqliteTable(
  "job_items",
  {
    jobId: text()
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    payload: text({ mode: "json" }).$type<JsonObject>().notNull(),
    status: text({ enum: jobItemStatuses }).notNull().default("pending"),
    error: text(),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.seq] }),
    index("job_items_job_status_idx").on(t.jobId, t.status, t.seq),
    check("job_item_status_valid", oneOf(t.status, jobItemStatuses)),
  ],
);

/** Dashboard users. The ADMIN_TOKEN bootstrap owner is not a row. */
export const members = sqliteTable(
  "members",
  {
    id: id("mem"),
    /** Normalised (lower-case). */
    email: text().notNull(),
    name: text(),
    role: text({ enum: memberRoles }).notNull(),
    disabledAt: ms(),
    lastLoginAt: ms(),
    createdBy: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("members_email_unique").on(t.email),
    check("member_role_valid", oneOf(t.role, memberRoles)),
  ],
);

/** Dashboard sessions: only hashes of the cookie token and the CSRF token are stored. */
export const memberSessions = sqliteTable(
  "member_sessions",
  {
    id: id("ses"),
    memberId: text()
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    csrfHash: text().notNull(),
    expiresAt: ms().notNull(),
    lastSeenAt: ms(),
    ipHmac: text(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("member_sessions_token_hash_unique").on(t.tokenHash),
    index("member_sessions_member_idx").on(t.memberId),
    index("member_sessions_expires_idx").on(t.expiresAt),
  ],
);

/**
 * One-time sign-in links. The token is derived by HMAC from TOKEN_SECRET and
 * this id (rendered at send time, like every link), so nothing secret is
 * stored; used_at makes it one-time.
 */
export const loginLinks = sqliteTable(
  "login_links",
  {
    id: id("lnk"),
    memberId: text()
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    expiresAt: ms().notNull(),
    usedAt: ms(),
    ipHmac: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("login_links_member_idx").on(t.memberId),
    index("login_links_expires_idx").on(t.expiresAt),
  ],
);

/** Admin API keys: random, shown once, stored as a keyed hash. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id("key"),
    name: text().notNull(),
    keyHash: text().notNull(),
    /** First characters of the key, for recognising it in lists. */
    prefix: text().notNull(),
    role: text({ enum: memberRoles }).notNull(),
    createdBy: text(),
    lastUsedAt: ms(),
    expiresAt: ms(),
    revokedAt: ms(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("api_keys_key_hash_unique").on(t.keyHash),
    check("api_key_role_valid", oneOf(t.role, memberRoles)),
  ],
);

/** Who changed what, when, from where. No FK to campaigns: the record outlives a deleted draft. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: id("aud"),
    actorType: text({ enum: actorTypes }).notNull(),
    /** Member id, API key id; NULL for admin_token / system. */
    actorId: text(),
    /** `<target>.<verb>`, e.g. `campaign.update`, `signup.erase`, `invite.revoke`. */
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    campaignId: text(),
    changes: text({ mode: "json" }).$type<AuditChanges>(),
    ipHmac: text(),
    requestId: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_created_idx").on(t.createdAt),
    index("audit_log_campaign_created_idx").on(t.campaignId, t.createdAt),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
    check("audit_actor_type_valid", oneOf(t.actorType, actorTypes)),
  ],
);

/**
 * Fixed-window counters for limits longer than the Workers rate-limit binding's
 * windows: INSERT … ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count.
 */
export const rateCounters = sqliteTable(
  "rate_counters",
  {
    key: text().notNull(),
    windowStart: ms().notNull(),
    count: integer().notNull().default(0),
    /** window_start + window length; cleanup deletes WHERE expires_at < now. */
    expiresAt: ms().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.windowStart] }),
    index("rate_counters_expires_idx").on(t.expiresAt),
    check("rate_counter_count_nonneg", sql`${c(t.count)} >= 0`),
  ],
);
