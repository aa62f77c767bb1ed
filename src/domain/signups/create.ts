/**
 * Writing signups: the statements of ONE batch (DOMAIN.md "Signup",
 * "Outbox email"), shared by the public signup route and the CSV import job.
 *
 * Every address takes the same path, and every step is conditional, so the
 * batch is the same whoever the address belongs to and costs one round trip:
 *   0. (public) the per-campaign counter hit, RETURNING the count;
 *   1. INSERT … ON CONFLICT (campaign_id, email_normalized) DO NOTHING
 *      RETURNING id: new addresses only. The referrer is looked up by code
 *      in the same statement, and self-referral (same HMAC'd IP soon after
 *      the referrer) is flagged there;
 *   2. (no double opt-in) credit referrers of the new, confirmed rows;
 *   3. the confirm or welcome email for each new row;
 *   4. (public) known addresses: last_status_email_at = now, only when the
 *      last one is older than the throttle (the statement that decides also
 *      records it, so concurrent repeats send one email), RETURNING id;
 *   5. their confirm link (still pending) or status link;
 *   6. (public) the campaign's version and status, read back.
 * Steps 1 and 4 run only while the campaign is open at the expected
 * version and under the counter's limit, so a stale cached campaign or a
 * flood writes nothing but the counter. A failing statement (a referral-code
 * clash) rolls the whole batch back: no signup without its email.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  type AudienceState,
  type Campaign,
  type ConsentSource,
  type Locale,
  newId,
  type SignupAnswers,
} from "../../db/schema";
import { run, type Stmt, type Stmts } from "../campaigns/statements";
import { isDisposableDomain, type ReviewReason } from "./abuse";
import { audienceFor } from "./audience";
import { confirmOrStatus, outboxFromSignups, statusLinkPayload } from "./outbox-sql";
import { creditReferralStatements, newReferralCode, SELF_REFERRAL_WINDOW_MS } from "./referrals";

/** Version of the signup form's consent wording, stored with each consent. */
export const CONSENT_FORM_VERSION = "signup-form-v1";
/** A known address gets its link again at most this often. */
export const RESEND_THROTTLE_MS = 10 * 60_000;

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

const rowsOf = (r: unknown) => ((r as { results?: unknown[] })?.results ?? []) as never[];

function toJsonRow(campaign: SignupCampaignRef, r: SignupRowInput, now: number) {
  const domain = r.emailNormalized.slice(r.emailNormalized.lastIndexOf("@") + 1);
  const review = r.review === undefined ? disposableReview(domain) : r.review;
  return {
    id: r.id ?? newId("sgn"),
    code: r.referralCode ?? newReferralCode(),
    email: r.email,
    email_normalized: r.emailNormalized,
    name: r.name ?? null,
    locale: r.locale,
    answers: r.answers ?? {},
    ref: campaign.referralEnabled ? (r.referredByCode ?? null) : null,
    review_reason: review?.reason ?? null,
    audience:
      r.audience ??
      audienceFor(campaign.audienceRules, {
        domain,
        country: r.country ?? null,
        source: r.consentSource ?? "form",
      }),
    consent_at: r.consentAt,
    consent_form_version: r.consentFormVersion ?? null,
    consent_locale: r.consentLocale ?? null,
    consent_source: r.consentSource ?? "form",
    ip_hmac: r.ipHmac ?? null,
    utm_source: r.utmSource ?? null,
    utm_medium: r.utmMedium ?? null,
    utm_campaign: r.utmCampaign ?? null,
    utm_term: r.utmTerm ?? null,
    utm_content: r.utmContent ?? null,
    referrer: r.referrer ?? null,
    landing_url: r.landingUrl ?? null,
    country: r.country ?? null,
    created_at: r.createdAt ?? now,
  };
}

const disposableReview = (domain: string) =>
  isDisposableDomain(domain) ? { reason: "disposable_domain" as const } : null;

/** `j.value ->> 'key'` for the row being inserted. */
const f = (key: string) => sql.raw(`j.value ->> '${key}'`);

/**
 * The statements that sign up `input` (one row or many) in `campaign`, for
 * one `db.batch()`, plus a reader for their results. Callers may append
 * their own statements (an import's progress) after these.
 */
export function createSignupStatements(
  db: Db,
  campaign: SignupCampaignRef,
  input: SignupRowInput | readonly SignupRowInput[],
  now: number,
  settings: SignupWriteSettings = {},
): SignupPlan {
  const rows = (Array.isArray(input) ? input : [input]).map((r: SignupRowInput) =>
    toJsonRow(campaign, r, now),
  );
  const json = JSON.stringify(rows);
  const status = settings.status ?? (campaign.doubleOptIn ? "pending" : "confirmed");
  const notifyNew = settings.notifyNew ?? true;
  const cid = campaign.id;

  const guards: SQL[] = [sql`true`];
  if (settings.requireOpen) {
    const version =
      settings.expectVersion === undefined ? sql`` : sql` AND c.version = ${settings.expectVersion}`;
    guards.push(
      sql`EXISTS (SELECT 1 FROM campaigns c WHERE c.id = ${cid} AND c.status IN ('waitlist', 'presale')${version})`,
    );
  }
  const limit = settings.limit;
  const windowStart = limit ? Math.floor(now / limit.windowMs) * limit.windowMs : 0;
  if (limit) {
    guards.push(
      sql`(SELECT rc.count FROM rate_counters rc WHERE rc.key = ${limit.key} AND rc.window_start = ${windowStart}) <= ${limit.max}`,
    );
  }
  const guard = sql.join(guards, sql` AND `);

  const statements: Stmt[] = [];
  const at = { count: -1, insert: -1, known: -1, campaign: -1 };
  if (limit) {
    at.count = statements.length;
    statements.push(
      run(
        db,
        sql`INSERT INTO rate_counters (key, window_start, count, expires_at)
          VALUES (${limit.key}, ${windowStart}, 1, ${windowStart + limit.windowMs})
          ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
      ),
    );
  }

  const selfReferral = sql`(r.ip_hmac IS NOT NULL AND r.ip_hmac = ${f("ip_hmac")} AND r.created_at > ${now - SELF_REFERRAL_WINDOW_MS})`;
  at.insert = statements.length;
  statements.push(
    run(
      db,
      sql`INSERT INTO signups (id, campaign_id, email, email_normalized, name, locale, status,
          confirmed_at, review, review_reason, audience, referral_code, referred_by_signup_id,
          score, answers, consent_at, consent_form_version, consent_locale, consent_source,
          ip_hmac, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer,
          landing_url, country, last_status_email_at, created_at, updated_at)
        SELECT ${f("id")}, ${cid}, ${f("email")}, ${f("email_normalized")}, ${f("name")},
          ${f("locale")}, ${status}, ${status === "confirmed" ? now : null},
          CASE WHEN ${f("review_reason")} IS NOT NULL OR ${selfReferral} THEN 'flagged' ELSE 'ok' END,
          CASE WHEN ${f("review_reason")} IS NOT NULL THEN ${f("review_reason")}
            WHEN ${selfReferral} THEN 'self_referral' END,
          ${f("audience")}, ${f("code")}, r.id, ${f("created_at")}, json(j.value -> 'answers'),
          ${f("consent_at")}, ${f("consent_form_version")}, ${f("consent_locale")},
          ${f("consent_source")}, ${f("ip_hmac")}, ${f("utm_source")}, ${f("utm_medium")},
          ${f("utm_campaign")}, ${f("utm_term")}, ${f("utm_content")}, ${f("referrer")},
          ${f("landing_url")}, ${f("country")}, ${notifyNew ? now : null}, ${f("created_at")}, ${now}
        FROM json_each(${json}) AS j
        LEFT JOIN signups r ON r.campaign_id = ${cid} AND r.referral_code = ${f("ref")}
          AND r.erased_at IS NULL
        WHERE ${guard}
        ON CONFLICT (campaign_id, email_normalized) DO NOTHING
        RETURNING id`,
    ),
  );

  const ours = sql`(SELECT value ->> 'id' FROM json_each(${json}))`;
  if (status === "confirmed") statements.push(...creditReferralStatements(db, rows.map((r) => r.id), now));
  if (notifyNew) {
    statements.push(
      outboxFromSignups(db, {
        template: status === "pending" ? sql`'signup_confirm'` : sql`'status_link'`,
        category: "transactional",
        payload: status === "pending" ? sql`json_object()` : statusLinkPayload,
        dedupeKey: sql`NULL`,
        where: sql`s.id IN ${ours}`,
        now,
      }),
    );
  }

  if (settings.notifyKnown) {
    const throttle = settings.resendThrottleMs ?? RESEND_THROTTLE_MS;
    const known = (alias: string) =>
      sql`${sql.raw(alias)}.campaign_id = ${cid}
        AND ${sql.raw(alias)}.email_normalized IN (SELECT value ->> 'email_normalized' FROM json_each(${json}))
        AND ${sql.raw(alias)}.id NOT IN ${ours} AND ${sql.raw(alias)}.erased_at IS NULL`;
    at.known = statements.length;
    statements.push(
      run(
        db,
        sql`UPDATE signups SET last_status_email_at = ${now}
          WHERE ${known("signups")}
            AND (last_status_email_at IS NULL OR last_status_email_at <= ${now - throttle})
            AND ${guard}
          RETURNING id`,
      ),
      outboxFromSignups(db, {
        ...confirmOrStatus,
        category: "transactional",
        dedupeKey: sql`'resend:' || s.id || ':' || ${now}`,
        where: sql`${known("s")} AND s.last_status_email_at = ${now}`,
        now,
      }),
    );
  }

  if (settings.requireOpen) {
    at.campaign = statements.length;
    statements.push(run(db, sql`SELECT version, status FROM campaigns WHERE id = ${cid}`));
  }

  return {
    statements: statements as Stmts,
    rows: rows.map((r) => ({ id: r.id, referralCode: r.code, emailNormalized: r.email_normalized })),
    read(results) {
      const ids = (i: number) => (i < 0 ? [] : rowsOf(results[i]).map((r: { id: string }) => r.id));
      const count = at.count < 0 ? null : Number((rowsOf(results[at.count])[0] as { count?: number })?.count ?? 0);
      const c = at.campaign < 0 ? undefined : (rowsOf(results[at.campaign])[0] as SignupBatchResult["campaign"]);
      return {
        inserted: ids(at.insert),
        resent: ids(at.known),
        count,
        campaign: c === undefined ? null : c,
      };
    },
  };
}
