/**
 * Referrals (DOMAIN.md "Referral"). Every signup gets a short public code;
 * a signup that arrives with someone's code records `referred_by_signup_id`.
 * The referrer is credited (verified_referrals + 1, score − the campaign's
 * boost) only once the referred signup is confirmed and its review is `ok`,
 * exactly once (`referral_credited_at`). Never to oneself: the same
 * normalised email cannot sign up twice (unique index), and a signup from
 * the referrer's own HMAC'd IP shortly after the referrer signed up, or from
 * a disposable domain, is flagged at insert time (./create.ts) and so never
 * credited unless an admin approves it.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { ALPHABET, normalizeCode } from "../../lib/base32";
import { log } from "../../lib/log";
import { run, type Stmt } from "../campaigns/statements";
import { errorText } from "../db-errors";
import { applyMilestoneRewards, milestoneStatement } from "../milestones";

/** Symbols in a referral code: 40 bits, unique per campaign by index (a clash is retried). */
export const REFERRAL_CODE_LENGTH = 8;
/** A referred signup from the referrer's own IP within this long of its signup is self-referral. */
export const SELF_REFERRAL_WINDOW_MS = 24 * 3_600_000;

/** A random code in Crockford base32 (no I, L, O, U: easy to read out and type). */
export function newReferralCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(REFERRAL_CODE_LENGTH));
  let code = "";
  // 256 is a multiple of 32, so `& 31` keeps every symbol equally likely.
  for (const b of bytes) code += ALPHABET[b & 31];
  return code;
}

/**
 * A referral code as typed or carried in `?ref=`: upper-cased, I/L → 1,
 * O → 0, dashes and spaces dropped. Null for anything that cannot be one of
 * our codes; callers then ignore it silently.
 */
export function normalizeReferralCode(input: string | null | undefined): string | null {
  if (!input) return null;
  const code = normalizeCode(input);
  return code && code.length === REFERRAL_CODE_LENGTH && !/[*~$=U]/.test(code) ? code : null;
}

/** The batch failed because a fresh referral code was already taken in the campaign. */
export function isReferralCodeCollision(err: unknown): boolean {
  return /UNIQUE constraint failed:[^|]*signups\.referral_code/i.test(errorText(err));
}

/** Signups among `ids` whose referral is due: confirmed, ok, referred, not yet credited. */
const creditable = (alias: string) =>
  sql.raw(
    `${alias}.status = 'confirmed' AND ${alias}.review = 'ok' AND ${alias}.erased_at IS NULL AND ${alias}.referred_by_signup_id IS NOT NULL AND ${alias}.referral_credited_at IS NULL`,
  );

/**
 * Credits the referrers of the given signups, for the caller's batch (after
 * whatever confirmed or approved them). Idempotent and safe to call for any
 * signup: only those confirmed, `ok`, referred and not yet credited count,
 * each at most once. Three statements, each with one JSON parameter for the
 * ids, so any number of signups fits D1's limits:
 *  1. referrers: verified_referrals + n, score − n × the campaign's boost;
 *  2. the referred signups: referral_credited_at = now (the "once"),
 *     RETURNING the ids credited (read them with `creditedIds`);
 *  3. the milestone email of each referrer whose count reached one of the
 *     campaign's referral_milestones (src/domain/milestones.ts).
 * Used by confirmation, by signups confirmed at once (no double opt-in) and
 * by the review queue's approve action. After the batch, hand the credited
 * ids to `afterCredit` (the milestone reward may invite the referrer).
 */
export function creditReferralStatements(
  db: Db,
  signupIds: string | readonly string[],
  now: number,
): [Stmt, Stmt, Stmt] {
  const list = typeof signupIds === "string" ? [signupIds] : [...signupIds];
  const ids = JSON.stringify(list);
  const listed = (alias: string) =>
    sql`${sql.raw(alias)}.id IN (SELECT value FROM json_each(${ids}))`;
  return [
    run(
      db,
      sql`UPDATE signups SET
          verified_referrals = signups.verified_referrals + x.n,
          score = signups.score - x.n * (SELECT c.referral_boost_ms FROM campaigns c WHERE c.id = signups.campaign_id),
          updated_at = ${now}
        FROM (SELECT s.referred_by_signup_id AS rid, count(*) AS n FROM signups s
              WHERE ${listed("s")} AND ${creditable("s")} GROUP BY s.referred_by_signup_id) AS x
        WHERE signups.id = x.rid AND signups.erased_at IS NULL`,
    ),
    run(
      db,
      sql`UPDATE signups SET referral_credited_at = ${now}, updated_at = ${now}
        WHERE ${listed("signups")} AND ${creditable("signups")}
        RETURNING id`,
    ),
    milestoneStatement(db, list, now),
  ];
}

/** The ids the second statement of `creditReferralStatements` credited, from its batch result. */
export function creditedIds(result: unknown): string[] {
  const rows = (result as { results?: { id: string }[] } | undefined)?.results ?? [];
  return rows.map((r) => r.id);
}

/**
 * After a batch that credited referrals: a referrer who reached the
 * campaign's highest milestone is invited early (src/domain/milestones.ts).
 * Resolves true when someone was invited (kick the outbox). Callers run it
 * in waitUntil, after the reply, so a reply never takes longer for a new
 * (credited) address than for a known one.
 */
export async function afterCredit(
  db: Db,
  secret: string,
  creditedSignupIds: readonly string[],
  now: number,
): Promise<boolean> {
  if (!creditedSignupIds.length) return false;
  try {
    return (await applyMilestoneRewards(db, secret, creditedSignupIds, now)).length > 0;
  } catch (err) {
    // The credit and the milestone email are committed; only the early invite is missed.
    log("error", "milestone reward failed", {
      signup_ids: creditedSignupIds.slice(0, 10),
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
