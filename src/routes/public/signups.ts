import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { issueReferrerCodes } from "../../domain/invites/quota";
import { afterCredit } from "../../domain/signups/referrals";
import { type SignupBody, SignupInvalid, submitSignup } from "../../domain/signups/submit";
import { kickOutbox, kickOutboxSoon } from "../../email/outbox";
import { clientIp, clientIpHmac } from "../../lib/client-ip";
import { AppError, isAppError } from "../../lib/errors";
import { log } from "../../lib/log";
import { perIpBurst } from "../../lib/rate-limit";
import { createRouter, zodIssuesToFieldErrors } from "../../lib/router";
import { renderSignupErrorPage } from "./landing";

/**
 * POST /v1/campaigns/{slug}/signups: join a waitlist (CONTRACT.md "Public
 * routes"). JSON, or a plain HTML form post (the hosted page and the
 * README's form work without JavaScript). Every address gets the same
 * `202 { status: "pending" }` (or, for a form, the same 303 to the
 * thank-you page); what happened is told only by email, to the address.
 * Errors in a form post show the form again with them, not JSON.
 * The origin check (src/middleware/origin-check.ts) runs before this.
 */

const text = (max: number) => z.string().max(max).optional();

export const SignupRequest = z
  .strictObject({
    email: z.string().max(320).openapi({ example: "jane@example.com" }),
    name: text(500),
    referral_code: text(64).openapi({ description: "A friend's referral code (`?ref=`)" }),
    answers: z
      .record(
        z.string().max(64),
        z.union([z.string().max(5000), z.array(z.string().max(200)).max(50), z.boolean()]),
      )
      .optional()
      .openapi({ description: "Answers by question key", example: { use: "desk" } }),
    locale: text(35).openapi({
      description: "en or uz; else Accept-Language, then the campaign's",
    }),
    consent: z
      .boolean()
      .openapi({ description: "Must be true: agrees to emails about the campaign" }),
    turnstile_token: text(2048).openapi({ description: "When the campaign turns Turnstile on" }),
    utm_source: text(200),
    utm_medium: text(200),
    utm_campaign: text(200),
    utm_term: text(200),
    utm_content: text(200),
    referrer: text(2000),
    landing_url: text(2000),
    website: text(500).openapi({ description: "Honeypot: leave it out or empty" }),
  })
  .openapi("SignupRequest");

const TRUE_WORDS = new Set(["on", "true", "1", "yes"]);
const ANSWER_FIELD = /^answers\[([^\][]{1,64})\](\[\])?$/;

/**
 * An HTML form's fields → the JSON shape: `answers[key]` (and
 * `answers[key][]` for ticked boxes) into `answers`, Turnstile's
 * `cf-turnstile-response` into `turnstile_token`, the consent box's "on"
 * into a boolean (an unticked box is not sent at all), and empty optional
 * fields dropped (hidden inputs with nothing in them).
 */
function formToBody(raw: unknown): unknown {
  if (!raw || typeof raw !== "object") return raw;
  // Null-prototype objects: a field named `answers[__proto__]` is just a key.
  const out: Record<string, unknown> = Object.assign(Object.create(null), { consent: false });
  const answers: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    const answer = ANSWER_FIELD.exec(key);
    if (answer) answers[answer[1] as string] = answer[2] ? [value].flat() : value;
    else if (key === "cf-turnstile-response") out.turnstile_token = value || undefined;
    else if (key === "consent") out.consent = typeof value === "string" && TRUE_WORDS.has(value);
    else if (value !== "" || key === "email") out[key] = value;
  }
  if (Object.keys(answers).length) out.answers = answers;
  return out;
}

const SignupForm = z.preprocess(formToBody, SignupRequest);

const Accepted = z.object({ status: z.literal("pending") }).openapi("SignupAccepted");

const post = createRoute({
  method: "post",
  path: "/v1/campaigns/{slug}/signups",
  tags: ["Public"],
  summary: "Join a campaign's waitlist",
  description:
    "The same 202 (or, for a form post without `Accept: application/json`, the same 303 to the thank-you page) whether the address is new, already on the list, unsubscribed, suppressed or outside the audience; the email says the rest. Form posts carry answers as `answers[key]` fields (`answers[key][]` for several).",
  middleware: [perIpBurst("RL_PUBLIC", { scope: "signup" })] as const,
  request: {
    params: z.object({
      slug: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "slug", in: "path" }, example: "demo" }),
    }),
    body: {
      content: {
        "application/json": { schema: SignupRequest },
        "application/x-www-form-urlencoded": { schema: SignupForm },
        "multipart/form-data": { schema: SignupForm },
      },
    },
  },
  responses: {
    202: {
      description: "Accepted; check the inbox",
      content: { "application/json": { schema: Accepted } },
    },
    303: { description: "Form post: to the thank-you page `/c/{slug}/thanks`" },
    400: errorContent("Malformed body"),
    403: errorContent("Origin not allowed, or the human check (Turnstile) failed"),
    404: errorContent("No such public campaign"),
    409: errorContent("The campaign is paused or closed (campaign_closed)"),
    413: errorContent("Body too large"),
    415: errorContent("Not JSON or a form"),
    422: errorContent("Invalid fields (per-field errors), or consent not given"),
    429: errorContent("Too many signups from this client or to this campaign; see Retry-After"),
  },
});

function errorContent(description: string) {
  return {
    description,
    content: {
      "application/problem+json": { schema: z.object({ code: z.string() }).passthrough() },
    },
  };
}

const mediaType = (c: Context) =>
  (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
const isForm = (c: Context) => {
  const type = mediaType(c);
  return type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
};
/** A browser form post wants a page back; anything asking for JSON gets JSON. */
const wantsPage = (c: Context) =>
  isForm(c) && !/application\/(problem\+)?json/i.test(c.req.header("accept") ?? "");

/**
 * Country from Cloudflare (`request.cf.country`). Only where there is no
 * `cf` at all (tests) is the CF-IPCountry header read: in production
 * Cloudflare always sets `cf`, so a client cannot pick its country.
 */
function countryOf(c: Context): string | null {
  const cf = (c.req.raw as { cf?: { country?: unknown } }).cf;
  if (cf) return typeof cf.country === "string" ? cf.country : null;
  return c.req.header("cf-ipcountry") ?? null;
}

export const signupsRouter = createRouter().openapi(
  post,
  async (c) => {
    const { slug } = c.req.valid("param");
    const form = isForm(c);
    if (!form && !/json/.test(mediaType(c))) {
      throw new AppError("validation_failed", {
        detail: "Send the signup as a JSON or form body",
        errors: [{ path: "(body)", message: "Required" }],
      });
    }
    const body = form ? c.req.valid("form") : c.req.valid("json");
    const settings = c.get("settings");
    const ip = clientIp(c);
    const now = Date.now();
    try {
      const out = await submitSignup(c.get("db"), settings, body, {
        slug,
        fromForm: form,
        ip,
        ipHmac: await clientIpHmac(c),
        country: countryOf(c),
        acceptLanguage: c.req.header("accept-language"),
        now,
      });
      if (out.queued) c.executionCtx.waitUntil(kickOutboxSoon(c.env, now));
      if (out.credited.length) {
        const invited = afterCredit(c.get("db"), settings.TOKEN_SECRET, out.credited, now);
        c.executionCtx.waitUntil(invited.then((yes) => yes && kickOutbox(c.env)));
      }
      for (const signupId of out.confirmedNow) {
        c.executionCtx.waitUntil(
          issueReferrerCodes(c.get("db"), settings, out.campaign, signupId, now).catch((err) =>
            // The signup stands without its hand-out codes; logged for the operator.
            log("error", "referrer codes not issued", { signup_id: signupId, error: String(err) }),
          ),
        );
      }
      c.header("Cache-Control", "no-store");
      if (wantsPage(c)) {
        return c.redirect(`/c/${out.campaign.slug}/thanks?locale=${out.locale}`, 303);
      }
      return c.json({ status: "pending" as const }, 202);
    } catch (err) {
      if (wantsPage(c) && isAppError(err) && err.status < 500 && err.code !== "not_found") {
        const issues = err instanceof SignupInvalid ? err.issues : [];
        return renderSignupErrorPage(c, slug, body, err, issues);
      }
      throw err;
    }
  },
  // A form post with invalid fields gets the form back with them; the rest the usual 422.
  (result, c) => {
    if (result.success) return;
    if (result.target === "form" && wantsPage(c)) {
      // A field the form should not have (a host page's own input, a misnamed
      // answer) is named, so whoever wires the form can see what to fix.
      const issues = result.error.issues.flatMap((i) =>
        i.code === "unrecognized_keys"
          ? i.keys.map((key) => ({ path: key, unknownField: true }))
          : [{ path: i.path.map(String).join(".") }],
      );
      // zod-validator hands the hook the raw input as `data` (not in its failure type).
      const values = formToBody((result as { data?: unknown }).data) as Partial<SignupBody>;
      const error = new AppError("validation_failed");
      return renderSignupErrorPage(c, c.req.param("slug") ?? "", values, error, issues);
    }
    throw new AppError("validation_failed", {
      detail: "The request has invalid or missing fields",
      errors: zodIssuesToFieldErrors(result.error),
    });
  },
);
