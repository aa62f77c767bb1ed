/**
 * The email templates: one function per message, each `(ctx) => { subject,
 * preheader, html, text }`, in English and Uzbek.
 *
 *   renderEmail("invitation", { locale, campaign, recipient, links, data })
 *
 * The outbox sender builds the context at send time (links with fresh tokens,
 * data from the payload). `sampleContext` gives a full context for previews
 * and tests. @see /work/shared/DOMAIN.md "Outbox email"
 */
import { type EmailTemplate, emailTemplateCategories, locales } from "../src/db/schema/enums";
import { broadcast } from "./broadcast";
import { safeUrl } from "./escape";
import { invitation } from "./invitation";
import { lastChance } from "./last-chance";
import { loginLink } from "./login-link";
import { milestone } from "./milestone";
import { orderCancelled } from "./order-cancelled";
import { orderExpired } from "./order-expired";
import { orderReceipt } from "./order-receipt";
import { orderVerify } from "./order-verify";
import { reminder } from "./reminder";
import { shipDateChanged } from "./ship-date-changed";
import { signupConfirm } from "./signup-confirm";
import { statusLink } from "./status-link";
import {
  type CampaignInfo,
  type DataFor,
  type EmailContext,
  type Links,
  type LinksFor,
  type Locale,
  type Recipient,
  type RenderedEmail,
  requiredLinks,
  type Template,
} from "./types";

export { formatDate, formatDateTime, formatMoney } from "./format";
export type * from "./types";
export { requiredLinks } from "./types";

export const templates: { [K in EmailTemplate]: Template<K> } = {
  signup_confirm: signupConfirm,
  status_link: statusLink,
  invitation,
  reminder,
  last_chance: lastChance,
  milestone,
  order_verify: orderVerify,
  order_receipt: orderReceipt,
  order_cancelled: orderCancelled,
  order_expired: orderExpired,
  ship_date_changed: shipDateChanged,
  broadcast,
  login_link: loginLink,
};

export const isEmailTemplate = (value: unknown): value is EmailTemplate =>
  typeof value === "string" && Object.hasOwn(templates, value);

/** A message that cannot be sent as asked (unknown template, a required link missing or not http(s)). */
export class EmailRenderError extends Error {
  override name = "EmailRenderError";
}

/** The links a template must have: its own (`requiredLinks`) plus `unsubscribe` for list mail. */
export function linksRequiredBy(template: EmailTemplate): (keyof Links)[] {
  const own: readonly (keyof Links)[] = requiredLinks[template];
  return emailTemplateCategories[template] === "list" ? [...own, "unsubscribe"] : [...own];
}

/**
 * Renders one message. Throws EmailRenderError rather than send a message
 * without its action or (list mail) its unsubscribe link; the sender should
 * mark such a row failed. An unknown locale falls back to English.
 */
export function renderEmail<K extends EmailTemplate>(
  template: K,
  ctx: EmailContext<K>,
): RenderedEmail {
  if (!isEmailTemplate(template)) throw new EmailRenderError(`Unknown email template: ${template}`);
  for (const key of linksRequiredBy(template)) {
    if (!safeUrl(ctx.links?.[key])) {
      throw new EmailRenderError(`${template}: links.${key} must be an absolute http(s) URL`);
    }
  }
  const locale: Locale = (locales as readonly string[]).includes(ctx.locale) ? ctx.locale : "en";
  const render = templates[template] as Template<K>;
  return render({ ...ctx, locale });
}

const SOON = "2026-06-01T14:00:00Z";

/** Realistic data per template, for the admin preview and the tests. Broadcasts are per locale. */
export const sampleData: { [K in EmailTemplate]: (locale: Locale) => DataFor<K> } = {
  signup_confirm: () => ({ expiresMinutes: 2880 }),
  status_link: () => ({ position: 42, peopleAhead: 41, verifiedReferrals: 2 }),
  invitation: () => ({ code: "K7M2-Q9XD", expiresAt: SOON }),
  reminder: () => ({ code: "K7M2-Q9XD", expiresAt: SOON }),
  last_chance: () => ({ code: "K7M2-Q9XD", expiresAt: SOON, remaining: 12 }),
  milestone: (locale) => ({
    referrals: 3,
    position: 17,
    reward: locale === "uz" ? "Yetkazib berish bepul" : "Free shipping on your order",
  }),
  order_verify: () => ({ ...sampleOrder(), expiresMinutes: 60 }),
  order_receipt: () => ({ ...sampleOrder(), cancelUntil: "2026-08-31T19:00:00Z" }),
  order_cancelled: () => ({ ...sampleOrder(), cancelledBy: "customer" }),
  order_expired: () => ({ ...sampleOrder(), reason: "unverified" }),
  ship_date_changed: () => ({
    orderId: "ord_8HQ3ZP",
    oldDate: "2026-09-15",
    newDate: "2026-10-06",
  }),
  broadcast: (locale) =>
    locale === "uz"
      ? {
          subject: "Ishlab chiqarish yangiliklari: birinchi partiya tayyor",
          body: "Birinchi 200 ta chiroq yigʻildi va sinovdan oʻtmoqda.\n\nBuyurtma bergan boʻlsangiz, hech narsa qilishingiz shart emas: joʻnatish sanasi yaqinlashganda xabar beramiz.",
          actionLabel: "Suratlarni koʻrish",
        }
      : {
          subject: "Production update: the first batch is ready",
          body: "The first 200 lamps are assembled and in testing.\n\nIf you've pre-ordered, there's nothing to do: we'll write again when your ship date is close.",
          actionLabel: "See the photos",
        },
  login_link: () => ({ expiresMinutes: 15 }),
};

function sampleOrder() {
  return {
    orderId: "ord_8HQ3ZP",
    currency: "USD",
    items: [
      { name: "Aurora Lamp — Sand", quantity: 2, unitPrice: 4900 },
      { name: "Spare shade", quantity: 1, unitPrice: 1500 },
    ],
    total: 11300,
  };
}

export const sampleCampaign: CampaignInfo = {
  name: "Aurora Lamp",
  branding: {
    accentColor: "#c2410c",
    senderName: "Aurora Studio",
    replyTo: "hello@aurora.example",
    postalAddress: "Aurora Studio, 12 Amir Temur Avenue, Tashkent 100000, Uzbekistan",
  },
  currency: "USD",
  expectedShipDate: "2026-09-15",
  timeZone: "Asia/Tashkent",
};

/** What login_link (not tied to a campaign) is sent as: the product itself, no branding. */
export const dashboardCampaign: CampaignInfo = { name: "Presale", branding: {}, currency: "USD" };

/** Example links (not real tokens) under `baseUrl`. */
export function sampleLinks(baseUrl = "https://presale.example"): Required<Links> {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    action: `${base}/preview/action-token`,
    status: `${base}/s/preview-status-token`,
    order: `${base}/o/preview-order-token`,
    unsubscribe: `${base}/unsubscribe/preview-unsubscribe-token`,
    manage: `${base}/s/preview-status-token`,
    referral: `${base}/c/aurora-lamp?ref=AURORA42`,
  };
}

/**
 * A full context for a preview: sample data in the locale, and the sample
 * campaign, recipient and links unless given (pass the real campaign to
 * preview with its branding).
 */
export function sampleContext<K extends EmailTemplate>(
  template: K,
  locale: Locale,
  overrides: {
    campaign?: CampaignInfo;
    recipient?: Recipient;
    links?: Links;
    baseUrl?: string;
  } = {},
): EmailContext<K> {
  const dashboard = template === "login_link";
  return {
    locale,
    campaign: overrides.campaign ?? (dashboard ? dashboardCampaign : sampleCampaign),
    recipient: overrides.recipient ?? {
      name: dashboard ? "Dilnoza" : "Aziza",
      email: "aziza@example.com",
    },
    links: { ...sampleLinks(overrides.baseUrl), ...overrides.links } as LinksFor<K>,
    data: sampleData[template](locale) as DataFor<K>,
  };
}
