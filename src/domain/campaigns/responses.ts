/** Response shapes of the campaign API (admin and public), snake_case on the wire. */
import { z } from "@hono/zod-openapi";
import {
  campaignStatuses,
  locales,
  pausableCampaignStatuses,
  questionTypes,
} from "../../db/schema";

const LocalizedOut = z.object({ en: z.string(), uz: z.string().optional() });

const QuestionOut = z.object({
  key: z.string(),
  label: LocalizedOut,
  help: LocalizedOut.nullable(),
  type: z.enum(questionTypes),
  required: z.boolean(),
  options: z.array(z.object({ value: z.string(), label: LocalizedOut })).nullable(),
  max_length: z.number().int().nullable(),
});

export const AdminQuestion = QuestionOut.extend({ id: z.string(), sort_order: z.number().int() });
export const PublicQuestion = QuestionOut.openapi("PublicQuestion");

export const AdminVariant = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    price: z.number().int(),
    stock: z.number().int(),
    remaining: z.number().int(),
    sold: z.number().int().openapi({ description: "stock − remaining: sold or held units" }),
    per_customer_limit: z.number().int().nullable(),
    sort_order: z.number().int(),
    archived_at: z.string().nullable(),
  })
  .openapi("AdminVariant");

const OrderFieldOut = z.object({
  key: z.string(),
  label: LocalizedOut,
  type: z.enum(["text", "textarea", "phone", "address"]),
  required: z.boolean(),
  max_length: z.number().int().nullable(),
});

const BrandingOut = z.object({
  accent_color: z.string().nullable(),
  logo_url: z.string().nullable(),
  sender_name: z.string().nullable(),
  reply_to: z.string().nullable(),
  postal_address: z.string().nullable(),
});

const AudienceOut = z.object({
  allowed_domains: z.array(z.string()),
  blocked_domains: z.array(z.string()),
  countries: z.array(z.string()),
  allow_list_only: z.boolean(),
});

export const CampaignSummary = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.enum(campaignStatuses),
    paused_from_status: z.enum(pausableCampaignStatuses).nullable(),
    currency: z.string(),
    default_locale: z.enum(locales),
    invite_only: z.boolean(),
    double_opt_in: z.boolean(),
    show_remaining: z.boolean(),
    opens_at: z.string().nullable(),
    closes_at: z.string().nullable(),
    published_at: z.string().nullable(),
    referral_enabled: z.boolean(),
    referral_boost_hours: z.number(),
    referral_invite_quota: z.number().int(),
    referral_milestones: z.array(z.number().int()),
    audience_rules: AudienceOut,
    allowed_origins: z.array(z.string()),
    branding: BrandingOut,
    order_fields: z.array(OrderFieldOut),
    verify_minutes: z.number().int(),
    hold_minutes: z.number().int().nullable(),
    backfill_enabled: z.boolean(),
    backfill_hold_minutes: z.number().int(),
    cancel_allowed_until: z.string().nullable(),
    expected_ship_date: z.string().nullable(),
    turnstile_enabled: z.boolean(),
    turnstile_site_key: z.string().nullable(),
    reminder_after_hours: z.number().int().nullable(),
    reminder_max_count: z.number().int(),
    version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("CampaignSummary");

export const Campaign = CampaignSummary.extend({
  variants: z.array(AdminVariant),
  questions: z.array(AdminQuestion),
}).openapi("Campaign");

export const PublicCampaign = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.enum(campaignStatuses),
    opens_at: z.string().nullable(),
    closes_at: z.string().nullable(),
    default_locale: z.enum(locales),
    currency: z.string(),
    invite_only: z.boolean(),
    expected_ship_date: z.string().nullable(),
    variants: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        price: z.number().int(),
        remaining: z
          .number()
          .int()
          .optional()
          .openapi({ description: "Present only when the campaign shows it" }),
        sold_out: z.boolean(),
        per_customer_limit: z.number().int().nullable(),
      }),
    ),
    questions: z.array(PublicQuestion),
    order_fields: z.array(OrderFieldOut),
    referral: z.object({ enabled: z.boolean(), boost_hours: z.number() }),
    turnstile_site_key: z
      .string()
      .nullable()
      .openapi({ description: "Set when the campaign turns Turnstile on" }),
    branding: z.object({
      accent_color: z.string().nullable(),
      logo_url: z.string().nullable(),
      sender_name: z.string().nullable(),
    }),
  })
  .openapi("PublicCampaign");

export type CampaignWire = z.output<typeof Campaign>;
export type CampaignSummaryWire = z.output<typeof CampaignSummary>;
export type PublicCampaignWire = z.output<typeof PublicCampaign>;
