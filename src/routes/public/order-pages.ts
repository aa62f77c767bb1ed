import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cancelByCustomer } from "../../domain/preorders/cancel";
import {
  findOrderByToken,
  type OrderView,
  orderToken,
  verificationLapsed,
} from "../../domain/preorders/read";
import { verifyOrder } from "../../domain/preorders/verify";
import { maskEmail } from "../../domain/unsubscribe";
import { LINK_PATHS } from "../../email/links";
import { kickOutbox } from "../../email/outbox";
import { negotiateLocale, requestLocale } from "../../i18n";
import { isAppError } from "../../lib/errors";
import { type AppEnv, createRouter } from "../../lib/router";
import { bodyGuard } from "../../middleware/body-guard";
import { type OrderNotice, renderOrderPage } from "../../pages/order";
import { renderProblemPage } from "../../pages/problem";
import { renderVerifyPage } from "../../pages/verify";
import { customerAudit } from "./preorders";

/**
 * The customer's pages for one pre-order (CONTRACT.md "Public routes"):
 * GET /o/{token} (status, items, cancel button) and POST /o/{token}/cancel
 * (303 back to the page); GET /verify/{token} (a page with a button: a GET
 * never verifies, since mail scanners fetch every link) and POST
 * /verify/{token} (verifies; 303 to the order page). Tokens travel in the
 * path, so every answer carries `Referrer-Policy: no-referrer`; an invalid,
 * revoked or erased token gets the same 404 page either way.
 * @see ../../../shared/CONTRACT.md "Customer tokens"
 */

const html = {
  "text/html": { schema: z.string().openapi({ description: "An HTML page" }) },
} as const;
const noReferrer = z.object({ "Referrer-Policy": z.string().openapi({ example: "no-referrer" }) });
const params = z.object({
  // Not length-checked here: a bad token must get the 404 page, not a 422.
  token: z.string().openapi({
    param: { name: "token", in: "path" },
    description: "The token from the email's link",
  }),
});
const query = z.object({
  locale: z.string().optional().openapi({ description: "en or uz (else the order's language)" }),
  notice: z.string().optional().openapi({ description: "Set by the redirects after an action" }),
});
const notFoundPage = {
  404: { description: "Unknown, revoked or erased link (an HTML page)", content: html },
};
const redirect = {
  description: "To the order page",
  headers: noReferrer.extend({ Location: z.string() }),
};

const orderPage = createRoute({
  method: "get",
  path: "/o/{token}",
  tags: ["Public"],
  summary: "Order page: status, items, total, ship date, cancel button",
  request: { params, query },
  responses: {
    200: { description: "The page", headers: noReferrer, content: html },
    ...notFoundPage,
  },
});

const cancelForm = createRoute({
  method: "post",
  path: "/o/{token}/cancel",
  tags: ["Public"],
  summary: "Cancel the order while the campaign allows; 303 back to the order page",
  middleware: [bodyGuard({ maxBytes: 1024, allowForm: true })] as const,
  request: { params, query },
  responses: {
    303: redirect,
    403: { description: "Posted from another site (an HTML page)", content: html },
    409: { description: "Can no longer be cancelled (the order page, saying so)", content: html },
    ...notFoundPage,
  },
});

const verifyPage = createRoute({
  method: "get",
  path: "/verify/{token}",
  tags: ["Public"],
  summary: "Confirm-your-email page for a pending pre-order (a GET never verifies)",
  request: { params, query },
  responses: {
    200: { description: "The page", headers: noReferrer, content: html },
    ...notFoundPage,
  },
});

const verifyPost = createRoute({
  method: "post",
  path: "/verify/{token}",
  tags: ["Public"],
  summary: "Verify the pre-order's email (reserved; the receipt goes out); 303 to the order page",
  description: "The body is ignored. Repeating it changes nothing and redirects again.",
  request: { params, query },
  responses: { 303: redirect, ...notFoundPage },
});

type Ctx = Context<AppEnv>;

/** Explicit `?locale=`, then the language the order was placed in. */
const orderLocale = (c: Ctx, view: OrderView) =>
  negotiateLocale({
    explicit: c.req.query("locale") ?? view.order.locale,
    acceptLanguage: c.req.header("Accept-Language"),
  });

const notFound = (c: Ctx) =>
  renderProblemPage(c, requestLocale(c), "not_found", { noReferrer: true });

const lookup = (c: Ctx, purpose: "order" | "verify", token: string) =>
  findOrderByToken(c.get("db"), c.get("settings").TOKEN_SECRET, purpose, token);

/** The forms post only from our own pages (the token is the credential; this stops other sites driving them). */
function crossSite(c: Ctx): boolean {
  const origin = c.req.header("origin");
  if (!origin || origin === "null") return origin === "null";
  const own = [new URL(c.req.url).origin, new URL(c.get("settings").PUBLIC_URL).origin];
  return !own.includes(origin);
}

const NOTICES = new Set<string>(["cancelled", "verified", "cancel_refused", "verify_over_limit"]);

function seeOrder(c: Ctx, token: string, locale: string, notice?: OrderNotice) {
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", "no-store");
  const q = `?locale=${locale}${notice ? `&notice=${notice}` : ""}`;
  return c.redirect(`${LINK_PATHS.order(token)}${q}`, 303);
}

export const orderPagesRouter = createRouter()
  .openapi(orderPage, async (c) => {
    const { token } = c.req.valid("param");
    const view = await lookup(c, "order", token);
    if (!view) return notFound(c);
    const notice = c.req.valid("query").notice;
    return renderOrderPage(c, {
      locale: orderLocale(c, view),
      path: LINK_PATHS.order(token),
      view,
      email: maskEmail(view.order.email ?? ""),
      now: Date.now(),
      notice: notice && NOTICES.has(notice) ? (notice as OrderNotice) : undefined,
    });
  })
  .openapi(cancelForm, async (c) => {
    const { token } = c.req.valid("param");
    if (crossSite(c))
      return renderProblemPage(c, requestLocale(c), "origin_not_allowed", { noReferrer: true });
    const view = await lookup(c, "order", token);
    if (!view) return notFound(c);
    const locale = orderLocale(c, view);
    const now = Date.now();
    try {
      await cancelByCustomer(c.get("db"), await customerAudit(c, view.order.id), view, now);
    } catch (err) {
      if (!isAppError(err) || err.code !== "conflict") throw err;
      const fresh = (await lookup(c, "order", token)) ?? view;
      const props = { locale, path: LINK_PATHS.order(token), view: fresh, now };
      return renderOrderPage(
        c,
        { ...props, email: maskEmail(fresh.order.email ?? ""), notice: "cancel_refused" },
        409,
      );
    }
    c.executionCtx.waitUntil(kickOutbox(c.env));
    return seeOrder(c, token, locale, "cancelled");
  })
  .openapi(verifyPage, async (c) => {
    const { token } = c.req.valid("param");
    const view = await lookup(c, "verify", token);
    if (!view) return notFound(c);
    const { order, campaign } = view;
    const now = Date.now();
    const state =
      order.status === "pending_verification"
        ? verificationLapsed(order, now)
          ? "ended"
          : "pending"
        : order.status === "cancelled" || order.status === "expired"
          ? "ended"
          : "verified";
    return renderVerifyPage(c, {
      locale: orderLocale(c, view),
      path: LINK_PATHS.verify(token),
      campaignName: campaign.name,
      accent: campaign.accent,
      email: maskEmail(order.email ?? ""),
      orderId: order.id,
      expiresAt: order.holdExpiresAt,
      state,
      orderPath: LINK_PATHS.order(await orderToken(c.get("settings").TOKEN_SECRET, order)),
    });
  })
  .openapi(verifyPost, async (c) => {
    const { token } = c.req.valid("param");
    const view = await lookup(c, "verify", token);
    if (!view) return notFound(c);
    const outcome = await verifyOrder(c.get("db"), view, Date.now());
    if (outcome === "verified") c.executionCtx.waitUntil(kickOutbox(c.env));
    const orderTok = await orderToken(c.get("settings").TOKEN_SECRET, view.order);
    return seeOrder(
      c,
      orderTok,
      orderLocale(c, view),
      outcome === "verified"
        ? "verified"
        : outcome === "over_limit"
          ? "verify_over_limit"
          : undefined,
    );
  });
