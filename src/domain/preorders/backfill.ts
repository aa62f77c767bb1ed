/**
 * Backfill (DOMAIN.md "Wave, schedule, broadcast"): when units come back
 * (a cancelled or expired order) and the campaign has `backfill_enabled`,
 * the next person in line is invited and one unit is held for them for
 * `backfill_hold_minutes`; their order claims the hold (./place.ts), or the
 * hold expires and the unit returns to general stock, exactly once.
 *
 * Decision: backfill runs from the cron (`backfillReturnedUnits`), not inside
 * the cancel/expire batches. Those batches stay as they are, and a cancel can
 * never fail because of backfill. The cron looks for units returned within
 * BACKFILL_WINDOW_MS that have no hold yet and turns BACKFILL_PER_RUN of them
 * a minute into holds (the cron's 50-query budget is shared), each in its own
 * batch:
 *
 *   1. a `waves` row (source `backfill`, key `backfill:<order>:<variant>:<n>`):
 *      its unique (campaign, key) index makes the n-th unit of an order line
 *      held at most once, however runs overlap;
 *   2. the wave's invite statements (../waves/invite.ts: personal code via
 *      ../invites/personal.ts `issuePersonalCodeStatements`, wave member,
 *      invitation email, invited_at), which re-check that the person is
 *      still invitable;
 *   3. `remaining − 1` for the unit, or an impossible −1 when the person was
 *      not invited after all: the CHECK aborts the batch then (no hold
 *      without an invitee, the key is not used up), and also when the unit
 *      was sold from general stock meanwhile (nothing left to hold);
 *   4. the hold and its audit row.
 *
 * Until the cron gets to it (a unit a minute) the unit is on sale to anyone:
 * the hold only takes it if it is still there.
 * `releaseExpiredHolds` ends holds past `expires_at`: the units go back to
 * `remaining` and the hold becomes `released` in one batch, so a second run
 * (or a claim racing it) finds nothing to release twice.
 * @see ../../db/schema/orders.ts `holds`
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { holds, newId, waves } from "../../db/schema";
import { log } from "../../lib/log";
import { auditInsert, systemAudit } from "../audit";
import { run, type Stmt } from "../campaigns/statements";
import { errorText } from "../db-errors";
import { invitable } from "../waves/eligibility";
import { inviteStatements } from "../waves/invite";

/** Units returned this recently are backfilled; older returns stay in general stock. */
export const BACKFILL_WINDOW_MS = 6 * 60 * 60_000;
/**
 * Holds created per cron run. Each costs one read and one batch of
 * BACKFILL_BATCH_QUERIES statements, out of the 50 queries the whole cron
 * invocation shares with the other tasks (src/scheduled.ts).
 */
export const BACKFILL_PER_RUN = 1;
export const BACKFILL_BATCH_QUERIES = 9;
/** Expired holds released per cron run (one batch of two statements). */
export const RELEASE_PER_RUN = 500;
/** invite_codes.created_by / waves.created_by of backfill invitations. */
export const BACKFILL_ACTOR = "system:backfill";

/** One returned unit not yet held (the n-th unit of an order line), and who is next in line. */
export interface ReturnedUnit {
  orderId: string;
  campaignId: string;
  variantId: string;
  /** 1-based: which unit of the line (the line's holds so far + 1). */
  unit: number;
  holdMinutes: number;
  /** The first invitable person in the campaign's line (../waves/eligibility.ts). */
  signupId: string;
}

/**
 * The oldest unit returned within the window by a cancelled or expired order
 * of a presale campaign with backfill on, that has no hold yet, whose variant
 * still has units on sale, and whose campaign has someone left to invite;
 * with that someone. One query (the person is a subquery on signups_rank_idx).
 */
export async function nextReturnedUnit(db: Db, now: number): Promise<ReturnedUnit | null> {
  const next = sql`(SELECT s.id FROM signups s WHERE s.campaign_id = c.id AND ${invitable("s")}
    ORDER BY s.score, s.created_at, s.id LIMIT 1)`;
  const [row] = await db.all<{
    order_id: string;
    campaign_id: string;
    variant_id: string;
    held: number;
    minutes: number;
    signup_id: string | null;
  }>(sql`
    SELECT p.id AS order_id, p.campaign_id, i.variant_id,
      (SELECT count(*) FROM holds h WHERE h.source_preorder_id = p.id
        AND h.variant_id = i.variant_id) AS held,
      c.backfill_hold_minutes AS minutes, ${next} AS signup_id
    FROM campaigns c
    JOIN preorders p ON p.campaign_id = c.id AND p.status IN ('cancelled', 'expired')
    JOIN preorder_items i ON i.preorder_id = p.id
    JOIN variants v ON v.id = i.variant_id
    WHERE c.backfill_enabled = 1 AND c.status = 'presale'
      AND coalesce(p.cancelled_at, p.expired_at) BETWEEN ${now - BACKFILL_WINDOW_MS} AND ${now}
      AND v.remaining > 0 AND v.archived_at IS NULL
      AND i.quantity > (SELECT count(*) FROM holds h WHERE h.source_preorder_id = p.id
        AND h.variant_id = i.variant_id)
      AND ${next} IS NOT NULL
    ORDER BY coalesce(p.cancelled_at, p.expired_at), p.id, i.variant_id
    LIMIT 1`);
  if (!row?.signup_id) return null;
  return {
    orderId: row.order_id,
    campaignId: row.campaign_id,
    variantId: row.variant_id,
    unit: row.held + 1,
    holdMinutes: row.minutes,
    signupId: row.signup_id,
  };
}

/**
 * The batch that invites `u.signupId` and holds one unit of the returned line
 * for them. Aborts as a whole (see the file comment) when the unit was held
 * already, the person is no longer invitable, or the unit is gone.
 * BACKFILL_BATCH_QUERIES statements.
 */
export async function backfillStatements(
  db: Db,
  secret: string,
  u: ReturnedUnit,
  now: number,
): Promise<Stmt[]> {
  const waveId = newId("wav");
  const holdId = newId("hld");
  const expiresAt = now + u.holdMinutes * 60_000;
  const invite = await inviteStatements(db, secret, {
    campaignId: u.campaignId,
    waveId,
    signupIds: [u.signupId],
    createdBy: BACKFILL_ACTOR,
    now,
  });
  return [
    db.insert(waves).values({
      id: waveId,
      campaignId: u.campaignId,
      idempotencyKey: `backfill:${u.orderId}:${u.variantId}:${u.unit}`,
      source: "backfill",
      requestedCount: 1,
      invitedCount: 1,
      status: "done",
      createdBy: BACKFILL_ACTOR,
      createdAt: now,
      finishedAt: now,
    }),
    ...invite,
    // The unit moves from remaining into the hold; if the person was not
    // invited after all, an impossible `remaining` trips the CHECK and undoes
    // everything (as does remaining − 1 < 0: the unit was sold meanwhile).
    run(
      db,
      sql`UPDATE variants SET updated_at = ${now},
          remaining = CASE WHEN EXISTS (SELECT 1 FROM wave_members m
            WHERE m.wave_id = ${waveId} AND m.signup_id = ${u.signupId})
            THEN remaining - 1 ELSE -1 END
        WHERE id = ${u.variantId}`,
    ),
    db.insert(holds).values({
      id: holdId,
      campaignId: u.campaignId,
      variantId: u.variantId,
      signupId: u.signupId,
      quantity: 1,
      status: "held",
      expiresAt,
      sourcePreorderId: u.orderId,
      createdAt: now,
    }),
    auditInsert(db, systemAudit, {
      action: "backfill.hold",
      targetType: "hold",
      targetId: holdId,
      campaignId: u.campaignId,
      changes: {
        signup_id: u.signupId,
        variant_id: u.variantId,
        source_preorder_id: u.orderId,
        wave_id: waveId,
        expires_at: new Date(expiresAt).toISOString(),
      },
    }),
  ];
}

/**
 * Cron task: turns up to `units` returned units into holds for the next
 * people in line, one read and one batch each. A unit whose batch aborts
 * (sold meanwhile, the person left the line, another run was first) is
 * tried again next run if it is still open.
 */
export async function backfillReturnedUnits(
  db: Db,
  secret: string,
  now: number,
  units = BACKFILL_PER_RUN,
): Promise<{ held: number; skipped: number }> {
  let held = 0;
  let skipped = 0;
  for (let i = 0; i < units; i++) {
    const u = await nextReturnedUnit(db, now);
    if (!u) break;
    try {
      await db.batch((await backfillStatements(db, secret, u, now)) as [Stmt, ...Stmt[]]);
      held += 1;
    } catch (e) {
      skipped += 1;
      log("info", "backfill hold not made; retried next run if still open", {
        order_id: u.orderId,
        variant_id: u.variantId,
        reason: errorText(e).slice(0, 200),
      });
      // The same unit would come up again in this run: leave it to the next.
      break;
    }
  }
  return { held, skipped };
}

/**
 * Cron task: holds past `expires_at` give their unit back to `remaining` and
 * become `released`, in one batch: both statements pick the same holds
 * (still `held`, expired, the first `limit` by expiry), so a unit returns
 * exactly once however often this runs. An order claiming a hold (./place.ts)
 * only claims unexpired ones and is serialized with this batch by D1.
 */
export async function releaseExpiredHolds(
  db: Db,
  now: number,
  limit = RELEASE_PER_RUN,
): Promise<{ released: number }> {
  const due = sql`SELECT id FROM holds WHERE status = 'held' AND expires_at <= ${now}
    ORDER BY expires_at, id LIMIT ${limit}`;
  const results = await db.batch([
    run(
      db,
      sql`UPDATE variants SET
          remaining = remaining + (SELECT coalesce(sum(h.quantity), 0) FROM holds h
            WHERE h.variant_id = variants.id AND h.id IN (${due})),
          updated_at = ${now}
        WHERE id IN (SELECT h.variant_id FROM holds h WHERE h.id IN (${due}))`,
    ),
    run(
      db,
      sql`UPDATE holds SET status = 'released', released_at = ${now}
        WHERE id IN (${due})`,
    ),
  ]);
  const last = results.at(-1) as { meta?: { changes?: number } } | undefined;
  return { released: Number(last?.meta?.changes ?? 0) };
}
