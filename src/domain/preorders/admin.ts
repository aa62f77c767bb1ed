/**
 * Admin side of the pre-order lifecycle:
 *
 *   pending_verification ──▶ cancelled
 *   reserved ──▶ confirmed ──▶ fulfilled
 *   reserved | confirmed ──▶ cancelled
 *
 * `expired` is the cron's; `cancelled` and `expired` are final (the
 * `preorders_final_status` trigger refuses any way out of them). An admin
 * cancel is the same batch as a customer's (cancel.ts `cancelStatements`:
 * units and the invite use back, the email) with `by = 'admin'`. Every change
 * is audited in its own batch. A change is planned on the order as read and
 * applies only to that state: the batch opens with a guard that aborts it if
 * the status moved meanwhile (D1 runs a batch as one transaction).
 * @see ../../../../shared/DOMAIN.md "Pre-order"
 */
import { asc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { type Preorder, preorderItems, preorders } from "../../db/schema";
import type { PreorderStatus } from "../../db/schema/enums";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { errorText } from "../db-errors";
import { findAdminPreorder, type PreorderListRow } from "./admin-list";
import { cancelStatements, isOrderMoved } from "./cancel";

/** Where an admin may move an order from each status. */
export const ADMIN_TRANSITIONS: Record<PreorderStatus, readonly PreorderStatus[]> = {
  pending_verification: ["cancelled"],
  reserved: ["confirmed", "cancelled"],
  confirmed: ["fulfilled", "cancelled"],
  fulfilled: [],
  cancelled: [],
  expired: [],
};

/** The CHECK the stale guard trips (the API never writes a negative total otherwise). */
const STALE_CHECK = "preorder_total_nonneg";

/**
 * First statement of a batch that must apply only to the order in status
 * `from`: otherwise it writes a negative total, the CHECK fails and the whole
 * batch rolls back.
 */
export function abortUnlessStatus(db: Db, id: string, from: PreorderStatus) {
  return db
    .update(preorders)
    .set({ total: -1 })
    .where(sql`${preorders.id} = ${id} AND ${preorders.status} <> ${from}`);
}

export const isStale = (e: unknown) => errorText(e).includes(STALE_CHECK);

const changedMeanwhile = () =>
  new AppError("conflict", {
    detail: "The order changed while this request ran; reload it and retry",
  });

export interface StatusChange {
  status: PreorderStatus;
  /** Kept on the order when cancelling, and in the audit log. */
  reason?: string | undefined;
}

async function loadOrder(db: Db, id: string) {
  const [orders, items] = await db.batch([
    db.select().from(preorders).where(eq(preorders.id, id)).limit(1),
    db
      .select()
      .from(preorderItems)
      .where(eq(preorderItems.preorderId, id))
      .orderBy(asc(preorderItems.createdAt), asc(preorderItems.id)),
  ]);
  const order = orders[0];
  if (!order) throw notFound("Pre-order");
  return { order, items };
}

function statusColumns(to: PreorderStatus, now: number): Partial<Preorder> {
  // A confirmed order holds its units for good: no hold deadline any more.
  if (to === "confirmed") return { status: to, confirmedAt: now, holdExpiresAt: null };
  if (to === "fulfilled") return { status: to, fulfilledAt: now, holdExpiresAt: null };
  throw new Error(`statusColumns: ${to} is not a plain status update`);
}

/**
 * Moves one order to `change.status` if the lifecycle allows it from where
 * it is (409 `conflict` naming the allowed statuses otherwise). Asking for
 * the status it already has changes nothing. Returns the order as now stored.
 */
export async function setPreorderStatus(
  db: Db,
  audit: AuditContext,
  id: string,
  change: StatusChange,
  now: number,
): Promise<{ row: PreorderListRow; changed: boolean }> {
  const { order, items } = await loadOrder(db, id);
  const from = order.status;
  const to = change.status;
  if (from !== to) {
    const allowed = ADMIN_TRANSITIONS[from];
    if (!allowed.includes(to)) {
      throw new AppError("conflict", {
        detail: allowed.length
          ? `A ${from} order can move to ${allowed.join(" or ")}, not ${to}`
          : `A ${from} order is final; its status cannot change`,
        extra: { order_status: from, allowed_statuses: allowed },
      });
    }
    const stmts: BatchItem<"sqlite">[] = [abortUnlessStatus(db, id, from)];
    if (to === "cancelled") {
      stmts.push(
        ...cancelStatements(db, order, items, "admin", now, { reason: change.reason ?? null }),
      );
    } else {
      stmts.push(
        db
          .update(preorders)
          .set({ ...statusColumns(to, now), updatedAt: now })
          .where(sql`${preorders.id} = ${id} AND ${preorders.status} = ${from}`),
      );
    }
    stmts.push(
      auditInsert(db, audit, {
        action: "preorder.status",
        targetType: "preorder",
        targetId: id,
        campaignId: order.campaignId,
        changes: {
          status: { from, to },
          ...(change.reason ? { reason: change.reason } : {}),
        },
      }),
    );
    try {
      await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    } catch (e) {
      if (isStale(e) || isOrderMoved(e)) throw changedMeanwhile();
      throw e;
    }
  }
  const row = await findAdminPreorder(db, id);
  if (!row) throw notFound("Pre-order");
  return { row, changed: from !== to };
}
