import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { findUnsubscribeTarget, maskEmail, unsubscribeSignup } from "../../domain/unsubscribe";
import { negotiateLocale, requestLocale } from "../../i18n";
import { clientIpHmac } from "../../lib/client-ip";
import { type AppEnv, createRouter } from "../../lib/router";
import { renderProblemPage } from "../../pages/problem";
import { renderUnsubscribePage } from "../../pages/unsubscribe";

/**
 * GET /unsubscribe/{token}: a page with a button; never unsubscribes by
 * itself (mail scanners and link previews fetch every link).
 * POST /unsubscribe/{token}: RFC 8058 one-click. Mail clients post
 * `List-Unsubscribe=One-Click` (form-encoded or multipart) from no page at
 * all, without cookies or a matching Origin; the page's own form posts the
 * same. The body is never read (the token in the path is the whole
 * credential), so any body, or none, works. Always 200 with a page, never a
 * redirect, and idempotent.
 * An invalid, revoked or erased token gets the same 404 page either way, so
 * the page never tells whether an address is on a list.
 * @see https://www.rfc-editor.org/rfc/rfc8058
 * @see ../../../shared/CONTRACT.md "Public routes", "Customer tokens"
 */

const html = {
  "text/html": { schema: z.string().openapi({ description: "An HTML page" }) },
} as const;

const params = z.object({
  // Not length-checked here: a bad token must get the 404 page, not a 422.
  token: z.string().openapi({
    param: { name: "token", in: "path" },
    description: "The unsubscribe token from the email's List-Unsubscribe link",
  }),
});

const query = z.object({
  locale: z
    .string()
    .optional()
    .openapi({ description: "Language: en or uz (else the person's own language)" }),
});

const noReferrer = z.object({
  "Referrer-Policy": z.string().openapi({ example: "no-referrer" }),
});

const page = createRoute({
  method: "get",
  path: "/unsubscribe/{token}",
  tags: ["Public"],
  summary: "Unsubscribe page with a button (a GET never unsubscribes)",
  request: { params, query },
  responses: {
    200: { description: "The page", headers: noReferrer, content: html },
    404: { description: "Unknown or revoked link (an HTML page)", content: html },
  },
});

const oneClick = createRoute({
  method: "post",
  path: "/unsubscribe/{token}",
  tags: ["Public"],
  summary: "RFC 8058 one-click unsubscribe (list mail of this campaign)",
  description:
    "Send `List-Unsubscribe=One-Click` (application/x-www-form-urlencoded or multipart/form-data), or no body. No cookies or Origin needed. Answers 200 with a page, never a redirect; repeating it changes nothing. Transactional mail (confirmations, receipts) still goes.",
  request: { params, query },
  responses: {
    200: { description: "Unsubscribed (or already were)", headers: noReferrer, content: html },
    404: { description: "Unknown or revoked link (an HTML page)", content: html },
  },
});

/** Explicit `?locale=`, then the language the person signed up in. */
function personLocale(c: Context<AppEnv>, signupLocale: string) {
  return negotiateLocale({
    explicit: c.req.query("locale") ?? signupLocale,
    acceptLanguage: c.req.header("Accept-Language"),
  });
}

function notFoundPage(c: Context<AppEnv>) {
  return renderProblemPage(c, requestLocale(c), "not_found", { noReferrer: true });
}

export const unsubscribeRouter = createRouter()
  .openapi(page, async (c) => {
    const { token } = c.req.valid("param");
    const target = await findUnsubscribeTarget(c.get("db"), c.get("settings").TOKEN_SECRET, token);
    if (!target) return notFoundPage(c);
    return renderUnsubscribePage(c, {
      locale: personLocale(c, target.locale),
      path: `/unsubscribe/${token}`,
      campaignName: target.campaignName,
      accent: target.accent,
      email: maskEmail(target.email),
      state: target.unsubscribedAt === null ? "ask" : "already",
    });
  })
  .openapi(oneClick, async (c) => {
    const { token } = c.req.valid("param");
    const settings = c.get("settings");
    const db = c.get("db");
    const target = await findUnsubscribeTarget(db, settings.TOKEN_SECRET, token);
    if (!target) return notFoundPage(c);
    await unsubscribeSignup(
      db,
      {
        actorType: "customer",
        actorId: target.signupId,
        ipHmac: await clientIpHmac(c),
        requestId: c.get("requestId"),
      },
      target,
      Date.now(),
    );
    return renderUnsubscribePage(c, {
      locale: personLocale(c, target.locale),
      path: `/unsubscribe/${token}`,
      campaignName: target.campaignName,
      accent: target.accent,
      email: maskEmail(target.email),
      state: "done",
    });
  });
