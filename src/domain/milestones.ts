/**
 * Referral milestones (campaign setting `referral_milestones`, e.g. [3, 10]):
 * when a signup's verified referrals reach a milestone it gets a `milestone`
 * email once (dedupe key `milestone:<signup>:<n>`), and reaching the
 * campaign's HIGHEST milestone is the reward: the signup is invited early
 * (personal code and invitation email, as in a wave) while the campaign is
 * in waitlist or presale.
 *
 * Both are idempotent checks over "the referrers of these just-credited
 * signups", so they hold however often, late or concurrently they run: the
 * email by its dedupe key, the invite by the guarded invite statements
 * (src/domain/waves/invite.ts). The signups area calls them after a credit
 * (src/domain/signups/referrals.ts creditReferralStatements):
 *
 *   await db.batch([...credit, milestoneStatement(db, ids, now)]);
 *   const invited = await applyMilestoneRewards(db, settings.TOKEN_SECRET, ids, now);
 *   if (invited.length) c.executionCtx.waitUntil(kickOutbox(c.env));
 *
 * @see ../../../shared/DOMAIN.md "Referral", "Wave, schedule, broadcast"
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { systemAudit } from "./audit";
import { run, type Stmt } from "./campaigns/statements";
import { outboxFromSignups } from "./signups/outbox-sql";
import { invitable } from "./waves/eligibility";
import { inviteStatements } from "./waves/invite";

/** Referrers of the listed (referred) signups who have been credited for at least one of them. */
const referrersOf = (ids: string, alias: string) =>
  sql`${sql.raw(alias)}.id IN (SELECT x.referred_by_signup_id FROM signups x
    WHERE x.id IN (SELECT value FROM json_each(${ids})) AND x.referral_credited_at IS NOT NULL)`;

/** The highest milestone signup `s` has reached, or NULL. */
const reached = sql.raw(`(SELECT max(m.value) FROM campaigns c, json_each(c.referral_milestones) m
  WHERE c.id = s.campaign_id AND m.value <= s.verified_referrals)`);

/** 1-based place in line of signup `s`, or NULL when not in line. */
const position = sql.raw(`CASE WHEN s.rank_eligible = 1 THEN 1 + (SELECT count(*) FROM signups a
  WHERE a.campaign_id = s.campaign_id AND a.rank_eligible = 1
    AND (a.score, a.created_at, a.id) < (s.score, s.created_at, s.id)) END`);

/**
 * The milestone email for each referrer of `referredIds` whose count has
 * reached a milestone: one message for the highest one reached (a jump from
 * 2 to 4 past milestone 3 still sends it), never twice for the same one.
 * Put it in the credit's batch after the credit, or run it any time later.
 */
export function milestoneStatement(db: Db, referredIds: readonly string[], now: number): Stmt {
  const ids = JSON.stringify(referredIds);
  return outboxFromSignups(db, {
    template: sql`'milestone'`,
    category: "list",
    payload: sql`json_object('referrals', ${reached}, 'position', ${position})`,
    dedupeKey: sql`'milestone:' || s.id || ':' || ${reached}`,
    where: sql`${referrersOf(ids, "s")} AND s.unsubscribed_at IS NULL AND ${reached} IS NOT NULL`,
    now,
  });
}

interface Qualified {
  id: string;
  campaign_id: string;
  referrals: number;
}

/**
 * Invites early every referrer of `referredIds` who has reached the
 * campaign's highest milestone and is still in line (invitable), in one
 * batch. Returns the ids it tried to invite (the guarded writes skip anyone
 * a concurrent run or wave took first); kick the outbox when not empty.
 * Costs one read, plus one batch when someone qualifies.
 */
export async function applyMilestoneRewards(
  db: Db,
  secret: string,
  referredIds: readonly string[],
  now: number,
): Promise<string[]> {
  if (!referredIds.length) return [];
  const ids = JSON.stringify(referredIds);
  const rows = await db.all<Qualified>(sql`
    SELECT s.id, s.campaign_id, s.verified_referrals AS referrals
    FROM signups s JOIN campaigns c ON c.id = s.campaign_id
    WHERE ${referrersOf(ids, "s")} AND c.status IN ('waitlist', 'presale')
      AND s.verified_referrals >= (SELECT max(m.value) FROM json_each(c.referral_milestones) m)
      AND ${invitable("s")}`);
  if (!rows.length) return [];

  const byCampaign = new Map<string, string[]>();
  for (const r of rows)
    byCampaign.set(r.campaign_id, [...(byCampaign.get(r.campaign_id) ?? []), r.id]);
  const statements: Stmt[] = [];
  for (const [campaignId, signupIds] of byCampaign) {
    // The audit rows first: written only for those still invitable, like the invite itself.
    statements.push(
      auditInvites(db, signupIds, now),
      ...(await inviteStatements(db, secret, {
        campaignId,
        waveId: null,
        signupIds,
        createdBy: "system:milestone",
        now,
      })),
    );
  }
  await db.batch(statements as [Stmt, ...Stmt[]]);
  return rows.map((r) => r.id);
}

function auditInvites(db: Db, signupIds: string[], now: number): Stmt {
  return run(
    db,
    sql`INSERT INTO audit_log (id, actor_type, actor_id, action, target_type, target_id,
        campaign_id, changes, ip_hmac, request_id, created_at)
      SELECT 'aud_' || lower(hex(randomblob(13))), ${systemAudit.actorType}, NULL, 'signup.invite',
        'signup', s.id, s.campaign_id,
        json_object('reason', 'referral_milestone', 'verified_referrals', s.verified_referrals),
        NULL, NULL, ${now}
      FROM signups s
      WHERE s.id IN (SELECT value FROM json_each(${JSON.stringify(signupIds)})) AND ${invitable("s")}`,
  );
}
