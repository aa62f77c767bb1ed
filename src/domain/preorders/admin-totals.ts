/**
 * Totals per variant: units sold (on live orders, by status), units held for
 * backfill, units remaining, and revenue (Σ unit_price × quantity over live
 * orders, at the prices copied onto the orders). Stock accounting holds
 * `stock = remaining + sold + held` for every variant (DOMAIN.md "Variant";
 * schema/campaigns.ts), which the totals let anyone check.
 * One batch of three grouped reads, however many orders there are.
 * @see ../../../../shared/DOMAIN.md "Variant", "Pre-order"
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { livePreorderStatuses, type PreorderStatus, preorderStatuses } from "../../db/schema/enums";
import { notFound } from "../../lib/errors";
import { run } from "../campaigns/statements";

const LIVE = sql.raw(livePreorderStatuses.map((s) => `'${s}'`).join(", "));

type LiveStatus = (typeof livePreorderStatuses)[number];

interface VariantRow {
  id: string;
  name: string;
  price: number;
  stock: number;
  remaining: number;
  archived_at: number | null;
  held: number;
  revenue: number;
  pending_verification: number;
  reserved: number;
  confirmed: number;
  fulfilled: number;
}

export interface VariantTotals {
  variant_id: string;
  name: string;
  price: number;
  stock: number;
  remaining: number;
  held: number;
  sold: number;
  revenue: number;
  units_by_status: Record<LiveStatus, number>;
  archived: boolean;
}

export interface PreorderTotals {
  campaign_id: string;
  currency: string;
  variants: VariantTotals[];
  totals: { stock: number; remaining: number; held: number; sold: number; revenue: number };
  orders_by_status: Record<PreorderStatus, number>;
}

export async function preorderTotals(db: Db, campaignId: string): Promise<PreorderTotals> {
  const [head, variants, statuses] = await db.batch([
    run(db, sql`SELECT id, currency FROM campaigns WHERE id = ${campaignId}`),
    run(
      db,
      sql`SELECT v.id, v.name, v.price, v.stock, v.remaining, v.archived_at,
          coalesce(h.held, 0) AS held, coalesce(s.revenue, 0) AS revenue,
          coalesce(s.pending_verification, 0) AS pending_verification,
          coalesce(s.reserved, 0) AS reserved, coalesce(s.confirmed, 0) AS confirmed,
          coalesce(s.fulfilled, 0) AS fulfilled
        FROM variants v
        LEFT JOIN (
          SELECT i.variant_id,
            sum(i.quantity * i.unit_price) AS revenue,
            sum(CASE WHEN p.status = 'pending_verification' THEN i.quantity ELSE 0 END) AS pending_verification,
            sum(CASE WHEN p.status = 'reserved' THEN i.quantity ELSE 0 END) AS reserved,
            sum(CASE WHEN p.status = 'confirmed' THEN i.quantity ELSE 0 END) AS confirmed,
            sum(CASE WHEN p.status = 'fulfilled' THEN i.quantity ELSE 0 END) AS fulfilled
          FROM preorders p JOIN preorder_items i ON i.preorder_id = p.id
          WHERE p.campaign_id = ${campaignId} AND p.status IN (${LIVE})
          GROUP BY i.variant_id
        ) s ON s.variant_id = v.id
        LEFT JOIN (
          SELECT variant_id, sum(quantity) AS held FROM holds
          WHERE campaign_id = ${campaignId} AND status = 'held' GROUP BY variant_id
        ) h ON h.variant_id = v.id
        WHERE v.campaign_id = ${campaignId}
        ORDER BY v.sort_order, v.created_at, v.id`,
    ),
    run(
      db,
      sql`SELECT status, count(*) AS n FROM preorders WHERE campaign_id = ${campaignId} GROUP BY status`,
    ),
  ]);
  const rows = <T>(r: unknown) => ((r as { results?: T[] }).results ?? []) as T[];
  const campaign = rows<{ id: string; currency: string }>(head)[0];
  if (!campaign) throw notFound("Campaign");

  const out: VariantTotals[] = rows<VariantRow>(variants).map((v) => {
    const byStatus = {
      pending_verification: v.pending_verification,
      reserved: v.reserved,
      confirmed: v.confirmed,
      fulfilled: v.fulfilled,
    };
    return {
      variant_id: v.id,
      name: v.name,
      price: v.price,
      stock: v.stock,
      remaining: v.remaining,
      held: v.held,
      sold: Object.values(byStatus).reduce((a, b) => a + b, 0),
      revenue: v.revenue,
      units_by_status: byStatus,
      archived: v.archived_at !== null,
    };
  });
  const sum = (k: "stock" | "remaining" | "held" | "sold" | "revenue") =>
    out.reduce((n, v) => n + v[k], 0);
  const ordersByStatus = Object.fromEntries(preorderStatuses.map((s) => [s, 0])) as Record<
    PreorderStatus,
    number
  >;
  for (const r of rows<{ status: PreorderStatus; n: number }>(statuses)) {
    ordersByStatus[r.status] = r.n;
  }
  return {
    campaign_id: campaign.id,
    currency: campaign.currency,
    variants: out,
    totals: {
      stock: sum("stock"),
      remaining: sum("remaining"),
      held: sum("held"),
      sold: sum("sold"),
      revenue: sum("revenue"),
    },
    orders_by_status: ordersByStatus,
  };
}
