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
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type ReviewState, signups } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import type { AuditContext } from "../audit";
import type { Stmt } from "../campaigns/statements";
import { auditIfSignup } from "./privacy";
import { creditedIds, creditReferralStatements } from "./referrals";

export type ReviewDecision = "approve" | "reject";

const TARGET: Record<ReviewDecision, ReviewState> = { approve: "ok", reject: "rejected" };

export interface ReviewResult {
  id: string;
  review: ReviewState;
  reviewedAt: number;
  reviewReason: string | null;
  /** approve: the withheld credit was given; reject: the credit was taken back. */
  referralChanged: boolean;
  /** Referrers credited by an approve: their milestone reward follows (`afterCredit`). */
  credited: string[];
}

/** The campaign's boost, read in SQL so a concurrent settings change cannot be half-applied. */
const boostOf = sql`(SELECT c.referral_boost_ms FROM campaigns AS c WHERE c.id = ${signups.campaignId})`;

/**
 * Takes a given credit back, the mirror of creditReferralStatements
 * (./referrals.ts): referrer − 1 verified referral and + the boost on its
 * score, then the referred row un-stamped. Guarded by "the referred signup
 * was rejected by this batch and is still credited", so it runs at most once.
 */
function withdrawStatements(db: Db, id: string, referrerId: string, now: number): Stmt[] {
  const rejectedHere = sql`EXISTS (SELECT 1 FROM signups AS r WHERE r.id = ${id}
    AND r.referred_by_signup_id = ${referrerId} AND r.review = 'rejected'
    AND r.reviewed_at = ${now} AND r.referral_credited_at IS NOT NULL)`;
  return [
    db
      .update(signups)
      .set({
        verifiedReferrals: sql`${signups.verifiedReferrals} - 1`,
        score: sql`${signups.score} + ${boostOf}`,
        updatedAt: now,
      })
      .where(and(eq(signups.id, referrerId), sql`${signups.verifiedReferrals} > 0`, rejectedHere)),
    db
      .update(signups)
      .set({ referralCreditedAt: null, updatedAt: now })
      .where(and(eq(signups.id, id), rejectedHere))
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
    throw new AppError("conflict", {
      detail: "This signup was erased; there is nothing to review",
    });
  }
  if (current.review === to) {
    throw new AppError("conflict", { detail: `The signup is already ${to}` });
  }

  // Approve: creditReferralStatements only credits a confirmed, ok, not yet
  // credited signup, so it is a no-op unless this batch's update made it ok.
  let referral: Stmt[] = [];
  if (current.referredBy !== null) {
    if (decision === "approve" && current.creditedAt === null) {
      referral = creditReferralStatements(db, id, now);
    } else if (decision === "reject" && current.creditedAt !== null) {
      referral = withdrawStatements(db, id, current.referredBy, now);
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
        changes: {
          review: { from: current.review, to },
          ...(input.note ? { note: input.note } : {}),
        },
      },
      and(eq(signups.review, to), eq(signups.reviewedAt, now)),
      now,
    ),
  ] as [typeof update, ...Stmt[]]);
  const updated = (results[0] as { review: ReviewState; reviewReason: string | null }[])[0];
  if (!updated) {
    throw new AppError("conflict", {
      detail: "The signup changed meanwhile; reload and try again",
    });
  }
  // The second referral statement stamps (or un-stamps) the referred signup.
  const marked = referral.length ? rowsChanged(results[2]) : 0;
  return {
    id,
    review: updated.review,
    reviewedAt: now,
    reviewReason: updated.reviewReason,
    referralChanged: marked > 0,
    credited: decision === "approve" && referral.length ? creditedIds(results[2]) : [],
  };
}

/** Rows a batch statement changed: `returning` gives rows, a raw run gives D1 meta. */
function rowsChanged(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  return Number((result as { meta?: { changes?: number } } | undefined)?.meta?.changes ?? 0);
}
