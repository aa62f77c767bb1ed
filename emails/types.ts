/**
 * What a template is given and what it returns. The outbox sender builds the
 * context at send time: it renders the link tokens (`links`), picks the
 * locale, and maps the outbox payload to `data`. Templates never build links
 * from ids. @see /work/shared/DOMAIN.md "Outbox email", "Secrets"
 */
import type {
  EmailCategory,
  EmailTemplate,
  emailTemplateCategories,
  Locale,
} from "../src/db/schema/enums";
import type { Branding } from "../src/db/schema/types";

export type { EmailCategory, EmailTemplate, Locale };

export type CampaignInfo = {
  /** Plain text; escaped by the templates. */
  name: string;
  branding: Branding;
  /** ISO 4217. Order mails use the order's own `data.currency`. */
  currency: string;
  /** Calendar date `YYYY-MM-DD`. */
  expectedShipDate?: string | null;
  /** IANA time zone for instants (invite expiry, cancel deadline); default UTC. */
  timeZone?: string | null;
};

export type Recipient = { name?: string | null; email: string };

/** Absolute http(s) URLs rendered by the sender; anything else is dropped. */
export type Links = {
  /** The main button (confirm, pre-order with the code, verify order, sign in, …). */
  action?: string;
  /** The signup's status page `/s/{token}`. */
  status?: string;
  /** The order page `/o/{token}`. */
  order?: string;
  /** `/unsubscribe/{token}`; required for list mail. */
  unsubscribe?: string;
  /** Optional preferences page, shown next to unsubscribe in list mail. */
  manage?: string;
  /** The signup's public referral link (landing page with its code), to share. */
  referral?: string;
};

export type OrderItem = {
  name: string;
  quantity: number;
  /** Integer minor units of the order currency. */
  unitPrice: number;
};

export type OrderData = {
  /** The public order id as the customer sees it. */
  orderId: string;
  items: OrderItem[];
  /** Integer minor units. */
  total: number;
  /** ISO 4217, copied onto the order. */
  currency: string;
};

export type InviteData = {
  /** The personal invite code, shown as is. */
  code: string;
  /** ISO 8601 instant the code stops working; null = no expiry. */
  expiresAt?: string | null;
};

export type OrderExpiredReason = "unverified" | "hold";

/** `data` per template. Dates: `YYYY-MM-DD` for calendar dates, ISO 8601 instants otherwise. */
export type TemplateData = {
  signup_confirm: { expiresMinutes?: number | null };
  status_link: {
    /** 1-based place in line; null while not ranked (pending, invited, outside audience). */
    position: number | null;
    peopleAhead: number | null;
    verifiedReferrals?: number | null;
  };
  invitation: InviteData;
  reminder: InviteData;
  last_chance: InviteData & { remaining?: number | null };
  milestone: {
    /** Verified referrals reached (the milestone). */
    referrals: number;
    position?: number | null;
    /** Marketer-written reward text, already in the recipient's language. */
    reward?: string | null;
  };
  order_verify: OrderData & { expiresMinutes: number };
  order_receipt: OrderData & { cancelUntil?: string | null };
  order_cancelled: OrderData & { cancelledBy: "customer" | "admin" };
  order_expired: OrderData & {
    /**
     * Why: `unverified`, the email was not confirmed in time (pending_verification);
     * `hold`, a reserved order's optional hold ran out. Absent on rows queued
     * before the field existed, which were all `unverified`.
     */
    reason?: OrderExpiredReason;
  };
  ship_date_changed: { orderId?: string | null; oldDate?: string | null; newDate: string };
  broadcast: {
    /** Marketer-written, plain text (one line). */
    subject: string;
    /** Marketer-written plain text; blank lines separate paragraphs. */
    body: string;
    /** Button text when `links.action` is given. */
    actionLabel?: string | null;
  };
  login_link: { expiresMinutes: number };
};

export type DataFor<K extends EmailTemplate> = TemplateData[K];

/** Links each template cannot do without (list mail also needs `unsubscribe`). */
export const requiredLinks = {
  signup_confirm: ["action"],
  status_link: ["status"],
  invitation: ["action"],
  reminder: ["action"],
  last_chance: ["action"],
  milestone: ["status"],
  order_verify: ["action"],
  order_receipt: ["order"],
  order_cancelled: [],
  order_expired: [],
  ship_date_changed: ["order"],
  broadcast: [],
  login_link: ["action"],
} as const satisfies Record<EmailTemplate, readonly (keyof Links)[]>;

type ListTemplate = {
  [K in EmailTemplate]: (typeof emailTemplateCategories)[K] extends "list" ? K : never;
}[EmailTemplate];

export type LinksFor<K extends EmailTemplate> = Links & {
  [P in
    | (typeof requiredLinks)[K][number]
    | (K extends ListTemplate ? "unsubscribe" : never)]: string;
};

export type EmailContext<K extends EmailTemplate> = {
  locale: Locale;
  campaign: CampaignInfo;
  recipient: Recipient;
  links: LinksFor<K>;
  data: DataFor<K>;
};

export type RenderedEmail = {
  /** One line, safe for a header. */
  subject: string;
  /** The inbox preview line (also hidden at the top of the HTML). */
  preheader: string;
  html: string;
  text: string;
};

export type Template<K extends EmailTemplate> = (ctx: EmailContext<K>) => RenderedEmail;
