/**
 * Who a broadcast goes to (`broadcastSegments`), as SQL over the `signups`
 * table (unaliased: the funnel stage expression of the admin list names it).
 * The stages are the admin list's own (src/domain/signups/admin-list.ts
 * stageSql), so "customers" here are the people the list calls customers.
 *
 * Everyone in a segment is also filtered by `sendable`: not erased, not
 * rejected by review, subscribed to the campaign's list mail, not globally
 * suppressed. Checked when the rows are written; the sender checks
 * unsubscribe and suppression again at send time (src/email/drain.ts).
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast", "Outbox email"
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { BroadcastSegment } from "../../db/schema/enums";
import { stageSql } from "../signups/admin-list";

export const segmentDescriptions: Record<BroadcastSegment, string> = {
  all: "Everyone on the list, pending and confirmed",
  pending: "Signed up, not yet confirmed (double opt-in)",
  confirmed: "Confirmed signups, invited or not, customers included",
  invited_not_ordered: "Holding a personal invite, no live pre-order",
  customers: "With a live pre-order",
};

export function segmentSql(segment: BroadcastSegment): SQL {
  switch (segment) {
    case "all":
      return sql`1 = 1`;
    case "pending":
      return sql`signups.status = 'pending'`;
    case "confirmed":
      return sql`signups.status = 'confirmed'`;
    case "invited_not_ordered":
      return sql`(${stageSql}) = 'prospect'`;
    case "customers":
      return sql`(${stageSql}) = 'customer'`;
  }
}

export const sendable = sql.raw(`signups.erased_at IS NULL AND signups.email IS NOT NULL
  AND signups.unsubscribed_at IS NULL AND signups.review <> 'rejected'
  AND NOT EXISTS (SELECT 1 FROM suppressions sup WHERE sup.email_normalized = signups.email_normalized)`);

/** The recipients of a segment in the campaign, as one WHERE. */
export const recipientsOf = (campaignId: string, segment: BroadcastSegment) =>
  sql`signups.campaign_id = ${campaignId} AND ${segmentSql(segment)} AND ${sendable}`;

export async function countRecipients(
  db: Db,
  campaignId: string,
  segment: BroadcastSegment,
): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM signups WHERE ${recipientsOf(campaignId, segment)}`,
  );
  return Number(row?.n ?? 0);
}
