import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type ConfirmTarget, confirmSignup, findConfirmTarget } from "../../domain/signups/confirm";
import { afterCredit } from "../../domain/signups/referrals";
import { LINK_PATHS } from "../../email/links";
import { kickOutbox } from "../../email/outbox";
import { negotiateLocale, requestLocale } from "../../i18n";
import { type AppEnv, createRouter } from "../../lib/router";
import { renderConfirmPage } from "../../pages/confirm";
import { renderProblemPage } from "../../pages/problem";

/**
 * Double opt-in (CONTRACT.md "Public routes", "Customer tokens").
 * GET /confirm/{token}: a page with a Confirm button; a GET never confirms,
 * since mail scanners and link previews fetch every link in a message.
 * POST /confirm/{token}: confirms (idempotent) and 303s to the status page.
 * An invalid, revoked or erased token gets the same 404 page either way.
 * Both send `Referrer-Policy: no-referrer`: the token is in the path.
 */

const html = {
  "text/html": { schema: z.string().openapi({ description: "An HTML page" }) },
} as const;

const params = z.object({
  // Not length-checked here: a bad token must get the 404 page, not a 422.
  token: z.string().openapi({
    param: { name: "token", in: "path" },
    description: "The confirm token from the email's link",
  }),
});

const query = z.object({
  locale: z.string().optional().openapi({ description: "Language: en or uz" }),
});

const noReferrer = z.object({
  "Referrer-Policy": z.string().openapi({ example: "no-referrer" }),
});

const page = createRoute({
  method: "get",
  path: "/confirm/{token}",
  tags: ["Public"],
  summary: "Confirm page with a button (a GET never confirms)",
  request: { params, query },
  responses: {
    200: { description: "The page", headers: noReferrer, content: html },
    404: { description: "Unknown or revoked link (an HTML page)", content: html },
  },
});

const confirm = createRoute({
  method: "post",
  path: "/confirm/{token}",
  tags: ["Public"],
  summary: "Confirm the signup's email; redirects to its status page",
  description:
    "The body is ignored (the token in the path is the whole credential). Repeating it changes nothing and redirects again.",
  request: { params, query },
  responses: {
    303: {
      description: "Confirmed (now or before): to `/s/{status token}`",
      headers: noReferrer.extend({ Location: z.string() }),
    },
    404: { description: "Unknown or revoked link (an HTML page)", content: html },
  },
});

/** Explicit `?locale=`, then the language the person signed up in. */
const personLocale = (c: Context<AppEnv>, target: ConfirmTarget) =>
  negotiateLocale({
    explicit: c.req.query("locale") ?? target.locale,
    acceptLanguage: c.req.header("Accept-Language"),
  });

const notFoundPage = (c: Context<AppEnv>) =>
  renderProblemPage(c, requestLocale(c), "not_found", { noReferrer: true });

export const confirmRouter = createRouter()
  .openapi(page, async (c) => {
    const { token } = c.req.valid("param");
    const target = await findConfirmTarget(c.get("db"), c.get("settings").TOKEN_SECRET, token);
    if (!target) return notFoundPage(c);
    return renderConfirmPage(c, {
      locale: personLocale(c, target),
      path: `/confirm/${token}`,
      campaignName: target.campaignName,
      accent: target.accent,
      email: target.maskedEmail,
      confirmed: target.status === "confirmed",
    });
  })
  .openapi(confirm, async (c) => {
    const { token } = c.req.valid("param");
    const db = c.get("db");
    const secret = c.get("settings").TOKEN_SECRET;
    const target = await findConfirmTarget(db, secret, token);
    if (!target) return notFoundPage(c);
    const now = Date.now();
    const { changed, credited, statusToken } = await confirmSignup(db, secret, target, now);
    if (changed) {
      const invited = afterCredit(db, secret, credited, now);
      c.executionCtx.waitUntil(invited.then(() => kickOutbox(c.env)));
    }
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
    return c.redirect(LINK_PATHS.status(statusToken), 303);
  });
