/**
 * What a valid campaign is, on the wire (snake_case). The route layer uses
 * these as request and response schemas; the domain takes their parsed output.
 * Strings are stored verbatim (never trimmed or escaped): SQL only ever sees
 * them as bound parameters. @see /work/shared/DOMAIN.md "Campaign", "Variant"
 */
import { z } from "@hono/zod-openapi";
import { campaignStatuses, locales, questionTypes } from "../../db/schema";
import { isoToMs } from "../../lib/wire";

const nonBlank = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim().length > 0, "Must not be blank");

/** One line, nothing a mail header or HTML attribute could be broken out of. */
const oneLine = (max: number) =>
  nonBlank(max).refine((s) => !/[\r\n<>]/.test(s), "Must be one line without < or >");

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9-]{3,64}$/, "3–64 characters: lowercase letters, digits and '-'")
  .openapi({ example: "aurora-lamp" });

let currencies: Set<string> | null | undefined;
function knownCurrency(code: string): boolean {
  if (currencies === undefined) {
    try {
      currencies = new Set(Intl.supportedValuesOf("currency"));
    } catch {
      currencies = null; // no ICU list: the format check alone
    }
  }
  return currencies === null || currencies.has(code);
}

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, "An ISO 4217 code in capitals, e.g. USD")
  .refine(knownCurrency, "Not an ISO 4217 currency code")
  .openapi({ example: "USD" });

const localized = z.strictObject({ en: nonBlank(500), uz: nonBlank(500).optional() });

const keySchema = z
  .string()
  .regex(/^[a-z0-9_]{1,64}$/, "1–64 characters: lowercase letters, digits and '_'");

/** Exact `scheme://host[:port]`, as browsers send it in `Origin`. */
const originSchema = z
  .string()
  .max(255)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === s;
    } catch {
      return false;
    }
  }, "An exact origin such as https://shop.example.com (lowercase, no path or trailing slash)")
  .openapi({ example: "https://shop.example.com" });

const domainSchema = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "A lowercase domain such as example.com",
  );

export const audienceRulesSchema = z
  .strictObject({
    allowed_domains: z.array(domainSchema).max(100).optional(),
    blocked_domains: z.array(domainSchema).max(100).optional(),
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, e.g. UZ"))
      .max(250)
      .optional(),
    allow_list_only: z.boolean().optional(),
  })
  .openapi("AudienceRules", {
    description: "Who the campaign is for; signups outside are accepted politely but not invited",
  });

export const brandingSchema = z
  .strictObject({
    accent_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "A colour as #RRGGBB")
      .optional(),
    logo_url: z
      .url({ protocol: /^https$/, error: "An https URL" })
      .max(2000)
      .optional(),
    sender_name: oneLine(100).optional(),
    reply_to: z.email().max(254).optional(),
    postal_address: nonBlank(500).optional(),
  })
  .openapi("Branding");

const optionSchema = z.strictObject({ value: nonBlank(100), label: localized });

export const questionSchema = z
  .strictObject({
    key: keySchema.openapi({ description: "Stable key of the answer in signups and reports" }),
    label: localized,
    help: localized.nullable().optional(),
    type: z.enum(questionTypes),
    required: z.boolean().default(false),
    options: z.array(optionSchema).min(1).max(50).optional(),
    max_length: z.number().int().min(1).max(5000).optional(),
  })
  .superRefine((q, ctx) => {
    const choice = q.type === "single_choice" || q.type === "multi_choice";
    if (choice && !q.options) {
      ctx.addIssue({ code: "custom", path: ["options"], message: `Required for ${q.type}` });
    }
    if (!choice && q.options) {
      ctx.addIssue({ code: "custom", path: ["options"], message: `Not allowed for ${q.type}` });
    }
    if (q.type !== "text" && q.max_length !== undefined) {
      ctx.addIssue({ code: "custom", path: ["max_length"], message: "Only for text questions" });
    }
    const seen = new Set<string>();
    q.options?.forEach((o, i) => {
      if (seen.has(o.value)) {
        ctx.addIssue({ code: "custom", path: ["options", i, "value"], message: "Duplicate value" });
      }
      seen.add(o.value);
    });
  });

export const orderFieldSchema = z.strictObject({
  key: keySchema,
  label: localized,
  type: z.enum(["text", "textarea", "phone", "address"]),
  required: z.boolean().default(false),
  max_length: z.number().int().min(1).max(5000).optional(),
});

/** Lists keyed by `key` must not repeat one. */
function uniqueKeys<T extends { key: string }>(items: T[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.key))
      ctx.addIssue({ code: "custom", path: [i, "key"], message: "Duplicate key" });
    seen.add(item.key);
  });
}

const questionsSchema = z.array(questionSchema).max(30).superRefine(uniqueKeys);
const orderFieldsSchema = z.array(orderFieldSchema).max(20).superRefine(uniqueKeys);

const price = z
  .number()
  .int()
  .min(0)
  .max(1_000_000_000_000)
  .openapi({ description: "Integer minor units of the campaign currency" });
const stock = z.number().int().min(0).max(10_000_000);
const perCustomerLimit = z.number().int().min(1).max(100_000).nullable();

export const newVariantSchema = z.strictObject({
  name: nonBlank(200),
  description: z.string().max(2000).nullable().optional(),
  price,
  stock,
  per_customer_limit: perCustomerLimit.optional(),
  sort_order: z.number().int().min(0).max(10_000).optional(),
});

/**
 * One entry of PATCH `variants`: without `id` it adds a variant (name, price,
 * stock required); with `id` it updates the given fields of that variant; with
 * `id` and `remove: true` it removes it (only if nothing of it is sold or held).
 * Variants not listed are left as they are.
 */
export const variantPatchSchema = z
  .strictObject({
    id: z.string().min(1).max(64).optional(),
    remove: z.literal(true).optional(),
    name: nonBlank(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    price: price.optional(),
    stock: stock.optional(),
    per_customer_limit: perCustomerLimit.optional(),
    sort_order: z.number().int().min(0).max(10_000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.id === undefined) {
      if (v.remove) ctx.addIssue({ code: "custom", path: ["id"], message: "Required to remove" });
      for (const f of ["name", "price", "stock"] as const) {
        if (v[f] === undefined) {
          ctx.addIssue({ code: "custom", path: [f], message: "Required for a new variant" });
        }
      }
    } else if (v.remove && Object.keys(v).some((k) => k !== "id" && k !== "remove")) {
      ctx.addIssue({ code: "custom", path: ["remove"], message: "Send only id and remove" });
    }
  });

/** Settings shared by create and PATCH (all optional here; create requires some). */
const settingsShape = {
  name: nonBlank(200),
  description: z.string().max(5000),
  currency: currencySchema,
  default_locale: z.enum(locales),
  invite_only: z.boolean(),
  double_opt_in: z.boolean(),
  show_remaining: z.boolean().openapi({ description: "Show units left per variant publicly" }),
  opens_at: isoToMs.nullable().openapi({ description: "Cron moves waitlist → presale then" }),
  closes_at: isoToMs.nullable().openapi({ description: "Cron moves presale → closed then" }),
  referral_enabled: z.boolean(),
  referral_boost_hours: z.number().min(0).max(8760).openapi({
    description: "Queue boost per verified referral, in hours (fractions allowed)",
  }),
  referral_invite_quota: z.number().int().min(0).max(100),
  referral_milestones: z
    .array(z.number().int().min(1).max(100_000))
    .max(10)
    .refine((a) => a.every((n, i) => i === 0 || n > a[i - 1]!), "Strictly increasing"),
  audience_rules: audienceRulesSchema,
  allowed_origins: z.array(originSchema).max(20),
  branding: brandingSchema,
  order_fields: orderFieldsSchema,
  verify_minutes: z.number().int().min(5).max(10_080),
  hold_minutes: z.number().int().min(1).max(10_080).nullable(),
  backfill_enabled: z.boolean(),
  backfill_hold_minutes: z.number().int().min(1).max(10_080),
  cancel_allowed_until: isoToMs.nullable(),
  expected_ship_date: z.iso.date().nullable().openapi({ example: "2027-03-01" }),
  turnstile_enabled: z.boolean(),
  turnstile_site_key: z
    .string()
    .regex(/^[\w-]{1,100}$/)
    .nullable(),
  reminder_after_hours: z.number().int().min(1).max(720).nullable(),
  reminder_max_count: z.number().int().min(0).max(10),
};

const optionalSettings = Object.fromEntries(
  Object.entries(settingsShape).map(([k, v]) => [k, v.optional()]),
) as { [K in keyof typeof settingsShape]: z.ZodOptional<(typeof settingsShape)[K]> };

export const createCampaignSchema = z
  .strictObject({
    ...optionalSettings,
    slug: slugSchema,
    name: settingsShape.name,
    currency: settingsShape.currency,
    variants: z.array(newVariantSchema).max(50).default([]),
    questions: questionsSchema.default([]),
  })
  .openapi("CampaignCreate");

export const patchCampaignSchema = z
  .strictObject({
    ...optionalSettings,
    slug: slugSchema.optional().openapi({ description: "Changeable only while draft" }),
    status: z.enum(campaignStatuses).optional().openapi({
      description:
        "draft → waitlist (publish); waitlist → presale; waitlist|presale → paused; paused → the status it left (resume); any but draft → closed",
    }),
    variants: z.array(variantPatchSchema).max(50).optional(),
    questions: questionsSchema.optional().openapi({
      description:
        "The whole list; questions are matched by key (same key keeps its id, missing keys are removed)",
    }),
    version: z.number().int().min(1).optional().openapi({
      description: "If sent, the PATCH applies only to this version (else 409)",
    }),
  })
  .openapi("CampaignPatch");

export type CreateCampaignInput = z.output<typeof createCampaignSchema>;
export type PatchCampaignInput = z.output<typeof patchCampaignSchema>;
export type SettingsInput = Partial<{
  [K in keyof typeof settingsShape]: z.output<(typeof settingsShape)[K]>;
}>;
export type QuestionInput = z.output<typeof questionSchema>;
export type NewVariantInput = z.output<typeof newVariantSchema>;
export type VariantPatchInput = z.output<typeof variantPatchSchema>;
