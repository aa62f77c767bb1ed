/**
 * Orders written straight into D1 for the admin pre-order tests (list,
 * export, totals, lifecycle), so they need not go through the public order
 * flow. Live orders take their units from `remaining`, as the real order
 * batch does, so stock accounting holds (stock = remaining + sold + held).
 */
import { env } from "cloudflare:test";
import { admin, newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, ok } from "../helpers/client";

export type CampaignBody = NonNullable<Parameters<typeof newCampaign>[0]>;

/** A campaign in presale (Black: 10 at 4900, White: 5 at 5900 unless overridden). */
export async function presaleCampaign(extra: CampaignBody = {}) {
  const c = await newCampaign(extra);
  await ok(patchCampaign(c.id, { status: "waitlist" }));
  return ok(patchCampaign(c.id, { status: "presale" }));
}

export interface SeedOrder {
  email?: string;
  name?: string | null;
  status?:
    | "pending_verification"
    | "reserved"
    | "confirmed"
    | "fulfilled"
    | "cancelled"
    | "expired";
  items: { variantId: string; quantity: number; unitPrice?: number; name?: string }[];
  createdAt?: number;
  signupId?: string | null;
  fields?: Record<string, string>;
  erased?: boolean;
  /** cancelled_at / expired_at for final orders (default: createdAt + 1). */
  endedAt?: number;
}

const LIVE = new Set(["pending_verification", "reserved", "confirmed", "fulfilled"]);
let n = 0;
const rid = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${(++n).toString(36).padStart(5, "0")}${Math.random().toString(36).slice(2, 9)}`;

/** Inserts the orders (and takes live units from stock); returns their ids in order. */
export async function seedOrders(campaignId: string, orders: SeedOrder[]): Promise<string[]> {
  const base = Date.UTC(2025, 0, 1);
  const rows = orders.map((o, i) => {
    const status = o.status ?? "reserved";
    const email = o.email ?? `buyer${i}-${rid("e")}@example.com`;
    const created = o.createdAt ?? base + i * 1000;
    const ended = o.endedAt ?? created + 1;
    const items = o.items.map((it) => ({
      id: rid("itm"),
      v: it.variantId,
      q: it.quantity,
      p: it.unitPrice ?? 4900,
      n: it.name ?? "Black",
    }));
    return {
      id: rid("ord"),
      email: o.erased ? null : email,
      email_normalized: o.erased ? null : email.toLowerCase(),
      name: o.erased ? null : (o.name ?? null),
      status,
      total: items.reduce((s, it) => s + it.q * it.p, 0),
      signup_id: o.signupId ?? null,
      fields: JSON.stringify(o.erased ? {} : (o.fields ?? {})),
      hold: status === "pending_verification" ? created + 3_600_000 : null,
      cancelled_at: status === "cancelled" ? ended : null,
      cancelled_by: status === "cancelled" ? "customer" : null,
      expired_at: status === "expired" ? ended : null,
      erased_at: o.erased ? created + 5 : null,
      created_at: created,
      live: LIVE.has(status),
      items,
    };
  });
  const json = JSON.stringify(rows);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO preorders (id, campaign_id, signup_id, email, email_normalized, name, status,
         total, currency, fields, hold_expires_at, cancelled_at, cancelled_by, expired_at,
         erased_at, created_at, updated_at)
       SELECT j.value ->> 'id', ?1, j.value ->> 'signup_id', j.value ->> 'email',
         j.value ->> 'email_normalized', j.value ->> 'name', j.value ->> 'status',
         j.value ->> 'total', 'USD', j.value ->> 'fields', j.value ->> 'hold',
         j.value ->> 'cancelled_at', j.value ->> 'cancelled_by', j.value ->> 'expired_at',
         j.value ->> 'erased_at', j.value ->> 'created_at', j.value ->> 'created_at'
       FROM json_each(?2) AS j`,
    ).bind(campaignId, json),
    env.DB.prepare(
      `INSERT INTO preorder_items (id, preorder_id, variant_id, quantity, unit_price,
         variant_name, created_at)
       SELECT it.value ->> 'id', o.value ->> 'id', it.value ->> 'v', it.value ->> 'q',
         it.value ->> 'p', it.value ->> 'n', o.value ->> 'created_at'
       FROM json_each(?1) AS o, json_each(o.value -> 'items') AS it`,
    ).bind(json),
    env.DB.prepare(
      `UPDATE variants SET remaining = remaining - (
         SELECT coalesce(sum(it.value ->> 'q'), 0)
         FROM json_each(?1) AS o, json_each(o.value -> 'items') AS it
         WHERE o.value ->> 'live' = 1 AND it.value ->> 'v' = variants.id)
       WHERE campaign_id = ?2`,
    ).bind(json, campaignId),
  ]);
  return rows.map((r) => r.id);
}

/** The campaign's variants by name (id, stock, remaining). */
export async function variantsOf(campaignId: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, name, stock, remaining FROM variants WHERE campaign_id = ? ORDER BY sort_order",
  )
    .bind(campaignId)
    .all<{ id: string; name: string; stock: number; remaining: number }>();
  return Object.fromEntries(results.map((v) => [v.name, v]));
}

/** Outbox rows of a template for a campaign. */
export async function outboxOf(campaignId: string, template: string) {
  const { results } = await env.DB.prepare(
    `SELECT id, to_email, locale, payload, dedupe_key, preorder_id, signup_id, category
     FROM outbox_emails WHERE campaign_id = ? AND template = ? ORDER BY created_at, id`,
  )
    .bind(campaignId, template)
    .all<{
      id: string;
      to_email: string;
      locale: string;
      payload: string;
      dedupe_key: string;
      preorder_id: string | null;
      signup_id: string | null;
      category: string;
    }>();
  return results.map((r) => ({ ...r, payload: JSON.parse(r.payload) }));
}

export const orderStatus = async (id: string) =>
  (
    await env.DB.prepare("SELECT status FROM preorders WHERE id = ?").bind(id).first<{
      status: string;
    }>()
  )?.status;

/** An admin request with a JSON body. */
export const adminJson = (method: string, path: string, body: unknown, token?: string) =>
  call(path, {
    method,
    headers: { ...adminHeaders(token), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

export { admin };

/** An API key of `role` (plaintext). */
export async function keyOf(role: "owner" | "editor" | "viewer") {
  const k = await ok(
    admin.v1.admin["api-keys"].$post({ json: { name: `${role} key`, role } }),
    201,
  );
  return k.key;
}
