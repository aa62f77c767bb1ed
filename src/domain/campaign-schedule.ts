import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { CampaignStatus } from "../db/schema";
import { systemAudit } from "./audit";
import { run } from "./campaigns/statements";

/**
 * The cron side of the campaign status machine: waitlist → presale once
 * opens_at has come, presale → closed once closes_at has. Set-based: one
 * batch (one transaction) of four statements however many campaigns are due,
 * each move preceded by an INSERT … SELECT of its audit rows (actor `system`,
 * one per campaign) over the same rows, so a move and its audit row exist
 * together or not at all. A campaign both due to open and to close moves
 * through presale to closed in one run, with both rows.
 * Paused campaigns are left alone: resuming returns them to where they were,
 * and the next run moves them if they are due.
 * @see /work/shared/DOMAIN.md "Campaign"
 */
export async function advanceCampaigns(db: Db, now: number) {
  const moves = [
    {
      from: "waitlist",
      to: "presale",
      due: sql`opens_at IS NOT NULL AND opens_at <= ${now}`,
      reason: "opens_at",
    },
    {
      from: "presale",
      to: "closed",
      due: sql`closes_at IS NOT NULL AND closes_at <= ${now}`,
      reason: "closes_at",
    },
  ] as const;
  const stmts = moves.flatMap((m) => [
    auditMoves(db, m.from, m.to, m.due, m.reason, now),
    move(db, m.from, m.to, m.due, now),
  ]);
  const results = await db.batch([stmts[0]!, ...stmts.slice(1)]);
  const ids = (r: unknown) =>
    ((r as { results?: { id: string }[] }).results ?? []).map((row) => row.id);
  return { opened: ids(results[1]), closed: ids(results[3]) };
}

function move(db: Db, from: CampaignStatus, to: CampaignStatus, due: SQL, now: number) {
  return run(
    db,
    sql`UPDATE campaigns SET status = ${to}, version = version + 1, updated_at = ${now}
      WHERE status = ${from} AND ${due} RETURNING id`,
  );
}

function auditMoves(
  db: Db,
  from: CampaignStatus,
  to: CampaignStatus,
  due: SQL,
  reason: string,
  now: number,
) {
  const changes = JSON.stringify({ status: { from, to }, reason });
  return run(
    db,
    sql`INSERT INTO audit_log (id, actor_type, actor_id, action, target_type, target_id,
        campaign_id, changes, ip_hmac, request_id, created_at)
      SELECT 'aud_' || lower(hex(randomblob(13))), ${systemAudit.actorType}, NULL, 'campaign.status',
        'campaign', id, id, ${changes}, NULL, NULL, ${now}
      FROM campaigns WHERE status = ${from} AND ${due}`,
  );
}
