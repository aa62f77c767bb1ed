/**
 * Who a wave may invite, and in which order. DOMAIN.md "Signup" (Position):
 * the line is the campaign's rank-eligible signups (confirmed, review ok,
 * inside the audience, not yet invited, not erased: the generated column
 * `rank_eligible`) by (score, created_at, id). A wave also skips people it
 * must not email: unsubscribed from the campaign's list mail, or globally
 * suppressed (bounce, complaint). They keep their place in line.
 * @see ../../../../shared/DOMAIN.md "Wave, schedule, broadcast"
 * @see ../../db/schema/signups.ts signups_rank_idx
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/**
 * `alias` (a signups row) may be invited now. Written into the SELECT that
 * picks a wave's people AND into every write of the invite, so the writes
 * re-check it inside their batch: someone who unsubscribed, was erased or
 * was invited by another wave between the read and the batch is skipped.
 */
export function invitable(alias: string): SQL {
  return sql.raw(
    `${alias}.rank_eligible = 1 AND ${alias}.unsubscribed_at IS NULL AND NOT EXISTS (SELECT 1 FROM suppressions sup WHERE sup.email_normalized = ${alias}.email_normalized)`,
  );
}

/**
 * The next `limit` invitable signups of the campaign by position: one query
 * walking signups_rank_idx from the front of the line.
 */
export async function nextInLine(db: Db, campaignId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db.all<{ id: string }>(sql`
    SELECT s.id FROM signups s
    WHERE s.campaign_id = ${campaignId} AND ${invitable("s")}
    ORDER BY s.score, s.created_at, s.id
    LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

/** SQL for "somebody in this campaign can still be invited" (the schedules' stop rule). */
export function anyoneInvitable(campaignId: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM signups s WHERE s.campaign_id = ${campaignId} AND ${invitable("s")})`;
}
