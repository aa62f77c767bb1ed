import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  audienceStates,
  campaignStatuses,
  inviteCodeStatuses,
  reviewStates,
} from "../../db/schema";
import { eraseSignup } from "../../domain/signups/privacy";
import { findSignupStatus, type SignupStatus } from "../../domain/signups/status";
import { maskEmail, unsubscribeSignup } from "../../domain/unsubscribe";
import { negotiateLocale, requestLocale } from "../../i18n";
import { clientIpHmac } from "../../lib/client-ip";
import { AppError } from "../../lib/errors";
import { type AppEnv, createRouter } from "../../lib/router";
import { iso } from "../../lib/wire";
import { bodyGuard } from "../../middleware/body-guard";
import { renderProblemPage } from "../../pages/problem";
import { renderDeletedPage, renderPrivacyConfirmPage, renderStatusPage } from "../../pages/status";
import { errorResponses } from "../openapi-common";

/**
 * The person's own view of their signup: `/s/{token}` (page) and
 * `GET /v1/status` (the same as JSON, `Authorization: Bearer <status token>`),
 * plus self-service unsubscribe and erasure from the page. An invalid,
 * revoked or erased token gets a 404 page or a 401 problem, the same either
 * way, so a token never tells whether an address is on a list.
 * @see ../../../shared/CONTRACT.md "Public routes", "Customer tokens"
 * @see ../../../shared/DOMAIN.md "Erasure"
 */

const html = {
  "text/html": { schema: z.string().openapi({ description: "An HTML page" }) },
} as const;
const noReferrer = z.object({ "Referrer-Policy": z.string().openapi({ example: "no-referrer" }) });
const params = z.object({
  // Not length-checked here: a bad token must get the 404 page, not a 422.
  token: z.string().openapi({
    param: { name: "token", in: "path" },
    description: "The status token from the signup's emails",
  }),
});
const query = z.object({
  locale: z.string().optional().openapi({ description: "en or uz (else the person's language)" }),
});
const confirmForm = {
  required: false,
  content: {
    "application/x-www-form-urlencoded": {
      schema: z.object({
        confirm: z.string().max(16).optional().openapi({ description: "`yes` to act" }),
      }),
    },
  },
};

const StatusResponse = z
  .object({
    status: z.enum(["pending", "confirmed", "invited", "customer"]),
    review: z.enum(reviewStates),
    audience: z.enum(audienceStates),
    unsubscribed: z.boolean(),
    in_line: z.boolean(),
    position: z.number().int().nullable(),
    people_ahead: z.number().int().nullable(),
    referral_code: z.string().nullable(),
    referral_url: z.string().nullable(),
    verified_referrals: z.number().int(),
    referral_boost_seconds: z.number().int(),
    invite: z
      .object({
        code: z.string(),
        status: z.enum(inviteCodeStatuses),
        expires_at: z.string().nullable(),
      })
      .nullable(),
    codes_to_share: z.object({
      count: z.number().int(),
      active: z.number().int(),
      codes: z.array(
        z.object({
          code: z.string().openapi({ description: "The code to hand to a friend (single use)" }),
          hint: z.string().openapi({ description: "Its masked form, as admin lists show it" }),
          status: z.enum(inviteCodeStatuses),
          uses_left: z.number().int(),
          expires_at: z.string().nullable(),
        }),
      ),
    }),
    campaign: z.object({ name: z.string(), slug: z.string(), status: z.enum(campaignStatuses) }),
    signed_up_at: z.string(),
    confirmed_at: z.string().nullable(),
    invited_at: z.string().nullable(),
  })
  .openapi("SignupStatus");

const statusToWire = (s: SignupStatus) => ({
  status: s.stage,
  review: s.review,
  audience: s.audience,
  unsubscribed: s.unsubscribedAt !== null,
  in_line: s.inLine,
  position: s.position,
  people_ahead: s.peopleAhead,
  referral_code: s.referralCode,
  referral_url: s.referralUrl,
  verified_referrals: s.verifiedReferrals,
  referral_boost_seconds: Math.round(s.campaign.referralBoostMs / 1000),
  invite: s.invite
    ? { code: s.invite.code, status: s.invite.status, expires_at: iso(s.invite.expiresAt) }
    : null,
  codes_to_share: {
    count: s.sharedCodes.length,
    active: s.sharedCodes.filter((c) => c.status === "active").length,
    codes: s.sharedCodes.map((c) => ({
      code: c.code,
      hint: c.hint,
      status: c.status,
      uses_left: c.usesLeft,
      expires_at: iso(c.expiresAt),
    })),
  },
  campaign: { name: s.campaign.name, slug: s.campaign.slug, status: s.campaign.status },
  signed_up_at: iso(s.signedUpAt),
  confirmed_at: iso(s.confirmedAt),
  invited_at: iso(s.invitedAt),
});

const page = createRoute({
  method: "get",
  path: "/s/{token}",
  tags: ["Public"],
  summary: "Status page: place in line, referral link, invite code, unsubscribe and delete",
  request: { params, query },
  responses: {
    200: { description: "The page", headers: noReferrer, content: html },
    404: { description: "Unknown, revoked or erased link (an HTML page)", content: html },
  },
});

const step = (name: "unsubscribe" | "delete") =>
  createRoute({
    method: "post",
    path: `/s/{token}/${name}`,
    tags: ["Public"],
    summary:
      name === "delete"
        ? "Delete my data (without confirm=yes: the confirm page)"
        : "Stop list mail for this campaign (without confirm=yes: the confirm page)",
    middleware: [bodyGuard({ maxBytes: 1024, allowForm: true })] as const,
    request: { params, query, body: confirmForm },
    responses: {
      200: { description: "A page", headers: noReferrer, content: html },
      403: { description: "Posted from another site (an HTML page)", content: html },
      404: { description: "Unknown, revoked or erased link (an HTML page)", content: html },
      ...errorResponses(413, 415),
    },
  });

const json = createRoute({
  method: "get",
  path: "/v1/status",
  tags: ["Public"],
  summary: "The status page as JSON",
  security: [{ customerBearer: [] }],
  responses: {
    200: { description: "Status", content: { "application/json": { schema: StatusResponse } } },
    ...errorResponses(401),
  },
});

type Ctx = Context<AppEnv>;

/** Explicit `?locale=`, then the language the person signed up in. */
const personLocale = (c: Ctx, signupLocale: string) =>
  negotiateLocale({
    explicit: c.req.query("locale") ?? signupLocale,
    acceptLanguage: c.req.header("Accept-Language"),
  });

const notFoundPage = (c: Ctx) =>
  renderProblemPage(c, requestLocale(c), "not_found", { noReferrer: true });

/**
 * The forms post only from our own pages. The token in the path is the real
 * credential; this also stops another site from driving the buttons with a
 * leaked link in someone's browser.
 */
function crossSite(c: Ctx): boolean {
  const origin = c.req.header("origin");
  if (!origin || origin === "null") return origin === "null";
  const own = [new URL(c.req.url).origin, new URL(c.get("settings").PUBLIC_URL).origin];
  return !own.includes(origin);
}

async function lookup(c: Ctx, token: string) {
  return findSignupStatus(c.get("db"), c.get("settings"), token, Date.now());
}

function bearerToken(c: Ctx): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  return match?.[1] ?? null;
}

async function customerAudit(c: Ctx, signupId: string) {
  return {
    actorType: "customer" as const,
    actorId: signupId,
    ipHmac: await clientIpHmac(c),
    requestId: c.get("requestId"),
  };
}

export const statusRouter = createRouter()
  .openapi(page, async (c) => {
    const { token } = c.req.valid("param");
    const s = await lookup(c, token);
    if (!s) return notFoundPage(c);
    return renderStatusPage(c, {
      locale: personLocale(c, s.locale),
      path: `/s/${token}`,
      status: s,
      email: maskEmail(s.email),
    });
  })
  .openapi(step("unsubscribe"), async (c) => {
    const { token } = c.req.valid("param");
    if (crossSite(c))
      return renderProblemPage(c, requestLocale(c), "origin_not_allowed", { noReferrer: true });
    const s = await lookup(c, token);
    if (!s) return notFoundPage(c);
    const locale = personLocale(c, s.locale);
    const path = `/s/${token}`;
    if (c.req.valid("form")?.confirm !== "yes") {
      return renderPrivacyConfirmPage(c, {
        locale,
        path,
        step: "unsubscribe",
        campaignName: s.campaign.name,
        accent: s.campaign.accent,
        email: maskEmail(s.email),
      });
    }
    const { unsubscribedAt } = await unsubscribeSignup(
      c.get("db"),
      await customerAudit(c, s.signupId),
      {
        signupId: s.signupId,
        campaignId: s.campaignId,
        campaignName: s.campaign.name,
        accent: s.campaign.accent,
        defaultLocale: s.locale,
        locale: s.locale,
        email: s.email,
        unsubscribedAt: s.unsubscribedAt,
      },
      Date.now(),
    );
    return renderStatusPage(c, {
      locale,
      path,
      status: { ...s, unsubscribedAt },
      email: maskEmail(s.email),
      notice: "unsubscribed",
    });
  })
  .openapi(step("delete"), async (c) => {
    const { token } = c.req.valid("param");
    if (crossSite(c))
      return renderProblemPage(c, requestLocale(c), "origin_not_allowed", { noReferrer: true });
    const s = await lookup(c, token);
    if (!s) return notFoundPage(c);
    const locale = personLocale(c, s.locale);
    if (c.req.valid("form")?.confirm !== "yes") {
      return renderPrivacyConfirmPage(c, {
        locale,
        path: `/s/${token}`,
        step: "delete",
        campaignName: s.campaign.name,
        accent: s.campaign.accent,
        email: maskEmail(s.email),
      });
    }
    await eraseSignup(c.get("db"), await customerAudit(c, s.signupId), s.signupId, Date.now());
    return renderDeletedPage(c, {
      locale,
      campaignName: s.campaign.name,
      accent: s.campaign.accent,
    });
  })
  .openapi(json, async (c) => {
    const token = bearerToken(c);
    const s = token ? await lookup(c, token) : null;
    if (!s) {
      throw new AppError("unauthorized", {
        detail: token
          ? "The status token is not valid (wrong, revoked or erased)"
          : "Send Authorization: Bearer <status token from your status link>",
        headers: { "WWW-Authenticate": 'Bearer realm="presale-status"' },
      });
    }
    c.header("Cache-Control", "no-store");
    return c.json(statusToWire(s), 200);
  });
