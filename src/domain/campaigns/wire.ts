/**
 * Rows ↔ wire. Storage is camelCase columns with UTC ms; the wire is
 * snake_case with ISO 8601. One place for both directions keeps the audit
 * diff (computed on the wire form) and the responses in step.
 */
import type {
  AudienceRules,
  Branding,
  Campaign,
  NewCampaign,
  OrderField,
  Question,
  Variant,
} from "../../db/schema";
import { iso } from "../../lib/wire";
import type { CampaignSummaryWire, CampaignWire, PublicCampaignWire } from "./responses";
import type { QuestionInput, SettingsInput } from "./schemas";

const HOUR_MS = 3_600_000;

type AudienceWire = NonNullable<SettingsInput["audience_rules"]>;
type BrandingWire = NonNullable<SettingsInput["branding"]>;
type OrderFieldWire = NonNullable<SettingsInput["order_fields"]>[number];

const audienceIn = (a: AudienceWire): AudienceRules => ({
  ...(a.allowed_domains ? { allowedDomains: a.allowed_domains } : {}),
  ...(a.blocked_domains ? { blockedDomains: a.blocked_domains } : {}),
  ...(a.countries ? { countries: a.countries } : {}),
  ...(a.allow_list_only !== undefined ? { allowListOnly: a.allow_list_only } : {}),
});

const brandingIn = (b: BrandingWire): Branding => ({
  ...(b.accent_color ? { accentColor: b.accent_color } : {}),
  ...(b.logo_url ? { logoUrl: b.logo_url } : {}),
  ...(b.sender_name ? { senderName: b.sender_name } : {}),
  ...(b.reply_to ? { replyTo: b.reply_to } : {}),
  ...(b.postal_address ? { postalAddress: b.postal_address } : {}),
});

const orderFieldIn = (f: OrderFieldWire): OrderField => ({
  key: f.key,
  label: f.label,
  type: f.type,
  required: f.required,
  ...(f.max_length !== undefined ? { maxLength: f.max_length } : {}),
});

/** The columns a set of (validated) settings writes; absent settings are left out. */
export function settingsToColumns(s: SettingsInput): Partial<NewCampaign> {
  const out: Partial<NewCampaign> = {};
  const set = <K extends keyof NewCampaign>(key: K, value: NewCampaign[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set("name", s.name);
  set("description", s.description);
  set("currency", s.currency);
  set("defaultLocale", s.default_locale);
  set("inviteOnly", s.invite_only);
  set("doubleOptIn", s.double_opt_in);
  set("showRemaining", s.show_remaining);
  set("opensAt", s.opens_at);
  set("closesAt", s.closes_at);
  set("referralEnabled", s.referral_enabled);
  if (s.referral_boost_hours !== undefined) {
    out.referralBoostMs = Math.round(s.referral_boost_hours * HOUR_MS);
  }
  set("referralInviteQuota", s.referral_invite_quota);
  set("referralMilestones", s.referral_milestones);
  if (s.audience_rules) out.audienceRules = audienceIn(s.audience_rules);
  set("allowedOrigins", s.allowed_origins);
  if (s.branding) out.branding = brandingIn(s.branding);
  if (s.order_fields) out.orderFields = s.order_fields.map(orderFieldIn);
  set("verifyMinutes", s.verify_minutes);
  set("holdMinutes", s.hold_minutes);
  set("backfillEnabled", s.backfill_enabled);
  set("backfillHoldMinutes", s.backfill_hold_minutes);
  set("cancelAllowedUntil", s.cancel_allowed_until);
  set("expectedShipDate", s.expected_ship_date);
  set("turnstileEnabled", s.turnstile_enabled);
  set("turnstileSiteKey", s.turnstile_site_key);
  set("reminderAfterHours", s.reminder_after_hours);
  set("reminderMaxCount", s.reminder_max_count);
  return out;
}

/** A question as its stored columns (for json_each inserts, so snake_case keys). */
export const questionToStored = (q: QuestionInput, sortOrder: number) => ({
  key: q.key,
  label: q.label,
  help: q.help ?? null,
  type: q.type,
  required: q.required,
  options: q.options ?? null,
  max_length: q.max_length ?? null,
  sort_order: sortOrder,
});

const orderFieldOut = (f: OrderField) => ({
  key: f.key,
  label: f.label,
  type: f.type,
  required: f.required,
  max_length: f.maxLength ?? null,
});

const questionOut = (q: Question) => ({
  key: q.key,
  label: q.label,
  help: q.help ?? null,
  type: q.type,
  required: q.required,
  options: q.options ?? null,
  max_length: q.maxLength,
});

export function summaryToWire(c: Campaign): CampaignSummaryWire {
  const a = c.audienceRules;
  const b = c.branding;
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    status: c.status,
    paused_from_status: c.pausedFromStatus,
    currency: c.currency,
    default_locale: c.defaultLocale,
    invite_only: c.inviteOnly,
    double_opt_in: c.doubleOptIn,
    show_remaining: c.showRemaining,
    opens_at: iso(c.opensAt),
    closes_at: iso(c.closesAt),
    published_at: iso(c.publishedAt),
    referral_enabled: c.referralEnabled,
    referral_boost_hours: c.referralBoostMs / HOUR_MS,
    referral_invite_quota: c.referralInviteQuota,
    referral_milestones: c.referralMilestones,
    audience_rules: {
      allowed_domains: a.allowedDomains ?? [],
      blocked_domains: a.blockedDomains ?? [],
      countries: a.countries ?? [],
      allow_list_only: a.allowListOnly ?? false,
    },
    allowed_origins: c.allowedOrigins,
    branding: {
      accent_color: b.accentColor ?? null,
      logo_url: b.logoUrl ?? null,
      sender_name: b.senderName ?? null,
      reply_to: b.replyTo ?? null,
      postal_address: b.postalAddress ?? null,
    },
    order_fields: c.orderFields.map(orderFieldOut),
    verify_minutes: c.verifyMinutes,
    hold_minutes: c.holdMinutes,
    backfill_enabled: c.backfillEnabled,
    backfill_hold_minutes: c.backfillHoldMinutes,
    cancel_allowed_until: iso(c.cancelAllowedUntil),
    expected_ship_date: c.expectedShipDate,
    turnstile_enabled: c.turnstileEnabled,
    turnstile_site_key: c.turnstileSiteKey,
    reminder_after_hours: c.reminderAfterHours,
    reminder_max_count: c.reminderMaxCount,
    version: c.version,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
  };
}

export const variantToWire = (v: Variant) => ({
  id: v.id,
  name: v.name,
  description: v.description,
  price: v.price,
  stock: v.stock,
  remaining: v.remaining,
  sold: v.stock - v.remaining,
  per_customer_limit: v.perCustomerLimit,
  sort_order: v.sortOrder,
  archived_at: iso(v.archivedAt),
});

export interface CampaignBundle {
  campaign: Campaign;
  variants: Variant[];
  questions: Question[];
}

export function campaignToWire(b: CampaignBundle): CampaignWire {
  return {
    ...summaryToWire(b.campaign),
    variants: b.variants.map(variantToWire),
    questions: b.questions.map((q) => ({ id: q.id, ...questionOut(q), sort_order: q.sortOrder })),
  };
}

/** Only what a visitor may see: no origins, audience rules, question ids or internals. */
export function publicCampaignToWire(b: CampaignBundle): PublicCampaignWire {
  const c = b.campaign;
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    status: c.status,
    opens_at: iso(c.opensAt),
    closes_at: iso(c.closesAt),
    default_locale: c.defaultLocale,
    currency: c.currency,
    invite_only: c.inviteOnly,
    expected_ship_date: c.expectedShipDate,
    variants: b.variants.map((v) => ({
      id: v.id,
      name: v.name,
      description: v.description,
      price: v.price,
      ...(c.showRemaining ? { remaining: v.remaining } : {}),
      sold_out: v.remaining === 0,
      per_customer_limit: v.perCustomerLimit,
    })),
    questions: b.questions.map(questionOut),
    order_fields: c.orderFields.map(orderFieldOut),
    referral: { enabled: c.referralEnabled, boost_hours: c.referralBoostMs / HOUR_MS },
    turnstile_site_key: c.turnstileEnabled ? c.turnstileSiteKey : null,
    branding: {
      accent_color: c.branding.accentColor ?? null,
      logo_url: c.branding.logoUrl ?? null,
      sender_name: c.branding.senderName ?? null,
    },
  };
}
