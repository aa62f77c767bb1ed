/**
 * Writing signups: the statements of ONE batch (DOMAIN.md "Signup",
 * "Outbox email"), shared by the public signup route and the CSV import job.
 *
 * Every address takes the same path, and every step is conditional, so the
 * batch is the same whoever the address belongs to and costs one round trip
 * (three statements for a public signup with double opt-in):
 *   0. (public) the per-campaign counter hit, RETURNING the count and the
 *      campaign's version and status as this batch sees them;
 *   1. INSERT … ON CONFLICT (campaign_id, email_normalized): a new address
 *      is inserted (the referrer looked up by code in the same statement,
 *      self-referral flagged there); a known one, with notifyKnown, gets
 *      last_status_email_at = now only when the last email is older than
 *      the throttle (the statement that decides also records it, so
 *      concurrent repeats send one email). RETURNING tells which;
 *   2. (no double opt-in) credit the referrers of the new, confirmed rows;
 *   3. one outbox row per signup due a message: the confirm link (pending)
 *      or the status link (confirmed).
 * Step 1 runs only while the campaign is open at the expected version and
 * the counter is within its limit, so a stale cached campaign or a flood
 * writes nothing but the counter. A failing statement (a referral-code
 * clash) rolls the whole batch back: no signup without its email.
 */
import { type SQL, sql } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { Db } from "../../db/client";
import { newId } from "../../db/schema";
import { run, type Stmt, type Stmts } from "../campaigns/statements";
import { isDisposableDomain } from "./abuse";
import { audienceFor } from "./audience";
import { confirmOrStatus, outboxFromSignups } from "./outbox-sql";
import {
  creditedIds,
  creditReferralStatements,
  newReferralCode,
  SELF_REFERRAL_WINDOW_MS,
} from "./referrals";
import type {
  SignupBatchResult,
  SignupCampaignRef,
  SignupPlan,
  SignupRowInput,
  SignupWriteSettings,
} from "./types";

export type {
  SignupBatchResult,
  SignupCampaignRef,
  SignupPlan,
  SignupRowInput,
  SignupWriteSettings,
};

/** Version of the signup form's consent wording, stored with each consent. */
export const CONSENT_FORM_VERSION = "signup-form-v1";
/** A known address gets its link again at most this often. */
export const RESEND_THROTTLE_MS = 10 * 60_000;

const rowsOf = (r: unknown) => ((r as { results?: unknown[] })?.results ?? []) as never[];

/** Optional row fields stored as given (NULL when absent), in snake_case in the row JSON. */
const OPTIONAL = [
  "name",
  "consentFormVersion",
  "consentLocale",
  "ipHmac",
  "country",
  "utmSource",
  "utmMedium",
  "utmCampaign",
  "utmTerm",
  "utmContent",
  "referrer",
  "landingUrl",
] as const;
/** Columns copied from the row JSON as they are. */
const COPIED = [
  "email",
  "email_normalized",
  "locale",
  "audience",
  "consent_at",
  "consent_source",
  "created_at",
  ...OPTIONAL.map((k) => toSnakeCase(k)),
];

function toJsonRow(campaign: SignupCampaignRef, r: SignupRowInput, now: number) {
  const domain = r.emailNormalized.slice(r.emailNormalized.lastIndexOf("@") + 1);
  const review =
    r.review !== undefined
      ? r.review
      : isDisposableDomain(domain)
        ? { reason: "disposable_domain" }
        : null;
  const source = r.consentSource ?? "form";
  const out: Record<string, unknown> = {
    id: r.id ?? newId("sgn"),
    code: r.referralCode ?? newReferralCode(),
    ref: campaign.referralEnabled ? (r.referredByCode ?? null) : null,
    review_reason: review?.reason ?? null,
    answers: r.answers ?? {},
    email: r.email,
    email_normalized: r.emailNormalized,
    locale: r.locale,
    audience:
      r.audience ??
      audienceFor(campaign.audienceRules, { domain, country: r.country ?? null, source }),
    consent_at: r.consentAt,
    consent_source: source,
    created_at: r.createdAt ?? now,
  };
  for (const key of OPTIONAL) out[toSnakeCase(key)] = r[key] ?? null;
  return out as { id: string; code: string; email_normalized: string };
}

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
      settings.expectVersion === undefined
        ? sql``
        : sql` AND c.version = ${settings.expectVersion}`;
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
  const at = { count: -1, upsert: -1, campaign: -1, credit: -1 };
  // The campaign as this batch sees it, read inside the batch (one transaction).
  const state = settings.requireOpen
    ? sql`(SELECT version FROM campaigns WHERE id = ${cid}) AS version,
        (SELECT status FROM campaigns WHERE id = ${cid}) AS status`
    : undefined;
  if (limit) {
    at.count = statements.length;
    if (state) at.campaign = at.count;
    statements.push(
      run(
        db,
        sql`INSERT INTO rate_counters (key, window_start, count, expires_at)
          VALUES (${limit.key}, ${windowStart}, 1, ${windowStart + limit.windowMs})
          ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1
          RETURNING count${state ? sql`, ${state}` : sql``}`,
      ),
    );
  } else if (state) {
    at.campaign = statements.length;
    statements.push(run(db, sql`SELECT ${state}`));
  }

  // A known address (same campaign, same normalised email) is not inserted;
  // with notifyKnown the same statement marks its link for re-sending, only
  // when the last one is older than the throttle. RETURNING gives both.
  const throttle = settings.resendThrottleMs ?? RESEND_THROTTLE_MS;
  const onConflict = settings.notifyKnown
    ? sql`DO UPDATE SET last_status_email_at = ${now}
        WHERE signups.erased_at IS NULL AND (signups.last_status_email_at IS NULL
          OR signups.last_status_email_at <= ${now - throttle})`
    : sql`DO NOTHING`;
  const selfReferral = sql`(r.ip_hmac IS NOT NULL AND r.ip_hmac = ${f("ip_hmac")} AND r.created_at > ${now - SELF_REFERRAL_WINDOW_MS})`;
  at.upsert = statements.length;
  statements.push(
    run(
      db,
      sql`INSERT INTO signups (id, campaign_id, status, confirmed_at, review, review_reason,
          referral_code, referred_by_signup_id, score, answers, last_status_email_at, updated_at,
          ${sql.raw(COPIED.join(", "))})
        SELECT ${f("id")}, ${cid}, ${status}, ${status === "confirmed" ? now : null},
          CASE WHEN ${f("review_reason")} IS NOT NULL OR ${selfReferral} THEN 'flagged' ELSE 'ok' END,
          CASE WHEN ${f("review_reason")} IS NOT NULL THEN ${f("review_reason")}
            WHEN ${selfReferral} THEN 'self_referral' END,
          ${f("code")}, r.id, ${f("created_at")}, json(j.value -> 'answers'),
          ${notifyNew ? now : null}, ${now}, ${sql.join(COPIED.map(f), sql`, `)}
        FROM json_each(${json}) AS j
        LEFT JOIN signups r ON r.campaign_id = ${cid} AND r.referral_code = ${f("ref")}
          AND r.erased_at IS NULL
        WHERE ${guard}
        ON CONFLICT (campaign_id, email_normalized) ${onConflict}
        RETURNING id`,
    ),
  );

  if (status === "confirmed") {
    at.credit = statements.length + 1;
    statements.push(
      ...creditReferralStatements(
        db,
        rows.map((r) => r.id),
        now,
      ),
    );
  }

  // One outbox statement for new and re-sent rows alike: both have
  // last_status_email_at = now exactly when they are due a message.
  if (notifyNew || settings.notifyKnown) {
    const due = settings.notifyKnown
      ? sql`s.campaign_id = ${cid} AND s.last_status_email_at = ${now}
          AND s.email_normalized IN (SELECT value ->> 'email_normalized' FROM json_each(${json}))`
      : sql`s.id IN (SELECT value ->> 'id' FROM json_each(${json}))`;
    statements.push(
      outboxFromSignups(db, {
        ...confirmOrStatus,
        category: "transactional",
        // Concurrent repeats in the same millisecond queue one message.
        dedupeKey: settings.notifyKnown ? sql`'signup:' || s.id || ':' || ${now}` : sql`NULL`,
        where: due,
        now,
      }),
    );
  }

  return {
    statements: statements as Stmts,
    rows: rows.map((r) => ({
      id: r.id,
      referralCode: r.code,
      emailNormalized: r.email_normalized,
    })),
    read(results) {
      const ours = new Set(rows.map((r) => r.id));
      const returned = rowsOf(results[at.upsert]).map((r: { id: string }) => r.id);
      const first = (i: number) =>
        i < 0
          ? undefined
          : (rowsOf(results[i])[0] as unknown as Record<string, unknown> | undefined);
      const counter = first(at.count);
      const seen = first(at.campaign);
      return {
        inserted: returned.filter((id) => ours.has(id)),
        resent: returned.filter((id) => !ours.has(id)),
        count: counter ? Number(counter.count) : null,
        credited: at.credit < 0 ? [] : creditedIds(results[at.credit]),
        campaign:
          seen && seen.version !== null && seen.version !== undefined
            ? { version: Number(seen.version), status: String(seen.status) }
            : null,
      };
    },
  };
}
