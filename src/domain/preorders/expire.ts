/**
 * Cron task: orders past their hold expire and give their units back
 * (DOMAIN.md "Pre-order"): `pending_verification` orders whose email was not
 * confirmed within the campaign's `verify_minutes`, and `reserved` orders
 * past the campaign's optional hold (`hold_minutes`, off by default).
 *
 * Set-based, one batch per set of due orders: every statement selects the
 * same orders by the same predicate (in the set, still in a holding status,
 * deadline passed), and the status change comes last, so the stock return,
 * the invite uses, the redemptions and the emails all see exactly the
 * orders that the status change then ends. D1 runs a batch as one
 * serialized transaction: a second run (a concurrent cron, a retry) finds
 * no order still matching and changes nothing, and an order verified or
 * cancelled just before no longer matches, so units are released once.
 * An order verified or cancelled just after hits the guard in its own batch
 * (./cancel.ts `guardedStatus`, the `preorders_final_status` trigger).
 * @see ../../../migrations/0001_triggers.sql
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { run, type Stmts } from "../campaigns/statements";

/** Orders per batch; every statement binds the set as ONE JSON parameter (~10 KB). */
export const EXPIRE_SET_SIZE = 300;
/**
 * Sets per cron run: each costs 6 queries of the invocation's 50, which all
 * cron tasks share; what is left over waits for the next minute.
 */
const SETS_PER_RUN = 1;

const HOLDING = sql.raw(`'pending_verification', 'reserved'`);

/** "Order p is in the set and still due" — the one predicate every statement shares. */
const due = (ids: string, now: number): SQL =>
  sql`p.id IN (SELECT value FROM json_each(${ids})) AND p.status IN (${HOLDING})
    AND p.hold_expires_at IS NOT NULL AND p.hold_expires_at <= ${now}`;

/** The statements that expire the orders of `ids` still due at `now`, for one batch. */
export function expireStatements(db: Db, ids: string[], now: number): Stmts {
  const set = JSON.stringify(ids);
  const p = due(set, now);
  return [
    run(
      db,
      sql`UPDATE variants SET
          remaining = remaining + (SELECT coalesce(sum(i.quantity), 0) FROM preorder_items i
            JOIN preorders p ON p.id = i.preorder_id WHERE i.variant_id = variants.id AND ${p}),
          updated_at = ${now}
        WHERE id IN (SELECT i.variant_id FROM preorder_items i
          JOIN preorders p ON p.id = i.preorder_id WHERE ${p})`,
    ),
    run(
      db,
      sql`UPDATE invite_codes SET
          uses = uses - (SELECT count(*) FROM invite_redemptions r
            JOIN preorders p ON p.id = r.preorder_id
            WHERE r.invite_id = invite_codes.id AND r.released_at IS NULL AND ${p}),
          updated_at = ${now}
        WHERE id IN (SELECT r.invite_id FROM invite_redemptions r
          JOIN preorders p ON p.id = r.preorder_id WHERE r.released_at IS NULL AND ${p})`,
    ),
    run(
      db,
      sql`UPDATE invite_redemptions SET released_at = ${now}
        WHERE released_at IS NULL AND preorder_id IN (SELECT p.id FROM preorders p WHERE ${p})`,
    ),
    // emails/types.ts TemplateData["order_expired"], built in SQL; `reason` from the
    // status before this batch's last statement ends the order (the template's copy
    // differs: an unconfirmed email, or a proven order's hold running out).
    // `WHERE … ON CONFLICT`: the WHERE keeps SQLite from reading ON CONFLICT as a join clause.
    run(
      db,
      sql`INSERT INTO outbox_emails (id, campaign_id, template, category, locale, to_email, payload,
          dedupe_key, status, attempts, next_attempt_at, signup_id, preorder_id, erased,
          created_at, updated_at)
        SELECT 'eml_' || lower(hex(randomblob(13))), p.campaign_id, 'order_expired',
          'transactional', p.locale, p.email,
          json_object('orderId', p.id, 'items', json((SELECT json_group_array(json_object(
              'name', i.variant_name, 'quantity', i.quantity, 'unitPrice', i.unit_price))
            FROM (SELECT * FROM preorder_items WHERE preorder_id = p.id ORDER BY created_at, id) i)),
            'total', p.total, 'currency', p.currency,
            'reason', CASE p.status WHEN 'reserved' THEN 'hold' ELSE 'unverified' END),
          'order_expired:' || p.id, 'queued', 0, ${now}, p.signup_id, p.id, 0, ${now}, ${now}
        FROM preorders p
        WHERE ${p} AND p.email IS NOT NULL AND p.erased_at IS NULL
        ON CONFLICT (dedupe_key) DO NOTHING`,
    ),
    run(
      db,
      sql`UPDATE preorders AS p SET status = 'expired', expired_at = ${now}, updated_at = ${now}
        WHERE ${p}`,
    ),
  ];
}

/**
 * Expires what is due, a bounded number of sets per run (the rest next
 * minute). Returns how many orders this run ended.
 */
export async function expireDueOrders(
  db: Db,
  now: number,
  options: { setSize?: number; sets?: number } = {},
): Promise<{ expired: number }> {
  const size = options.setSize ?? EXPIRE_SET_SIZE;
  let expired = 0;
  for (let i = 0; i < (options.sets ?? SETS_PER_RUN); i++) {
    const rows = await db.all<{ id: string }>(
      sql`SELECT id FROM preorders
        WHERE status IN (${HOLDING}) AND hold_expires_at <= ${now}
        ORDER BY hold_expires_at LIMIT ${size}`,
    );
    if (!rows.length) break;
    const results = await db.batch(
      expireStatements(
        db,
        rows.map((r) => r.id),
        now,
      ),
    );
    const last = results.at(-1) as { meta?: { changes?: number } } | undefined;
    expired += Number(last?.meta?.changes ?? 0);
    if (rows.length < size) break;
  }
  return { expired };
}
