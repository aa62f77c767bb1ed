/** Campaigns for route tests: each test makes its own, with a unique slug. */
import { env } from "cloudflare:test";
import { adminHeaders, client, ok } from "./client";

export const admin = client(adminHeaders());

export type CampaignBody = Parameters<typeof admin.v1.admin.campaigns.$post>[0]["json"];
export type CampaignPatch = Parameters<
  (typeof admin.v1.admin.campaigns)[":id"]["$patch"]
>[0]["json"];

let n = 0;
export const uniqueSlug = (prefix = "cmp") => `${prefix}-${Date.now().toString(36)}-${++n}`;

/** The body the dev seed POSTs, in shape. */
export const seedBody = (slug = uniqueSlug("seed")) => ({
  slug,
  name: "Aurora lamp",
  description: "A lamp",
  currency: "USD",
  default_locale: "en" as const,
  invite_only: false,
  double_opt_in: true,
  variants: [
    { name: "Black", price: 4900, stock: 100, per_customer_limit: 2 },
    { name: "White", price: 5900, stock: 50, per_customer_limit: 1 },
  ],
  questions: [
    {
      key: "use_case",
      label: { en: "What for?", uz: "Nima uchun?" },
      type: "single_choice" as const,
      required: true,
      options: [
        { value: "home", label: { en: "Home", uz: "Uy" } },
        { value: "office", label: { en: "Office", uz: "Ofis" } },
      ],
    },
  ],
});

/** A draft with two variants (Black: 10, White: 5) and one text question. */
export function newCampaign(extra: Partial<CampaignBody> = {}) {
  const body: CampaignBody = {
    slug: uniqueSlug(),
    name: "Lamp",
    currency: "USD",
    variants: [
      { name: "Black", price: 4900, stock: 10, per_customer_limit: 2 },
      { name: "White", price: 5900, stock: 5 },
    ],
    questions: [{ key: "why", label: { en: "Why?" }, type: "text", max_length: 200 }],
    ...extra,
  };
  return ok(admin.v1.admin.campaigns.$post({ json: body }), 201);
}

export const patchCampaign = (id: string, body: CampaignPatch) =>
  admin.v1.admin.campaigns[":id"].$patch({ param: { id }, json: body });

/** The campaign's audit rows, oldest first. */
export async function auditRows(campaignId: string) {
  const { results } = await env.DB.prepare(
    "SELECT action, actor_type, changes FROM audit_log WHERE campaign_id = ? ORDER BY created_at, rowid",
  )
    .bind(campaignId)
    .all<{ action: string; actor_type: string; changes: string }>();
  return results.map((r) => ({ ...r, changes: JSON.parse(r.changes) }));
}
