/** People on a waitlist, and the invite codes that let them order. @see DOMAIN.md "Signup", "Referral", "Invite code" */
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { campaigns } from "./campaigns";
import { bool, c, createdAt, id, ms, oneOf, updatedAt } from "./columns";
import {
  audienceStates,
  consentSources,
  inviteKinds,
  locales,
  reviewStates,
  signupStatuses,
} from "./enums";
import { jobs } from "./ops";
import type { SignupAnswers } from "./types";

/**
 * One row per normalised email per campaign. Status, review, audience, mail
 * and erasure are separate facts; the funnel stage is derived from them.
 * Erasure blanks email/name/answers/ip (email_normalized NULL frees the
 * unique slot) and keeps the row for counts.
 */
export const signups = sqliteTable(
  "signups",
  {
    id: id("sgn"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    /** As given (for display and sending); NULL once erased. */
    email: text(),
    /** Lower-cased, trimmed (provider-specific folding is the app's call); NULL once erased. */
    emailNormalized: text(),
    name: text(),
    locale: text({ enum: locales }).notNull().default("en"),

    status: text({ enum: signupStatuses }).notNull().default("pending"),
    confirmedAt: ms(),
    review: text({ enum: reviewStates }).notNull().default("ok"),
    reviewReason: text(),
    reviewedAt: ms(),
    audience: text({ enum: audienceStates }).notNull().default("inside"),
    unsubscribedAt: ms(),
    erasedAt: ms(),

    /** Short public code, unique per campaign. */
    referralCode: text().notNull(),
    referredBySignupId: text().references((): AnySQLiteColumn => signups.id, {
      onDelete: "set null",
    }),
    /** When the referrer was credited for this signup (once, on confirm, if not flagged). */
    referralCreditedAt: ms(),
    verifiedReferrals: integer().notNull().default(0),
    /**
     * Rank key, UTC ms: created_at − campaign.referral_boost_ms × verified_referrals.
     * Lower is better; ties go to the earlier created_at, then id.
     */
    score: integer().notNull(),
    /**
     * In the line for invites (and has a position): confirmed, ok, inside the
     * audience, not yet invited, not erased. A virtual generated column, so it
     * can never drift from the facts, and the ranking index can lead with it.
     * Unsubscribe and global suppression are filtered by the wave, not here.
     */
    rankEligible: bool().generatedAlwaysAs(
      sql`status = 'confirmed' AND review = 'ok' AND audience = 'inside' AND invited_at IS NULL AND erased_at IS NULL`,
      { mode: "virtual" },
    ),
    /** Holds a personal invite (stage prospect). The code is invite_codes where signup_id = id. */
    invitedAt: ms(),
    /** Version for this signup's link tokens (confirm, status, unsubscribe); bump to revoke. */
    tokenVersion: integer().notNull().default(1),
    answers: text({ mode: "json" }).$type<SignupAnswers>().notNull().default({}),

    consentAt: ms().notNull(),
    consentFormVersion: text(),
    consentLocale: text({ enum: locales }),
    consentSource: text({ enum: consentSources }).notNull().default("form"),

    /** HMAC of the client IP (never the IP, never a plain hash). */
    ipHmac: text(),
    utmSource: text(),
    utmMedium: text(),
    utmCampaign: text(),
    utmTerm: text(),
    utmContent: text(),
    referrer: text(),
    landingUrl: text(),
    /** ISO 3166-1 alpha-2 from CF-IPCountry. */
    country: text(),

    /** Throttle for re-sending the status link on a repeated signup. */
    lastStatusEmailAt: ms(),
    reminderCount: integer().notNull().default(0),
    lastReminderAt: ms(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The hard rule: one signup per normalised email per campaign. NULLs (erased) don't collide.
    uniqueIndex("signups_campaign_email_unique").on(t.campaignId, t.emailNormalized),
    uniqueIndex("signups_campaign_referral_code_unique").on(t.campaignId, t.referralCode),
    // Position = count of eligible rows ahead: WHERE campaign_id = ? AND rank_eligible = 1 AND (score, created_at) < (?, ?).
    index("signups_rank_idx").on(t.campaignId, t.rankEligible, t.score, t.createdAt),
    // Admin list filtered by status, newest first / cursor on created_at.
    index("signups_campaign_status_created_idx").on(t.campaignId, t.status, t.createdAt),
    // Admin list / CSV export / funnel by day without a status filter.
    index("signups_campaign_created_idx").on(t.campaignId, t.createdAt),
    // Referral crediting and "who did I refer".
    index("signups_referred_by_idx").on(t.referredBySignupId),
    check("signup_status_valid", oneOf(t.status, signupStatuses)),
    check("signup_review_valid", oneOf(t.review, reviewStates)),
    check("signup_audience_valid", oneOf(t.audience, audienceStates)),
    check("signup_locale_valid", oneOf(t.locale, locales)),
    check("signup_consent_source_valid", oneOf(t.consentSource, consentSources)),
    check(
      "signup_consent_locale_valid",
      sql`${c(t.consentLocale)} IS NULL OR ${oneOf(t.consentLocale, locales)}`,
    ),
    // Only an erased row may lack its email.
    check(
      "signup_email_present",
      sql`${c(t.erasedAt)} IS NOT NULL OR (${c(t.email)} IS NOT NULL AND ${c(t.emailNormalized)} IS NOT NULL)`,
    ),
    check(
      "signup_confirmed_at",
      sql`${c(t.status)} <> 'confirmed' OR ${c(t.confirmedAt)} IS NOT NULL`,
    ),
    check(
      "signup_counts_nonneg",
      sql`${c(t.verifiedReferrals)} >= 0 AND ${c(t.reminderCount)} >= 0`,
    ),
    // "never to oneself"
    check(
      "signup_not_self_referred",
      sql`${c(t.referredBySignupId)} IS NULL OR ${c(t.referredBySignupId)} <> ${c(t.id)}`,
    ),
  ],
);

/**
 * Personal codes (one signup, one use; derived by HMAC from TOKEN_SECRET, the
 * signup id and token_version, so they can be re-sent) and shared codes
 * (random, max uses, optional per-email limit, expiry). Only a keyed hash of
 * the code is stored. Status (active / used_up / expired / revoked) is derived.
 * A use is consumed in the same batch as the order it allows (uses + 1 and an
 * invite_redemptions row) and given back on cancel. @see DOMAIN.md "Invite code"
 */
export const inviteCodes = sqliteTable(
  "invite_codes",
  {
    id: id("inv"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    kind: text({ enum: inviteKinds }).notNull(),
    /** Personal codes: the signup it was issued to (only that email may use it). */
    signupId: text().references(() => signups.id, { onDelete: "cascade" }),
    /** Shared single-use codes a signup may hand out (referral quota). */
    issuedToSignupId: text().references(() => signups.id, { onDelete: "cascade" }),
    /** Keyed hash (HMAC) of the normalised code; the only way to find a code. */
    codeHash: text().notNull(),
    /** Masked form for lists, e.g. `K7QD…X2F9`; never enough to use the code. */
    codeHint: text().notNull(),
    /** Admin note, e.g. where a shared code was posted. */
    label: text(),
    maxUses: integer().notNull().default(1),
    uses: integer().notNull().default(0),
    /** Shared codes: max live uses per normalised email (enforced by trigger). */
    perEmailLimit: integer(),
    expiresAt: ms(),
    revokedAt: ms(),
    /** Personal codes: the version the code was derived with; bump (and re-hash) to revoke. */
    tokenVersion: integer().notNull().default(1),
    /** The generation job that created this code (large batches). */
    jobId: text().references(() => jobs.id, { onDelete: "set null" }),
    /** Actor string, e.g. `member:mem_…`, `api_key:key_…`, `system:wave`. */
    createdBy: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("invite_codes_code_hash_unique").on(t.codeHash),
    // At most one personal code per signup, so a repeated or concurrent wave cannot mint two.
    uniqueIndex("invite_codes_personal_signup_unique")
      .on(t.signupId)
      .where(sql`${c(t.kind)} = 'personal'`),
    index("invite_codes_campaign_kind_created_idx").on(t.campaignId, t.kind, t.createdAt),
    index("invite_codes_issued_to_idx").on(t.issuedToSignupId),
    index("invite_codes_job_idx").on(t.jobId),
    check("invite_kind_valid", oneOf(t.kind, inviteKinds)),
    // Over-redeeming aborts the order batch: `CHECK constraint failed: invite_uses_range` → invite_used_up.
    check("invite_uses_range", sql`${c(t.uses)} BETWEEN 0 AND ${c(t.maxUses)}`),
    check("invite_max_uses_positive", sql`${c(t.maxUses)} >= 1`),
    // Personal = one signup, one use, no per-email limit (the signup's email is the limit).
    check(
      "invite_personal_shape",
      sql`${c(t.kind)} <> 'personal' OR (${c(t.signupId)} IS NOT NULL AND ${c(t.maxUses)} = 1 AND ${c(t.perEmailLimit)} IS NULL)`,
    ),
    check("invite_shared_shape", sql`${c(t.kind)} <> 'shared' OR ${c(t.signupId)} IS NULL`),
    check(
      "invite_per_email_limit_positive",
      sql`${c(t.perEmailLimit)} IS NULL OR ${c(t.perEmailLimit)} > 0`,
    ),
  ],
);
