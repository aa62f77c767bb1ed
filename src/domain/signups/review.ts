/**
 * The review queue's two actions (issue 4, items 6 and 7): approve a flagged
 * (or rejected) signup, or reject one. DOMAIN.md "Signup": review is `ok`,
 * `flagged` or `rejected`; only `ok` signups are in line, and DOMAIN.md
 * "Referral": credit goes to the referrer when the referred signup is
 * confirmed and not flagged. So:
 *  - approve of a confirmed signup whose referral credit was withheld gives
 *    the credit now;
 *  - reject of a signup whose referrer was credited takes the credit back (a
 *    rejected signup is a fake one; it must not keep moving anyone up).
 * Everything, audit row included, is one batch; each step is guarded by the
 * state the step before it wrote, so a concurrent request cannot credit twice.
 * @see ../../../../shared/DOMAIN.md "Signup", "Referral"
 */
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { type ReviewState, signups } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import type { AuditContext } from "../audit";
import { auditIfSignup } from "./privacy";

export type ReviewDecision = "approve" | "reject";

const TARGET: Record<ReviewDecision, ReviewState> = { approve: "ok", reject: "rejected" };

export interface ReviewResult {
  id: string;
  review: ReviewState;
  reviewedAt: number;
  reviewReason: string | null;
  /** approve: the withheld credit was given; reject: the credit was taken back. */
  referralChanged: boolean;
}

/** The campaign's boost, read in SQL so a concurrent settings change cannot be half-applied. */
const boostOf = sql`(SELECT c.referral_boost_ms FROM campaigns AS c WHERE c.id = ${signups.campaignId})`;

/**
 * "The referred signup (`id`) is now in the state this batch wrote": reviewed
 * at `now` into `review`, plus `extra`. Used as the guard of the credit steps.
 */
function referredIs(id: string, referrerId: string, review: ReviewState, now: number, extra: SQL) {
  return sql`EXISTS (SELECT 1 FROM signups AS r WHERE r.id = ${id}
    AND r.referred_by_signup_id = ${referrerId} AND r.review = ${review}
    AND r.reviewed_at = ${now} AND ${extra})`;
}

/**
 * Gives the withheld credit: referrer + 1 verified referral and its score
 * recomputed (created_at − boost × referrals), then the referred row stamped.
 * Only for a confirmed referred signup, once (referral_credited_at IS NULL),
 * and while the campaign has referrals on.
 */
function creditStatements(db: Db, id: string, referrerId: string, now: number): BatchItem<"sqlite">[] {
  const withheld = sql`r.status = 'confirmed' AND r.referral_credited_at IS NULL
    AND EXISTS (SELECT 1 FROM campaigns AS c WHERE c.id = r.campaign_id AND c.referral_enabled = 1)`;
  return [
    db
      .update(signups)
      .set({
        verifiedReferrals: sql`${signups.verifiedReferrals} + 1`,
        score: sql`${signups.createdAt} - ${boostOf} * (${signups.verifiedReferrals} + 1)`,
        updatedAt: now,
      })
      .where(and(eq(signups.id, referrerId), referredIs(id, referrerId, "ok", now, withheld))),
    db
      .update(signups)
      .set({ referralCreditedAt: now })
      .where(and(eq(signups.id, id), referredIs(id, referrerId, "ok", now, withheld)))
      .returning({ id: signups.id }),
  ];
}

/** Takes a given credit back: the mirror of creditStatements. */
function withdrawStatements(db: Db, id: string, referrerId: string, now: number): BatchItem<"sqlite">[] {
  const credited = sql`r.referral_credited_at IS NOT NULL`;
  return [
    db
      .update(signups)
      .set({
        verifiedReferrals: sql`${signups.verifiedReferrals} - 1`,
        score: sql`${signups.createdAt} - ${boostOf} * (${signups.verifiedReferrals} - 1)`,
        updatedAt: now,
      })
      .where(
        and(
          eq(signups.id, referrerId),
          sql`${signups.verifiedReferrals} > 0`,
          referredIs(id, referrerId, "rejected", now, credited),
        ),
      ),
    db
      .update(signups)
      .set({ referralCreditedAt: null })
      .where(and(eq(signups.id, id), referredIs(id, referrerId, "rejected", now, credited)))
      .returning({ id: signups.id }),
  ];
}

/**
 * Moves a signup to `ok` (approve) or `rejected` (reject). 404 for an
 * unknown id; 409 `conflict` when it is already in that state, erased, or
 * changed by someone else meanwhile.
 */
export async function reviewSignup(
  db: Db,
  audit: AuditContext,
  id: string,
  decision: ReviewDecision,
  input: { note?: string | undefined },
  now: number,
): Promise<ReviewResult> {
  const [current] = await db
    .select({
      review: signups.review,
      erasedAt: signups.erasedAt,
      referredBy: signups.referredBySignupId,
      creditedAt: signups.referralCreditedAt,
    })
    .from(signups)
    .where(eq(signups.id, id));
  if (!current) throw notFound("Signup");
  const to = TARGET[decision];
  if (current.erasedAt !== null) {
    throw new AppError("conflict", { detail: "This signup was erased; there is nothing to review" });
  }
  if (current.review === to) {
    throw new AppError("conflict", { detail: `The signup is already ${to}` });
  }

  const referral: BatchItem<"sqlite">[] = [];
  if (current.referredBy !== null) {
    if (decision === "approve" && current.creditedAt === null) {
      referral.push(...creditStatements(db, id, current.referredBy, now));
    } else if (decision === "reject" && current.creditedAt !== null) {
      referral.push(...withdrawStatements(db, id, current.referredBy, now));
    }
  }

  const update = db
    .update(signups)
    .set({
      review: to,
      reviewedAt: now,
      ...(input.note !== undefined ? { reviewReason: input.note } : {}),
      updatedAt: now,
    })
    .where(and(eq(signups.id, id), eq(signups.review, current.review), isNull(signups.erasedAt)))
    .returning({ review: signups.review, reviewReason: signups.reviewReason });
  const results = await db.batch([
    update,
    ...referral,
    auditIfSignup(
      db,
      audit,
      {
        action: `signup.${decision}`,
        targetType: "signup",
        targetId: id,
        changes: { review: { from: current.review, to }, ...(input.note ? { note: input.note } : {}) },
      },
      and(eq(signups.review, to), eq(signups.reviewedAt, now)),
      now,
    ),
  ] as [typeof update, ...BatchItem<"sqlite">[]]);
  const updated = (results[0] as { review: ReviewState; reviewReason: string | null }[])[0];
  if (!updated) {
    throw new AppError("conflict", { detail: "The signup changed meanwhile; reload and try again" });
  }
  const marked = referral.length ? (results[referral.length] as unknown[]) : [];
  return {
    id,
    review: updated.review,
    reviewedAt: now,
    reviewReason: updated.reviewReason,
    referralChanged: marked.length > 0,
  };
}
