/**
 * Cancelling a pre-order: the status change, its units back to stock, the
 * invite use given back and the cancellation email, all in ONE batch
 * (DOMAIN.md "Pre-order", "Invite code"). The customer's cancel (order page
 * or Bearer API, while the campaign allows) and the admin's (admin.ts) share
 * `cancelStatements`.
 *
 * Why the status change is a CASE and not `WHERE status IN (…)`: a
 * conditional UPDATE that matches nothing does not abort a batch, so the
 * stock return next to it would still run and a double cancel would return
 * the units twice. The `preorders_final_status` trigger aborts only a change
 * *out of* cancelled/expired to another status (cancelled → cancelled is not
 * a change to it). So the statement always updates the row, to `cancelled`
 * when the order is live, and otherwise to an impossible status: from a final
 * status the trigger aborts (`preorder_final`), from any other (fulfilled)
 * the `preorder_status_valid` CHECK does. Either way the whole batch rolls
 * back, however the cancel races an expiry, a second click or an admin.
 * @see ../../../migrations/0001_triggers.sql (trigger 3)
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import {
  inviteCodes,
  inviteRedemptions,
  type Preorder,
  type PreorderCancelActor,
  type PreorderItem,
  type PreorderStatus,
  preorderItems,
  preorders,
  variants,
} from "../../db/schema";
import { outboxInsert } from "../../email/outbox";
import { AppError } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { constraintCode, errorText } from "../db-errors";
import { CUSTOMER_CANCELLABLE, canCustomerCancel, type OrderView, orderData } from "./read";

type Stmt = BatchItem<"sqlite">;

/** The status a guarded change writes when the order is not where it must be (never valid). */
const MOVED = "moved";
/** The CHECK that impossible status trips. */
const MOVED_CHECK = "preorder_status_valid";

/**
 * `status = to` when the order's status is one of `from` (and `also` holds),
 * else an invalid status that aborts the batch (see the file comment).
 */
export function guardedStatus(from: readonly PreorderStatus[], to: PreorderStatus, also?: unknown) {
  const list = sql.join(
    from.map((s) => sql`${s}`),
    sql`, `,
  );
  const extra = also === undefined ? sql`` : sql` AND (${also})`;
  return sql<PreorderStatus>`CASE WHEN ${preorders.status} IN (${list})${extra} THEN ${to} ELSE ${MOVED} END`;
}

/** The batch failed because the order was no longer in a status the change expected. */
export const isOrderMoved = (e: unknown) =>
  errorText(e).includes(MOVED_CHECK) || constraintCode(e) === "invalid_transition";

type CancelOrder = Pick<
  Preorder,
  "id" | "campaignId" | "signupId" | "email" | "locale" | "total" | "currency"
>;
type CancelItem = Pick<PreorderItem, "variantId" | "variantName" | "quantity" | "unitPrice">;

/**
 * The statements that cancel `order` (live: pending_verification, reserved or
 * confirmed) for the caller's batch: the guarded status change, every unit
 * back to its variant's `remaining`, the invite use(s) given back (uses − 1,
 * redemption released), and the `order_cancelled` email. The quantities
 * returned are read from the order's own items inside the batch; `items` is
 * only the email's content. Put nothing before it that depends on the order
 * being live; a batch with these aborts as a whole if it is not.
 */
export function cancelStatements(
  db: Db,
  order: CancelOrder,
  items: readonly CancelItem[],
  by: PreorderCancelActor,
  now: number,
  options: { reason?: string | null } = {},
): Stmt[] {
  const ownItems = db
    .select({ variantId: preorderItems.variantId })
    .from(preorderItems)
    .where(eq(preorderItems.preorderId, order.id));
  const liveRedemptions = and(
    eq(inviteRedemptions.preorderId, order.id),
    isNull(inviteRedemptions.releasedAt),
  );
  const stmts: Stmt[] = [
    db
      .update(preorders)
      .set({
        status: guardedStatus(CUSTOMER_CANCELLABLE, "cancelled"),
        cancelledAt: now,
        cancelledBy: by,
        ...(options.reason ? { cancelReason: options.reason } : {}),
        updatedAt: now,
      })
      .where(eq(preorders.id, order.id)),
    db
      .update(variants)
      .set({
        remaining: sql`${variants.remaining} + coalesce((SELECT sum(i.quantity) FROM preorder_items i
          WHERE i.preorder_id = ${order.id} AND i.variant_id = ${variants.id}), 0)`,
        updatedAt: now,
      })
      .where(inArray(variants.id, ownItems)),
    // Uses first, then the release: the release is what the uses statement selects by.
    db
      .update(inviteCodes)
      .set({ uses: sql`${inviteCodes.uses} - 1`, updatedAt: now })
      .where(
        inArray(
          inviteCodes.id,
          db
            .select({ id: inviteRedemptions.inviteId })
            .from(inviteRedemptions)
            .where(liveRedemptions),
        ),
      ),
    db.update(inviteRedemptions).set({ releasedAt: now }).where(liveRedemptions),
  ];
  if (order.email) {
    stmts.push(
      outboxInsert(
        db,
        {
          template: "order_cancelled",
          to: order.email,
          locale: order.locale,
          campaignId: order.campaignId,
          preorderId: order.id,
          signupId: order.signupId,
          payload: { ...orderData(order, items), cancelledBy: by },
          dedupeKey: `order_cancelled:${order.id}`,
        },
        now,
      ),
    );
  }
  return stmts;
}

const notCancellable = (view: OrderView, now: number) => {
  const { status } = view.order;
  const until = view.campaign.cancelAllowedUntil;
  const detail = !(CUSTOMER_CANCELLABLE as readonly string[]).includes(status)
    ? `A ${status} order cannot be cancelled`
    : until !== null && until <= now
      ? "The campaign no longer allows cancelling orders"
      : "This order cannot be cancelled now";
  return new AppError("conflict", {
    detail,
    extra: {
      order_status: status,
      cancel_allowed_until: until === null ? null : new Date(until).toISOString(),
    },
  });
};

/**
 * The owner cancels their order while allowed: the campaign's
 * `cancel_allowed_until` has not passed and the order is live and not yet
 * fulfilled (409 `conflict` otherwise, also when it changed meanwhile).
 * One batch: cancelStatements plus the audit row.
 */
export async function cancelByCustomer(
  db: Db,
  audit: AuditContext,
  view: OrderView,
  now: number,
): Promise<void> {
  if (!canCustomerCancel(view, now)) throw notCancellable(view, now);
  const { order } = view;
  const stmts = cancelStatements(db, order, view.items, "customer", now);
  stmts.push(
    auditInsert(db, audit, {
      action: "preorder.cancel",
      targetType: "preorder",
      targetId: order.id,
      campaignId: order.campaignId,
      changes: { status: { from: order.status, to: "cancelled" } },
    }),
  );
  try {
    await db.batch(stmts as [Stmt, ...Stmt[]]);
  } catch (e) {
    if (!isOrderMoved(e)) throw e;
    throw notCancellable(
      { ...view, order: { ...order, status: await statusOf(db, order.id) } },
      now,
    );
  }
}

async function statusOf(db: Db, id: string): Promise<PreorderStatus> {
  const [row] = await db
    .select({ status: preorders.status })
    .from(preorders)
    .where(eq(preorders.id, id));
  return row?.status ?? "cancelled";
}
