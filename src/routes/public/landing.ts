import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isOpen, loadSignupCampaign, ORIGIN_CACHE_MS } from "../../domain/signups/campaign";
import { normalizeReferralCode } from "../../domain/signups/referrals";
import { issueMessage, type SignupBody, type SignupIssue } from "../../domain/signups/submit";
import { type Locale, negotiateLocale, requestLocale, t } from "../../i18n";
import type { AppError } from "../../lib/errors";
import { type AppEnv, createRouter } from "../../lib/router";
import { renderLandingPage } from "../../pages/landing";
import { renderProblemPage } from "../../pages/problem";
import { renderThanksPage } from "../../pages/thanks";

/**
 * The hosted landing page `/c/{slug}` (CONTRACT.md "Public routes"): the
 * campaign and its signup form, working without JavaScript, and the
 * thank-you page the form lands on. `?ref=` (a referral code) and `utm_*`
 * ride along in hidden fields, with the page's referrer and URL, so the
 * signup records where it came from. Drafts and unknown slugs get the 404
 * page; paused and closed campaigns show the page without the form.
 */

const html = {
  "text/html": { schema: z.string().openapi({ description: "An HTML page" }) },
} as const;

const params = z.object({
  slug: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "slug", in: "path" }, example: "demo" }),
});

const UTM_KEYS = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;
const CARRIED = ["referral_code", ...UTM_KEYS, "referrer", "landing_url"] as const;

const query = z.object({
  locale: z.string().optional().openapi({ description: "en or uz" }),
  ref: z.string().optional().openapi({ description: "A friend's referral code" }),
  ...Object.fromEntries(UTM_KEYS.map((k) => [k, z.string().optional()])),
});

const page = createRoute({
  method: "get",
  path: "/c/{slug}",
  tags: ["Public"],
  summary: "Hosted landing page with the signup form (works without JavaScript)",
  request: { params, query },
  responses: {
    200: { description: "The page", content: html },
    404: { description: "No such public campaign (an HTML page)", content: html },
  },
});

const thanks = createRoute({
  method: "get",
  path: "/c/{slug}/thanks",
  tags: ["Public"],
  summary: "Thank-you page after a signup from the hosted form",
  request: { params, query: z.object({ locale: z.string().optional() }) },
  responses: {
    200: { description: "The page", content: html },
    404: { description: "No such public campaign (an HTML page)", content: html },
  },
});

const clip = (value: string | undefined, max: number) => value?.trim().slice(0, max) || undefined;

/** Non-empty carried values only. */
function hiddenFields(values: Partial<Record<(typeof CARRIED)[number], string | undefined>>) {
  const out: Record<string, string> = {};
  for (const key of CARRIED) {
    const value = values[key];
    if (value) out[key] = value;
  }
  return out;
}

const NOTICES: Partial<
  Record<
    AppError["code"],
    "signup.error.closed" | "signup.error.rate_limited" | "signup.error.turnstile"
  >
> = {
  campaign_closed: "signup.error.closed",
  rate_limited: "signup.error.rate_limited",
  turnstile_failed: "signup.error.turnstile",
};

/**
 * The landing page again after a failed form post, with the error's status
 * (and headers, e.g. Retry-After), the typed values and the problems listed
 * in the reader's language. `issues` without a code come from the wire
 * schema and get a generic message.
 */
export async function renderSignupErrorPage(
  c: Context<AppEnv>,
  slug: string,
  values: Partial<SignupBody>,
  err: AppError,
  issues: (Partial<SignupIssue> & { path: string; unknownField?: boolean })[],
): Promise<Response> {
  const campaign = await loadSignupCampaign(c.get("db"), slug);
  if (!campaign) return renderProblemPage(c, requestLocale(c), "not_found");
  const locale: Locale = negotiateLocale({
    explicit: typeof values.locale === "string" ? values.locale : undefined,
    acceptLanguage: c.req.header("accept-language"),
    campaignDefault: campaign.defaultLocale,
  });
  const notice = NOTICES[err.code];
  return renderLandingPage(
    c,
    {
      locale,
      campaign,
      open: isOpen(campaign.status) && err.code !== "campaign_closed",
      values: {
        email: typeof values.email === "string" ? values.email : "",
        name: typeof values.name === "string" ? values.name : "",
        answers: values.answers ?? {},
        consent: values.consent === true,
      },
      hidden: hiddenFields(values),
      referred: Boolean(normalizeReferralCode(values.referral_code)),
      issues: issues.map((i) => ({
        path: i.path,
        message: i.unknownField
          ? t(locale, "signup.error.unknown_field", { field: i.path })
          : i.code
            ? issueMessage(locale, i as SignupIssue)
            : t(locale, "signup.error.invalid"),
      })),
      ...(notice ? { notice: t(locale, notice) } : {}),
    },
    { status: err.status as 403 | 409 | 422 | 429, headers: err.headers ?? {} },
  );
}

export const landingRouter = createRouter()
  .openapi(page, async (c) => {
    const { slug } = c.req.valid("param");
    const q = c.req.valid("query") as Record<string, string | undefined>;
    const campaign = await loadSignupCampaign(c.get("db"), slug, { maxAgeMs: ORIGIN_CACHE_MS });
    if (!campaign) return renderProblemPage(c, requestLocale(c), "not_found");
    const locale = requestLocale(c, campaign.defaultLocale);
    const ref = campaign.referralEnabled ? normalizeReferralCode(q.ref) : null;
    const keep = new URLSearchParams();
    if (ref) keep.set("ref", ref);
    for (const k of UTM_KEYS) if (clip(q[k], 200)) keep.set(k, clip(q[k], 200) as string);
    return renderLandingPage(c, {
      locale,
      campaign,
      open: isOpen(campaign.status),
      referred: ref !== null,
      keepQuery: keep.toString(),
      hidden: hiddenFields({
        referral_code: ref ?? undefined,
        ...Object.fromEntries(UTM_KEYS.map((k) => [k, clip(q[k], 200)])),
        referrer: clip(c.req.header("referer"), 2000),
        landing_url: clip(c.req.url, 2000),
      }),
    });
  })
  .openapi(thanks, async (c) => {
    const { slug } = c.req.valid("param");
    const campaign = await loadSignupCampaign(c.get("db"), slug, { maxAgeMs: ORIGIN_CACHE_MS });
    if (!campaign) return renderProblemPage(c, requestLocale(c), "not_found");
    return renderThanksPage(c, {
      locale: requestLocale(c, campaign.defaultLocale),
      slug: campaign.slug,
      campaignName: campaign.name,
      accent: campaign.branding.accentColor ?? null,
    });
  });
