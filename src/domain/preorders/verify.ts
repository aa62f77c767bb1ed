/**
 * Proof of email for pre-orders (DOMAIN.md "Pre-order"; CONTRACT.md
 * "Customer tokens"). An order proves its email with a status token (a
 * signup's status link: only ever sent to that address) for a signup with
 * the same normalised email in the same campaign, or with a personal invite
 * (bound to one signup's email). Such an order is `reserved` at once;
 * anything else is `pending_verification`: its units are held, an
 * `order_verify` email carries a `/verify/{token}` link, and the cron
 * expires it after the campaign's `verify_minutes` (./expire.ts).
 *
 * So that nobody can empty the stock with made-up addresses, unproven orders
 * are also limited per client IP (units per hour, a D1 counter) and per
 * email (live pending orders); both are guards inside the order batch
 * (./place-batch.ts).
 */
import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import {
  type InviteKind,
  type Locale,
  type PreorderStatus,
  preorders,
  signups,
} from "../../db/schema";
import { outboxInsert } from "../../email/outbox";
import { AppError, rateLimited } from "../../lib/errors";
import { verifyToken } from "../../lib/tokens";
import { iso } from "../../lib/wire";
import { run } from "../campaigns/statements";
import { constraintCode, errorText } from "../db-errors";
import type { InviteCheckReason } from "../invites/codes";
import { findInviteForOrder } from "../invites/lookup";
import { guardedStatus, isOrderMoved } from "./cancel";
import { type OrderView, orderData, verificationLapsed } from "./read";

export interface Proof {
  /** The email is proven: the order is `reserved` at once. */
  proven: boolean;
  /** The signup the proof came from (the order is linked to it). */
  signupId: string | null;
  signupLocale: Locale | null;
  /** The invite the order consumes a use of. */
  invite: { id: string; kind: InviteKind } | null;
}

/** Abuse limits for orders whose email is not proven. */
export const UNVERIFIED_LIMITS = {
  /** Live pending_verification orders per email per campaign (guard inside the order batch). */
  perEmail: 2,
  /** Units in unverified orders per client IP per hour (D1 counter). */
  unitsPerIpHour: 10,
} as const;

/** The CHECK the per-email guard trips. */
const UNVERIFIED_CAP_CHECK = "preorder_pending_expires";

/**
 * The `hold_expires_at` of a new pending order, as SQL: the deadline while
 * the email has a free slot, else NULL, which the `preorder_pending_expires`
 * CHECK refuses, aborting the order's batch. Counted inside the batch, so
 * concurrent orders of one made-up address cannot all slip past a read.
 */
export const pendingDeadline = (campaignId: string, emailNormalized: string, deadline: number) =>
  sql<number>`CASE WHEN (SELECT count(*) FROM preorders p WHERE p.campaign_id = ${campaignId}
      AND p.email_normalized = ${emailNormalized} AND p.status = 'pending_verification')
    < ${UNVERIFIED_LIMITS.perEmail} THEN ${deadline} END`;

export const isUnverifiedCap = (e: unknown) => errorText(e).includes(UNVERIFIED_CAP_CHECK);

export const unverifiedCapError = () =>
  new AppError("limit_exceeded", {
    detail: `This email already has ${UNVERIFIED_LIMITS.perEmail} unconfirmed pre-orders; confirm one from its email first`,
    extra: { limit: "unverified_orders_per_email", max: UNVERIFIED_LIMITS.perEmail },
  });

const badToken = () =>
  new AppError("validation_failed", {
    detail: "The status token is not valid for this email in this campaign",
    errors: [{ path: "status_token", message: "Not a status link of this email in this campaign" }],
  });

/**
 * 403 `invite_required` (invite-only campaign) or 422 on `invite_code`
 * (elsewhere: a code was given, so it must be good), with the reason as the
 * invite check gives it.
 */
/** What a customer reads; `reason` stays the machine-readable word. */
const INVITE_REASON_TEXT: Record<InviteCheckReason, string> = {
  invalid: "This invite code does not exist; check it for typos",
  expired: "This invite code has expired",
  revoked: "This invite code is no longer valid",
  used_up: "This invite code has been used up",
  not_for_this_email:
    "This invite code belongs to another email address; order with the address it was sent to",
};

export function inviteRejected(campaign: { inviteOnly: boolean }, reason: InviteCheckReason) {
  const detail = INVITE_REASON_TEXT[reason];
  if (campaign.inviteOnly) return new AppError("invite_required", { detail, extra: { reason } });
  return new AppError("validation_failed", {
    detail,
    errors: [{ path: "invite_code", message: detail }],
    extra: { reason },
  });
}

/**
 * What the order's status token and invite code prove, or the error to
 * answer with: a bad status token → 422; a bad code → inviteRejected; no
 * code in an invite-only campaign → 403 `invite_required`. The two lookups
 * run side by side.
 */
export async function proveEmail(
  db: Db,
  secret: string,
  campaign: { id: string; inviteOnly: boolean },
  input: {
    emailNormalized: string;
    statusToken?: string | undefined;
    inviteCode?: string | undefined;
    now: number;
  },
): Promise<Proof> {
  const code = input.inviteCode?.trim();
  if (campaign.inviteOnly && !code) {
    throw new AppError("invite_required", {
      detail: "This pre-sale is invite-only: send the invite code from your invitation",
      extra: { reason: "missing" },
    });
  }
  const [signup, invite] = await Promise.all([
    input.statusToken ? signupOfToken(db, secret, input.statusToken) : null,
    code
      ? findInviteForOrder(
          db,
          { TOKEN_SECRET: secret },
          campaign.id,
          code,
          input.emailNormalized,
          input.now,
        )
      : null,
  ]);
  if (input.statusToken) {
    if (
      !signup ||
      signup.campaignId !== campaign.id ||
      signup.emailNormalized !== input.emailNormalized
    ) {
      throw badToken();
    }
  }
  if (invite && !invite.ok) throw inviteRejected(campaign, invite.reason);
  const personal = invite?.ok && invite.invite.kind === "personal" ? invite.invite : null;
  return {
    proven: Boolean(signup || personal),
    signupId: signup?.id ?? personal?.signupId ?? null,
    signupLocale: signup?.locale ?? null,
    invite: invite?.ok ? { id: invite.invite.id, kind: invite.invite.kind } : null,
  };
}

/** The live signup a status token points at (any campaign; the caller compares). */
async function signupOfToken(db: Db, secret: string, token: string) {
  const claims = await verifyToken(secret, "status", token);
  if (!claims) return null;
  const [row] = await db
    .select({
      id: signups.id,
      campaignId: signups.campaignId,
      emailNormalized: signups.emailNormalized,
      locale: signups.locale,
      tokenVersion: signups.tokenVersion,
      erasedAt: signups.erasedAt,
    })
    .from(signups)
    .where(eq(signups.id, claims.id))
    .limit(1);
  if (!row || row.tokenVersion !== claims.version || row.erasedAt !== null) return null;
  return row;
}

const HOUR_MS = 3_600_000;

/** The CHECK the per-IP unit budget trips (a counter written as -1). */
const UNITS_BUDGET_CHECK = "rate_counter_count_nonneg";

/**
 * Counts `units` of an unproven order against the client IP's hourly budget,
 * as a statement of the order's own batch: one atomic upsert, so concurrent
 * requests all count, and past the budget it writes -1, which the counter's
 * CHECK refuses, aborting the batch (a conditional write that matches nothing
 * would not). So only units actually held are counted, and the check costs no
 * round trip of its own.
 */
export function unverifiedUnitsStatement(
  db: Db,
  ipHmac: string,
  units: number,
  limit: number,
  now: number,
): BatchItem<"sqlite"> {
  const windowStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  return run(
    db,
    sql`INSERT INTO rate_counters (key, window_start, count, expires_at)
        VALUES (${`preorder_units:ip:${ipHmac}`}, ${windowStart},
          CASE WHEN ${units} > ${limit} THEN -1 ELSE ${units} END, ${windowStart + HOUR_MS})
        ON CONFLICT (key, window_start) DO UPDATE
          SET count = CASE WHEN count + ${units} > ${limit} THEN -1 ELSE count + ${units} END`,
  );
}

/**
 * 409 for an unproven order larger than the whole hourly budget: waiting
 * would never help, so it is not a 429. Proof of email lifts the budget.
 */
export const unverifiedOrderTooLarge = () =>
  new AppError("limit_exceeded", {
    detail: `Without your status link or a personal invite, one order can hold at most ${UNVERIFIED_LIMITS.unitsPerIpHour} units. Open the shop from the status link in your signup email (or use your personal invite code) to order more.`,
    extra: { limit: "unverified_units_per_order", max: UNVERIFIED_LIMITS.unitsPerIpHour },
  });

export const isUnitsBudgetSpent = (e: unknown) => errorText(e).includes(UNITS_BUDGET_CHECK);

/** 429 until the hourly window of the per-IP unit budget ends. */
export function unitsBudgetError(now: number): AppError {
  const resetAt = (Math.floor(now / HOUR_MS) + 1) * HOUR_MS;
  return rateLimited((resetAt - now) / 1000);
}

/** What an order's email needs of the order (the address as given, not erased). */
export interface MailOrder {
  id: string;
  campaignId: string;
  signupId: string | null;
  email: string;
  locale: Locale;
  status: PreorderStatus;
  total: number;
  currency: string;
}

/**
 * The email an order gets: the verify link while it is pending (./place.ts),
 * else the receipt (placed proven, or just verified). Its own dedupe key per
 * kind, so a retried batch never queues a second one.
 */
export function orderMailInsert(
  db: Db,
  order: MailOrder,
  items: Parameters<typeof orderData>[1],
  campaign: { verifyMinutes: number; cancelAllowedUntil: number | null },
  now: number,
) {
  const mail = {
    to: order.email,
    locale: order.locale,
    campaignId: order.campaignId,
    preorderId: order.id,
    signupId: order.signupId,
  };
  const data = orderData(order, items);
  if (order.status === "pending_verification") {
    const payload = { ...data, expiresMinutes: campaign.verifyMinutes };
    const dedupeKey = `order_verify:${order.id}`;
    return outboxInsert(db, { ...mail, template: "order_verify", payload, dedupeKey }, now);
  }
  const payload = { ...data, cancelUntil: iso(campaign.cancelAllowedUntil) };
  const dedupeKey = `order_receipt:${order.id}`;
  return outboxInsert(db, { ...mail, template: "order_receipt", payload, dedupeKey }, now);
}

/** `over_limit`: the email's proven orders already hold the per-customer cap. */
export type VerifyOutcome = "verified" | "already" | "lapsed" | "over_limit";

/**
 * The emailed link's POST: `pending_verification` → `reserved` (the hold
 * deadline becomes the campaign's optional reserved hold, usually none) and
 * the receipt, one batch. Guarded like a cancel (./cancel.ts): if the order
 * was verified, cancelled or expired meanwhile, or its deadline has passed,
 * the batch aborts and nothing is sent twice.
 */
export async function verifyOrder(db: Db, view: OrderView, now: number): Promise<VerifyOutcome> {
  const { order } = view;
  if (order.status !== "pending_verification") return "already";
  if (verificationLapsed(order, now)) return "lapsed";
  const hold = view.campaign.holdMinutes;
  const stmts: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db
      .update(preorders)
      .set({
        status: guardedStatus(
          ["pending_verification"],
          "reserved",
          sql`${preorders.holdExpiresAt} > ${now}`,
        ),
        verifiedAt: now,
        holdExpiresAt: hold === null ? null : now + hold * 60_000,
        updatedAt: now,
      })
      .where(eq(preorders.id, order.id)),
  ];
  if (order.email) {
    const mail = { ...order, email: order.email, status: "reserved" as const };
    stmts.push(orderMailInsert(db, mail, view.items, view.campaign, now));
  }
  try {
    await db.batch(stmts);
    return "verified";
  } catch (e) {
    // Proven orders of this email (placed after this one) fill the cap: this
    // one stays unconfirmed and its hold runs out (migration 0003).
    if (constraintCode(e) === "limit_exceeded") return "over_limit";
    if (!isOrderMoved(e)) throw e;
    const [row] = await db
      .select({ status: preorders.status })
      .from(preorders)
      .where(eq(preorders.id, order.id));
    return row?.status === "reserved" || row?.status === "confirmed" ? "already" : "lapsed";
  }
}
