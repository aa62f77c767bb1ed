/**
 * Double opt-in (DOMAIN.md "Signup": contact → lead). The emailed link opens
 * a page; only its POST confirms, because mail scanners and link previews
 * fetch every link in a message. Confirming, crediting the referrer and the
 * welcome email (the status link) are one batch, and a repeat changes nothing.
 * A referrer's milestone reward (an early invite) follows (`afterCredit`).
 * The same batch gives the signup its per-referrer quota of hand-out codes
 * (../invites/quota.ts), so a confirmed signup never lacks them.
 * @see ../../../shared/CONTRACT.md "Customer tokens"
 * @see ../../../shared/DOMAIN.md "Referral", "Invite code"
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campaigns, type Locale, signups } from "../../db/schema";
import { deriveToken, verifyToken } from "../../lib/tokens";
import type { Stmt } from "../campaigns/statements";
import { referrerCodeStatements } from "../invites/quota";
import { maskEmail } from "../unsubscribe";
import { outboxFromSignups, statusLinkPayload } from "./outbox-sql";
import { creditedIds, creditReferralStatements } from "./referrals";

export interface ConfirmTarget {
  signupId: string;
  campaignId: string;
  /** campaigns.referral_invite_quota: hand-out codes issued on confirming. */
  referralInviteQuota: number;
  tokenVersion: number;
  status: "pending" | "confirmed";
  locale: Locale;
  /** Masked for display (`j•••@example.com`). */
  maskedEmail: string;
  campaignName: string;
  accent: string | null;
}

/**
 * The signup a confirm token points at, or null when the token is not a
 * confirm token, was revoked (token_version bumped), or the signup is gone
 * or erased. Callers answer every null alike, so a token tells nothing.
 */
export async function findConfirmTarget(
  db: Db,
  secret: string,
  token: string,
): Promise<ConfirmTarget | null> {
  const claims = await verifyToken(secret, "confirm", token);
  if (!claims) return null;
  const [row] = await db
    .select({
      id: signups.id,
      campaignId: signups.campaignId,
      referralInviteQuota: campaigns.referralInviteQuota,
      tokenVersion: signups.tokenVersion,
      status: signups.status,
      locale: signups.locale,
      email: signups.email,
      erasedAt: signups.erasedAt,
      campaignName: campaigns.name,
      branding: campaigns.branding,
    })
    .from(signups)
    .innerJoin(campaigns, eq(campaigns.id, signups.campaignId))
    .where(eq(signups.id, claims.id))
    .limit(1);
  if (!row || row.erasedAt !== null || row.email === null) return null;
  if (row.tokenVersion !== claims.version) return null;
  return {
    signupId: row.id,
    campaignId: row.campaignId,
    referralInviteQuota: row.referralInviteQuota,
    tokenVersion: row.tokenVersion,
    status: row.status,
    locale: row.locale,
    maskedEmail: maskEmail(row.email),
    campaignName: row.campaignName,
    accent: row.branding?.accentColor ?? null,
  };
}

/**
 * Confirms the signup (idempotent) and returns its status-page token. One
 * batch: the status change (which also starts the re-send throttle: the
 * welcome mail is a status link), the referral credit, and the welcome email
 * only when this request made the change.
 */
export async function confirmSignup(
  db: Db,
  secret: string,
  target: ConfirmTarget,
  now: number,
): Promise<{ changed: boolean; credited: string[]; statusToken: string }> {
  const quota: Stmt[] =
    target.referralInviteQuota > 0
      ? (
          await referrerCodeStatements(
            db,
            { TOKEN_SECRET: secret },
            { id: target.campaignId, referralInviteQuota: target.referralInviteQuota },
            target.signupId,
            now,
          )
        ).statements
      : [];
  const [updated, , credit] = await db.batch([
    db
      .update(signups)
      .set({ status: "confirmed", confirmedAt: now, lastStatusEmailAt: now, updatedAt: now })
      .where(
        and(
          eq(signups.id, target.signupId),
          eq(signups.status, "pending"),
          eq(signups.tokenVersion, target.tokenVersion),
          sql`${signups.erasedAt} IS NULL`,
        ),
      )
      .returning({ id: signups.id }),
    ...creditReferralStatements(db, target.signupId, now),
    outboxFromSignups(db, {
      template: sql`'status_link'`,
      category: "transactional",
      payload: statusLinkPayload,
      dedupeKey: sql`'welcome:' || s.id`,
      where: sql`s.id = ${target.signupId} AND s.status = 'confirmed' AND s.confirmed_at = ${now}`,
      now,
    }),
    ...quota,
  ]);
  return {
    changed: updated.length > 0,
    credited: creditedIds(credit),
    statusToken: await deriveToken(secret, "status", target.signupId, target.tokenVersion),
  };
}
