/**
 * A public signup, from validated wire input to the one batch (./create.ts).
 * The reply never depends on who the address belongs to (CONTRACT.md
 * "Public routes"): new, known, unsubscribed, suppressed, outside the
 * audience, flagged, or a tripped honeypot all end in the same `accepted`,
 * and the caller answers all of them alike. Only what is wrong with the
 * request itself (invalid input, a closed campaign, a failed human check, a
 * rate limit) is an error.
 * @see ../../../shared/DOMAIN.md "Signup"
 */
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { type Locale, negotiateLocale, t } from "../../i18n";
import { AppError, notFound, rateLimited } from "../../lib/errors";
import { log } from "../../lib/log";
import { verifyTurnstile } from "../../lib/turnstile";
import { honeypotTripped } from "./abuse";
import { type AnswerIssue, validateAnswers } from "./answers";
import { forgetSignupCampaign, isOpen, loadSignupCampaign, type SignupCampaign } from "./campaign";
import { CONSENT_FORM_VERSION, createSignupStatements, type SignupRowInput } from "./create";
import { type EmailProblem, parseEmail } from "./email";
import { isReferralCodeCollision, normalizeReferralCode } from "./referrals";

/**
 * Signups a campaign takes per minute, whoever sends them: a ceiling for a
 * distributed flood that per-IP limits cannot see. About 170 a second
 * sustained: far above a real launch, and well below what one D1 database
 * (a single writer) sustains, so a signup flood cannot starve the same
 * campaign's pre-orders of write capacity.
 */
export const CAMPAIGN_SIGNUPS_PER_MINUTE = 10_000;
const MINUTE = 60_000;
const MAX_NAME = 200;

/** What the route hands over: the body as validated by the wire schema. */
export interface SignupBody {
  email: string;
  name?: string | undefined;
  referral_code?: string | undefined;
  answers?: Record<string, unknown> | undefined;
  locale?: string | undefined;
  consent: boolean;
  turnstile_token?: string | undefined;
  utm_source?: string | undefined;
  utm_medium?: string | undefined;
  utm_campaign?: string | undefined;
  utm_term?: string | undefined;
  utm_content?: string | undefined;
  referrer?: string | undefined;
  landing_url?: string | undefined;
  website?: string | undefined;
}

export interface SignupContext {
  slug: string;
  /** An HTML form post (strings only: "on" for a ticked box). */
  fromForm: boolean;
  ip: string;
  ipHmac: string;
  /** ISO 3166-1 alpha-2 from Cloudflare, if known. */
  country: string | null;
  acceptLanguage?: string | null | undefined;
  now: number;
}

export interface SignupOutcome {
  campaign: SignupCampaign;
  locale: Locale;
  /** Whether anything was queued (the caller kicks the outbox). Never shown to the client. */
  queued: boolean;
  /** Signups whose referrer was credited: the caller runs `afterCredit` after replying. */
  credited: string[];
  /**
   * New signups confirmed at once (no double opt-in) in a campaign that hands
   * out referrer codes: the caller issues them after replying, so a new
   * address never answers slower than a known one.
   */
  confirmedNow: string[];
}

export type SignupIssueCode =
  | EmailProblem
  | AnswerIssue["code"]
  | "name_invalid"
  | "consent_required";
export interface SignupIssue {
  path: string;
  code: SignupIssueCode;
  max?: number;
}

/** A 422 whose issues a form can show in the reader's language. */
export class SignupInvalid extends AppError {
  readonly issues: SignupIssue[];
  constructor(issues: SignupIssue[]) {
    super("validation_failed", {
      detail: "The request has invalid or missing fields",
      errors: issues.map((i) => ({ path: i.path, message: issueMessage("en", i) })),
    });
    this.issues = issues;
  }
}

export function issueMessage(locale: Locale, issue: SignupIssue): string {
  if (issue.code === "too_long") return t(locale, "signup.error.too_long", { max: issue.max ?? 0 });
  return t(locale, `signup.error.${issue.code}`);
}

/** `campaign_closed` for paused and closed campaigns. */
export function campaignClosed(): AppError {
  return new AppError("campaign_closed", { detail: "This campaign is not taking signups now" });
}

const blankToNull = (s: string | undefined) => {
  const v = s?.trim();
  return v ? v : null;
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The row to write, or every problem with the input at once. */
function rowFor(
  campaign: SignupCampaign,
  body: SignupBody,
  ctx: SignupContext,
  locale: Locale,
): SignupRowInput {
  const issues: SignupIssue[] = [];
  const email = parseEmail(body.email);
  if ("problem" in email) issues.push({ path: "email", code: email.problem });
  const name = blankToNull(body.name);
  if (name && ([...name].length > MAX_NAME || CONTROL.test(name))) {
    issues.push({ path: "name", code: "name_invalid" });
  }
  const answers = validateAnswers(campaign.questions, body.answers, { fromForm: ctx.fromForm });
  issues.push(...answers.issues.slice(0, 50));
  if (body.consent !== true) issues.push({ path: "consent", code: "consent_required" });
  if ("problem" in email || issues.length) throw new SignupInvalid(issues);
  const country = ctx.country && /^[A-Z]{2}$/i.test(ctx.country) ? ctx.country.toUpperCase() : null;
  return {
    email: email.email,
    emailNormalized: email.normalized,
    name,
    locale,
    answers: answers.answers,
    referredByCode: normalizeReferralCode(body.referral_code),
    consentAt: ctx.now,
    consentFormVersion: CONSENT_FORM_VERSION,
    consentLocale: locale,
    consentSource: "form",
    ipHmac: ctx.ipHmac,
    country,
    utmSource: blankToNull(body.utm_source),
    utmMedium: blankToNull(body.utm_medium),
    utmCampaign: blankToNull(body.utm_campaign),
    utmTerm: blankToNull(body.utm_term),
    utmContent: blankToNull(body.utm_content),
    referrer: blankToNull(body.referrer),
    landingUrl: blankToNull(body.landing_url),
  };
}

async function checkHuman(settings: Settings, body: SignupBody, ip: string): Promise<void> {
  const result = await verifyTurnstile(settings, body.turnstile_token, ip);
  if (result.ok) return;
  if (result.reason === "misconfigured") {
    log("error", "turnstile is on but cannot be verified: check TURNSTILE_SECRET_KEY");
    throw new AppError("misconfigured");
  }
  throw new AppError("turnstile_failed", {
    detail:
      result.reason === "unavailable"
        ? "The human check could not be completed; try again"
        : "The human check failed or was already used; complete it again",
    extra: { reason: result.reason },
  });
}

export async function submitSignup(
  db: Db,
  settings: Settings,
  body: SignupBody,
  ctx: SignupContext,
): Promise<SignupOutcome> {
  let campaign = await loadSignupCampaign(db, ctx.slug, { now: ctx.now });
  if (!campaign) throw notFound("Campaign");
  const localeOf = (c: SignupCampaign) =>
    negotiateLocale({
      explicit: body.locale,
      acceptLanguage: ctx.acceptLanguage,
      campaignDefault: c.defaultLocale,
    });
  if (!isOpen(campaign.status)) throw campaignClosed();
  if (honeypotTripped(body.website)) {
    // Same reply, nothing stored; the log never holds the address.
    log("info", "signup honeypot tripped", { campaign_id: campaign.id });
    return { campaign, locale: localeOf(campaign), queued: false, credited: [], confirmedNow: [] };
  }

  let humanChecked = false;
  for (let attempt = 0; ; attempt++) {
    const locale = localeOf(campaign);
    const row = rowFor(campaign, body, ctx, locale);
    if (campaign.turnstileEnabled && !humanChecked) {
      await checkHuman(settings, body, ctx.ip);
      humanChecked = true;
    }
    const plan = createSignupStatements(db, campaign, row, ctx.now, {
      notifyKnown: true,
      requireOpen: true,
      expectVersion: campaign.version,
      limit: {
        key: `signups:campaign:${campaign.id}`,
        windowMs: MINUTE,
        max: CAMPAIGN_SIGNUPS_PER_MINUTE,
      },
    });
    let results: unknown[];
    try {
      results = await db.batch(plan.statements);
    } catch (err) {
      // A fresh referral code that happens to be taken: new codes, same request.
      if (isReferralCodeCollision(err) && attempt < 3) continue;
      throw err;
    }
    const out = plan.read(results);
    const seen = out.campaign;
    if (!seen || seen.version !== campaign.version || !isOpen(seen.status)) {
      // Edited, paused or closed since it was cached: nothing was written.
      forgetSignupCampaign(ctx.slug);
      if (attempt >= 2) throw new AppError("service_unavailable");
      campaign = await loadSignupCampaign(db, ctx.slug, { maxAgeMs: 0, now: ctx.now });
      if (!campaign) throw notFound("Campaign");
      if (!isOpen(campaign.status)) throw campaignClosed();
      continue;
    }
    if (out.count !== null && out.count > CAMPAIGN_SIGNUPS_PER_MINUTE) {
      const windowEnd = (Math.floor(ctx.now / MINUTE) + 1) * MINUTE;
      throw rateLimited((windowEnd - ctx.now) / 1000);
    }
    const queued = out.inserted.length + out.resent.length > 0;
    const confirmedNow =
      !campaign.doubleOptIn && campaign.referralInviteQuota > 0 ? out.inserted : [];
    return { campaign, locale, queued, credited: out.credited, confirmedNow };
  }
}
