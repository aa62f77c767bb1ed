/**
 * The shapes of a signup write (./create.ts): what a row needs, what the
 * caller wants done, and what the batch did.
 */

import type {
  AudienceState,
  Campaign,
  ConsentSource,
  Locale,
  SignupAnswers,
} from "../../db/schema";
import type { Stmts } from "../campaigns/statements";
import type { ReviewReason } from "./abuse";

export interface SignupRowInput {
  /** As stored for sending (see ./email.ts parseEmail). */
  email: string;
  emailNormalized: string;
  name?: string | null;
  locale: Locale;
  answers?: SignupAnswers;
  /** The referrer's code as given (normalised); unknown codes are ignored. */
  referredByCode?: string | null;
  /** Computed from the domain when absent. */
  review?: { reason: ReviewReason } | null;
  /** Computed from the campaign's rules when absent. */
  audience?: AudienceState;
  consentAt: number;
  consentFormVersion?: string | null;
  consentLocale?: Locale | null;
  consentSource?: ConsentSource;
  ipHmac?: string | null;
  country?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  utmTerm?: string | null;
  utmContent?: string | null;
  referrer?: string | null;
  landingUrl?: string | null;
  /** Original signup time (imports); default now. Also the initial score. */
  createdAt?: number;
  /** Fixed id / own referral code (tests, retries); default random. */
  id?: string;
  referralCode?: string;
}

export interface SignupWriteSettings {
  /** Default: `pending` with double opt-in, else `confirmed`. */
  status?: "pending" | "confirmed";
  /** Queue the confirm / welcome email for new rows. Default true. */
  notifyNew?: boolean;
  /** Re-send known addresses their link (throttled). Default false. */
  notifyKnown?: boolean;
  resendThrottleMs?: number;
  /** Write only while the campaign is waitlist/presale (and at this version, if given). */
  requireOpen?: boolean;
  expectVersion?: number;
  /** Per-campaign fixed-window counter: write only while the hit count ≤ max. */
  limit?: { key: string; windowMs: number; max: number };
}

export type SignupCampaignRef = Pick<
  Campaign,
  "id" | "doubleOptIn" | "audienceRules" | "referralEnabled"
>;

export interface SignupBatchResult {
  /** Ids of rows this batch created. */
  inserted: string[];
  /** Ids of known rows whose link this batch re-sent. */
  resent: string[];
  /** New signups whose referrer this batch credited (hand them to `afterCredit`). */
  credited: string[];
  /** The counter after this hit (when a limit was given). */
  count: number | null;
  /** The campaign as the batch saw it (when requireOpen). Null: gone. */
  campaign: { version: number; status: string } | null;
}

export interface SignupPlan {
  statements: Stmts;
  /** Reads this plan's results (the first `statements.length` batch results). */
  read(results: readonly unknown[]): SignupBatchResult;
  /** The rows as written (ids and codes included). */
  rows: { id: string; referralCode: string; emailNormalized: string }[];
}
