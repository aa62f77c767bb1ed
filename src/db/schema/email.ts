/** Outbox, suppressions and provider webhooks. @see DOMAIN.md "Outbox email" */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { bool, c, createdAt, id, ms, oneOf, updatedAt } from "./columns";
import {
  type EmailTemplate,
  emailCategories,
  locales,
  outboxStatuses,
  suppressionReasons,
} from "./enums";
import { jobs, members } from "./ops";
import { preorders } from "./orders";
import { signups } from "./signups";
import type { JsonObject } from "./types";

/**
 * Written in the same batch as its cause; delivered with the row id as the
 * provider idempotency key. The payload holds ids and data, never links or
 * tokens: links are rendered at send time (so a re-send gets a fresh token).
 * queued → sending → sent; or failed (past the retry limit) / suppressed.
 * A `sending` row's next_attempt_at is its lease: past it, a sweeper may retry.
 */
export const outboxEmails = sqliteTable(
  "outbox_emails",
  {
    id: id("eml"),
    campaignId: text().references(() => campaigns.id, { onDelete: "set null" }),
    template: text().$type<EmailTemplate>().notNull(),
    category: text({ enum: emailCategories }).notNull(),
    locale: text({ enum: locales }).notNull().default("en"),
    /** NULL once erased. */
    toEmail: text(),
    /** Set for custom subjects (broadcasts); otherwise rendered from the template. */
    subject: text(),
    payload: text({ mode: "json" }).$type<JsonObject>().notNull().default({}),
    /** Prevents a retried chunk from queueing the same message twice, e.g. `invitation:<signup id>`. */
    dedupeKey: text(),
    status: text({ enum: outboxStatuses }).notNull().default("queued"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: ms(),
    lastError: text(),
    providerMessageId: text(),
    signupId: text().references(() => signups.id, { onDelete: "set null" }),
    preorderId: text().references(() => preorders.id, { onDelete: "set null" }),
    memberId: text().references(() => members.id, { onDelete: "set null" }),
    jobId: text().references(() => jobs.id, { onDelete: "set null" }),
    /** Erasure blanked to_email and payload. */
    erased: bool().notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    sentAt: ms(),
  },
  (t) => [
    // The sender's hot query: WHERE status IN ('queued', 'sending') AND next_attempt_at <= now.
    index("outbox_status_next_attempt_idx").on(t.status, t.nextAttemptAt),
    uniqueIndex("outbox_dedupe_key_unique").on(t.dedupeKey),
    index("outbox_campaign_created_idx").on(t.campaignId, t.createdAt),
    index("outbox_created_idx").on(t.createdAt),
    // Erasure and per-person history.
    index("outbox_signup_idx").on(t.signupId),
    index("outbox_preorder_idx").on(t.preorderId),
    check("outbox_status_valid", oneOf(t.status, outboxStatuses)),
    check("outbox_category_valid", oneOf(t.category, emailCategories)),
    check("outbox_locale_valid", oneOf(t.locale, locales)),
    check("outbox_attempts_nonneg", sql`${c(t.attempts)} >= 0`),
    check("outbox_to_email_present", sql`${c(t.erased)} = 1 OR ${c(t.toEmail)} IS NOT NULL`),
  ],
);

/** Global: a bounce or complaint stops all mail to the address, in every campaign. */
export const suppressions = sqliteTable(
  "suppressions",
  {
    id: id("sup"),
    emailNormalized: text().notNull(),
    reason: text({ enum: suppressionReasons }).notNull(),
    /** svix id of the webhook event that caused it (bounce / complaint). */
    sourceEventId: text(),
    note: text(),
    createdBy: text(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("suppressions_email_unique").on(t.emailNormalized),
    index("suppressions_created_idx").on(t.createdAt),
    check("suppression_reason_valid", oneOf(t.reason, suppressionReasons)),
  ],
);

/** Webhook deliveries already handled (Svix retries deliver the same svix-id again). */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    svixId: text().primaryKey(),
    type: text().notNull(),
    receivedAt: createdAt(),
  },
  (t) => [index("webhook_events_received_idx").on(t.receivedAt)],
);
