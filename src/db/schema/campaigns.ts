/** Campaigns and what they sell / ask. @see DOMAIN.md "Campaign", "Variant" */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { bool, c, createdAt, id, ms, oneOf, updatedAt } from "./columns";
import { campaignStatuses, locales, pausableCampaignStatuses, questionTypes } from "./enums";
import type { AudienceRules, Branding, LocalizedText, OrderField, QuestionOption } from "./types";

export const campaigns = sqliteTable(
  "campaigns",
  {
    id: id("cmp"),
    slug: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    status: text({ enum: campaignStatuses }).notNull().default("draft"),
    /** Set only while paused: the status to resume to. */
    pausedFromStatus: text({ enum: pausableCampaignStatuses }),
    /** Cron moves waitlist → presale at opensAt and presale → closed at closesAt. */
    opensAt: ms(),
    closesAt: ms(),
    publishedAt: ms(),
    /** ISO 4217, one per campaign; all money is integer minor units of it. */
    currency: text().notNull(),
    defaultLocale: text({ enum: locales }).notNull().default("en"),
    inviteOnly: bool().notNull().default(false),
    doubleOptIn: bool().notNull().default(true),
    /** Show `remaining` per variant on the public campaign. */
    showRemaining: bool().notNull().default(true),

    referralEnabled: bool().notNull().default(true),
    /** Score bonus per verified referral, in ms (default 24 h). Changing it needs a rescore job. */
    referralBoostMs: integer().notNull().default(86_400_000),
    /** Single-use codes an invited signup may hand out to friends (0 = none). */
    referralInviteQuota: integer().notNull().default(0),
    /** Verified-referral counts that trigger a milestone email. */
    referralMilestones: text({ mode: "json" }).$type<number[]>().notNull().default([]),

    audienceRules: text({ mode: "json" }).$type<AudienceRules>().notNull().default({}),
    /** Origins allowed to POST from a browser (exact `scheme://host[:port]`). */
    allowedOrigins: text({ mode: "json" }).$type<string[]>().notNull().default([]),
    branding: text({ mode: "json" }).$type<Branding>().notNull().default({}),
    orderFields: text({ mode: "json" }).$type<OrderField[]>().notNull().default([]),

    /** Minutes a pending_verification order holds its units before it expires. */
    verifyMinutes: integer().notNull().default(60),
    /** Optional: minutes a reserved (not yet confirmed) order holds units; null = off. */
    holdMinutes: integer(),
    /** Backfill on cancel: hold a returned unit for the next person in line. */
    backfillEnabled: bool().notNull().default(false),
    backfillHoldMinutes: integer().notNull().default(1440),
    /** Customers may cancel until this instant; null = until fulfilled. */
    cancelAllowedUntil: ms(),
    /** Calendar date `YYYY-MM-DD` (a date, not an instant). */
    expectedShipDate: text(),

    turnstileEnabled: bool().notNull().default(false),
    turnstileSiteKey: text(),

    /** Remind invited-but-not-ordered people after this many hours; null = off. */
    reminderAfterHours: integer(),
    reminderMaxCount: integer().notNull().default(1),

    /** Optimistic concurrency: UPDATE … WHERE id = ? AND version = ?, then version + 1. */
    version: integer().notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // No deletedAt: only drafts can be deleted, and they are really deleted
    // (children cascade; a campaign with orders cannot be deleted, FK restrict).
  },
  (t) => [
    uniqueIndex("campaigns_slug_unique").on(t.slug),
    // Cron: campaigns due to open/close.
    index("campaigns_status_idx").on(t.status),
    check("campaign_status_valid", oneOf(t.status, campaignStatuses)),
    // "paused resumes to the status it left": the field exists exactly while paused.
    check(
      "campaign_paused_from",
      sql`(${c(t.status)} = 'paused' AND ${c(t.pausedFromStatus)} IN ('waitlist', 'presale')) OR (${c(t.status)} <> 'paused' AND ${c(t.pausedFromStatus)} IS NULL)`,
    ),
    check(
      "campaign_dates_order",
      sql`${c(t.opensAt)} IS NULL OR ${c(t.closesAt)} IS NULL OR ${c(t.closesAt)} > ${c(t.opensAt)}`,
    ),
    check(
      "campaign_currency_format",
      sql`length(${c(t.currency)}) = 3 AND ${c(t.currency)} = upper(${c(t.currency)})`,
    ),
    check("campaign_locale_valid", oneOf(t.defaultLocale, locales)),
    check("campaign_referral_boost_nonneg", sql`${c(t.referralBoostMs)} >= 0`),
    check("campaign_referral_quota_nonneg", sql`${c(t.referralInviteQuota)} >= 0`),
    check(
      "campaign_minutes_positive",
      sql`${c(t.verifyMinutes)} > 0 AND ${c(t.backfillHoldMinutes)} > 0 AND (${c(t.holdMinutes)} IS NULL OR ${c(t.holdMinutes)} > 0)`,
    ),
    check(
      "campaign_reminder_valid",
      sql`(${c(t.reminderAfterHours)} IS NULL OR ${c(t.reminderAfterHours)} > 0) AND ${c(t.reminderMaxCount)} >= 0`,
    ),
    check(
      "campaign_ship_date_format",
      sql`${c(t.expectedShipDate)} IS NULL OR ${c(t.expectedShipDate)} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`,
    ),
    // Turnstile on without a site key would make every public form unusable.
    check(
      "campaign_turnstile_key",
      sql`${c(t.turnstileEnabled)} = 0 OR ${c(t.turnstileSiteKey)} IS NOT NULL`,
    ),
  ],
);

/**
 * What is sold. `remaining` changes only in the same batch that writes the
 * order or its cancellation; the CHECK makes an oversell abort that batch.
 * Units held for backfill are neither in `remaining` nor sold: stock =
 * remaining + live ordered + held. @see DOMAIN.md "Variant"
 */
export const variants = sqliteTable(
  "variants",
  {
    id: id("var"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    name: text().notNull(),
    description: text(),
    /** Integer minor units of the campaign currency. Copied into items at order time. */
    price: integer().notNull(),
    stock: integer().notNull(),
    remaining: integer().notNull(),
    /** Max units of this variant per normalised email over live orders; null = no cap. */
    perCustomerLimit: integer(),
    sortOrder: integer().notNull().default(0),
    /** Hidden from sale (kept because orders point at it). */
    archivedAt: ms(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("variants_campaign_sort_idx").on(t.campaignId, t.sortOrder),
    check("variant_price_nonneg", sql`${c(t.price)} >= 0`),
    check("variant_stock_nonneg", sql`${c(t.stock)} >= 0`),
    // The hard stock limit. Oversell → `CHECK constraint failed: variant_remaining_range` → sold_out.
    // Lowering stock below what is sold also trips it (stock may be lowered only to what is sold).
    check("variant_remaining_range", sql`${c(t.remaining)} BETWEEN 0 AND ${c(t.stock)}`),
    check(
      "variant_per_customer_limit_positive",
      sql`${c(t.perCustomerLimit)} IS NULL OR ${c(t.perCustomerLimit)} > 0`,
    ),
  ],
);

/** Questions asked on the signup form; answers live in signups.answers by key. */
export const questions = sqliteTable(
  "questions",
  {
    id: id("qst"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    /** Stable key used in signups.answers and reports. */
    key: text().notNull(),
    label: text({ mode: "json" }).$type<LocalizedText>().notNull(),
    help: text({ mode: "json" }).$type<LocalizedText>(),
    type: text({ enum: questionTypes }).notNull(),
    required: bool().notNull().default(false),
    options: text({ mode: "json" }).$type<QuestionOption[]>(),
    maxLength: integer(),
    sortOrder: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("questions_campaign_key_unique").on(t.campaignId, t.key),
    check("question_type_valid", oneOf(t.type, questionTypes)),
    // Choice questions are meaningless without options.
    check(
      "question_options_required",
      sql`${c(t.type)} NOT IN ('single_choice', 'multi_choice') OR ${c(t.options)} IS NOT NULL`,
    ),
    check("question_max_length_positive", sql`${c(t.maxLength)} IS NULL OR ${c(t.maxLength)} > 0`),
  ],
);
