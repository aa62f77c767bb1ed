/**
 * Pre-orders, their items, invite redemptions, backfill holds and idempotency.
 * Units are taken / returned (variants.remaining), invite uses consumed /
 * given back, and the outbox row written in the same D1 batch as the order's
 * status change; CHECKs and triggers abort the whole batch when a cap would
 * break. @see DOMAIN.md "Pre-order", "Variant", "Invite code"
 */
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
import { campaigns, variants } from "./campaigns";
import { c, createdAt, id, ms, oneOf, updatedAt } from "./columns";
import {
  holdStatuses,
  idempotencyStatuses,
  locales,
  preorderCancelActors,
  preorderStatuses,
} from "./enums";
import { inviteCodes, signups } from "./signups";
import type { OrderFieldValues } from "./types";

export const preorders = sqliteTable(
  "preorders",
  {
    id: id("ord"),
    // No cascade: a campaign with orders cannot be deleted (only drafts are, and they have none).
    campaignId: text()
      .notNull()
      .references(() => campaigns.id),
    signupId: text().references(() => signups.id, { onDelete: "set null" }),
    /** As given; NULL once erased (amounts and items stay). */
    email: text(),
    emailNormalized: text(),
    name: text(),
    locale: text({ enum: locales }).notNull().default("en"),
    status: text({ enum: preorderStatuses }).notNull(),
    /** Sum of quantity × unit_price over items, minor units of `currency`. */
    total: integer().notNull(),
    currency: text().notNull(),
    inviteId: text().references(() => inviteCodes.id, { onDelete: "set null" }),
    /** Values of the campaign's order fields (phone, address…); blanked on erasure. */
    fields: text({ mode: "json" }).$type<OrderFieldValues>().notNull().default({}),
    /** Version for this order's link tokens (verify, manage); bump to revoke. */
    tokenVersion: integer().notNull().default(1),
    /**
     * When held units go back if nothing happens: the verification deadline for
     * pending_verification, or campaigns.hold_minutes for reserved (if on).
     */
    holdExpiresAt: ms(),
    verifiedAt: ms(),
    confirmedAt: ms(),
    fulfilledAt: ms(),
    cancelledAt: ms(),
    cancelledBy: text({ enum: preorderCancelActors }),
    cancelReason: text(),
    expiredAt: ms(),
    ipHmac: text(),
    erasedAt: ms(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Admin list / CSV / bulk confirm by status.
    index("preorders_campaign_status_created_idx").on(t.campaignId, t.status, t.createdAt),
    // Per-customer cap trigger and "is this signup a customer".
    index("preorders_campaign_email_idx").on(t.campaignId, t.emailNormalized),
    index("preorders_signup_idx").on(t.signupId),
    // Cron sweep: WHERE status IN ('pending_verification', 'reserved') AND hold_expires_at <= now.
    index("preorders_status_hold_expires_idx").on(t.status, t.holdExpiresAt),
    check("preorder_status_valid", oneOf(t.status, preorderStatuses)),
    check("preorder_locale_valid", oneOf(t.locale, locales)),
    check("preorder_total_nonneg", sql`${c(t.total)} >= 0`),
    check(
      "preorder_email_present",
      sql`${c(t.erasedAt)} IS NOT NULL OR (${c(t.email)} IS NOT NULL AND ${c(t.emailNormalized)} IS NOT NULL)`,
    ),
    // An unverified order must expire, or its units would be held forever.
    check(
      "preorder_pending_expires",
      sql`${c(t.status)} <> 'pending_verification' OR ${c(t.holdExpiresAt)} IS NOT NULL`,
    ),
    check(
      "preorder_cancelled_fields",
      sql`${c(t.status)} <> 'cancelled' OR (${c(t.cancelledAt)} IS NOT NULL AND ${oneOf(t.cancelledBy, preorderCancelActors)})`,
    ),
  ],
);

/** Lines of an order. Price (and name) copied from the variant at order time; immutable (trigger). */
export const preorderItems = sqliteTable(
  "preorder_items",
  {
    id: id("itm"),
    preorderId: text()
      .notNull()
      .references(() => preorders.id, { onDelete: "cascade" }),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
    variantName: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // One line per variant per order (the app merges quantities); also serves the cap trigger's join.
    uniqueIndex("preorder_items_order_variant_unique").on(t.preorderId, t.variantId),
    index("preorder_items_variant_idx").on(t.variantId),
    check("preorder_item_quantity_positive", sql`${c(t.quantity)} > 0`),
    check("preorder_item_unit_price_nonneg", sql`${c(t.unitPrice)} >= 0`),
  ],
);

/**
 * One use of an invite code by one order. Used to enforce a shared code's
 * per-email limit (trigger) and to give the use back on cancel: set
 * released_at and uses − 1 in the cancel batch (rows are never deleted).
 */
export const inviteRedemptions = sqliteTable(
  "invite_redemptions",
  {
    id: id("ird"),
    inviteId: text()
      .notNull()
      .references(() => inviteCodes.id, { onDelete: "cascade" }),
    preorderId: text()
      .notNull()
      .references(() => preorders.id, { onDelete: "cascade" }),
    /** NULL once erased. */
    emailNormalized: text(),
    createdAt: createdAt(),
    releasedAt: ms(),
  },
  (t) => [
    uniqueIndex("invite_redemptions_invite_order_unique").on(t.inviteId, t.preorderId),
    index("invite_redemptions_invite_email_idx").on(t.inviteId, t.emailNormalized),
    index("invite_redemptions_preorder_idx").on(t.preorderId),
  ],
);

/**
 * Backfill: a unit returned by a cancel is held for the next person in line
 * (who gets invited) instead of going back to `remaining`. The hold is
 * `claimed` by their order (which then does not take from `remaining`) or
 * `released` at expires_at (remaining + quantity, same batch).
 */
export const holds = sqliteTable(
  "holds",
  {
    id: id("hld"),
    campaignId: text()
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    variantId: text()
      .notNull()
      .references(() => variants.id, { onDelete: "cascade" }),
    signupId: text()
      .notNull()
      .references(() => signups.id, { onDelete: "cascade" }),
    quantity: integer().notNull(),
    status: text({ enum: holdStatuses }).notNull().default("held"),
    expiresAt: ms().notNull(),
    /** The cancelled order whose unit this is. */
    sourcePreorderId: text().references(() => preorders.id, { onDelete: "set null" }),
    /** The order that claimed the hold. */
    preorderId: text().references(() => preorders.id, { onDelete: "set null" }),
    claimedAt: ms(),
    releasedAt: ms(),
    createdAt: createdAt(),
  },
  (t) => [
    // Cron sweep of expired holds.
    index("holds_status_expires_idx").on(t.status, t.expiresAt),
    // Order time: does this person hold units of this variant?
    index("holds_signup_variant_idx").on(t.signupId, t.variantId),
    // Units held per variant (stock accounting).
    index("holds_variant_status_idx").on(t.variantId, t.status),
    check("hold_status_valid", oneOf(t.status, holdStatuses)),
    check("hold_quantity_positive", sql`${c(t.quantity)} > 0`),
  ],
);

/**
 * Stored replies for `Idempotency-Key`. The first request inserts `in_flight`
 * (the PK makes a concurrent duplicate fail → 409 idempotency_in_flight), then
 * writes the final reply as `done` (same key, same request_hash → replay; other
 * hash → 422 idempotency_key_reused). locked_until lets a request take over a
 * key whose first request died mid-flight.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    /** What the key is scoped to, e.g. `preorders:<campaign id>`, `waves:<campaign id>`. */
    scope: text().notNull(),
    key: text().notNull(),
    /** Hash of method, path and canonical body. */
    requestHash: text().notNull(),
    status: text({ enum: idempotencyStatuses }).notNull().default("in_flight"),
    lockedUntil: ms(),
    responseStatus: integer(),
    responseBody: text(),
    responseHeaders: text({ mode: "json" }).$type<Record<string, string>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Cleanup after this (e.g. 24 h). */
    expiresAt: ms().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index("idempotency_keys_expires_idx").on(t.expiresAt),
    check("idempotency_status_valid", oneOf(t.status, idempotencyStatuses)),
    check(
      "idempotency_done_has_response",
      sql`${c(t.status)} <> 'done' OR ${c(t.responseStatus)} IS NOT NULL`,
    ),
  ],
);
