/**
 * Shared by the pre-order tests: presale campaigns made through the admin
 * API, orders posted through the real worker (D1 guarded, a fresh client IP
 * and Idempotency-Key each unless given), signups with status tokens and
 * invite codes inserted straight into D1, and readers for what landed.
 */
import { env } from "cloudflare:test";
import { createDb } from "../../src/db/client";
import { inviteCodes } from "../../src/db/schema";
import { codeHint, newSharedCode } from "../../src/domain/invites/codes";
import { codeLookupHash, derivePersonalCode, deriveToken } from "../../src/lib/tokens";
import { type CampaignBody, newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { ok } from "../helpers/client";
import { nextIp, send, uniqueEmail } from "./signups-helpers";
import { makeSignup } from "./status-fixtures";

export { nextIp, send, uniqueEmail };
export const db = createDb(env.DB);
// biome-ignore lint/suspicious/noExplicitAny: test assertions read deep JSON freely
export type Loose = Record<string, any>;

/** A campaign in presale: Black (4900, stock 10, max 2 each) and White (5900, stock 5). */
export async function presale(extra: Partial<CampaignBody> = {}) {
  const c = await newCampaign(extra);
  await ok(patchCampaign(c.id, { status: "waitlist" }));
  await ok(patchCampaign(c.id, { status: "presale" }));
  const [black, white] = c.variants.map((v) => v.id) as [string, string];
  return { id: c.id, slug: c.slug, black, white };
}

let keys = 0;
export const newKey = () => `key-${Date.now().toString(36)}-${++keys}`;

export interface OrderOpts {
  key?: string | null;
  ip?: string;
  headers?: Record<string, string>;
}

/** POST /v1/campaigns/{slug}/preorders as JSON. */
export async function order(slug: string, body: unknown, o: OrderOpts = {}) {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "CF-Connecting-IP": o.ip ?? nextIp(),
    ...o.headers,
  };
  if (o.key !== null) headers["Idempotency-Key"] = o.key ?? newKey();
  const sent = await send(`/v1/campaigns/${slug}/preorders`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await sent.res.text();
  let json: Loose = {};
  try {
    json = JSON.parse(text) as Loose;
  } catch {}
  return { ...sent, status: sent.res.status, text, body: json };
}

/** An order body for `email` (fresh if not given) with the items. */
export const orderBody = (
  items: [string, number][],
  extra: Record<string, unknown> = {},
  email = uniqueEmail("buyer"),
) => ({
  email,
  items: items.map(([variant_id, quantity]) => ({ variant_id, quantity })),
  ...extra,
});

/** A confirmed signup of `email` in the campaign, with its status token. */
export async function signupWithToken(campaignId: string, email = uniqueEmail("fan")) {
  const s = await makeSignup(campaignId, { email });
  const token = await deriveToken(env.TOKEN_SECRET, "status", s.id, s.tokenVersion);
  return { signup: s, token, email };
}

/** A shared code (random body), as the invites admin would issue it. */
export async function sharedInvite(
  campaignId: string,
  o: { maxUses?: number; perEmailLimit?: number | null; expiresAt?: number | null } = {},
) {
  const { body, code } = newSharedCode();
  const [row] = await db
    .insert(inviteCodes)
    .values({
      campaignId,
      kind: "shared",
      codeHash: await codeLookupHash(env.TOKEN_SECRET, body),
      codeHint: codeHint(body),
      maxUses: o.maxUses ?? 5,
      perEmailLimit: o.perEmailLimit ?? null,
      expiresAt: o.expiresAt ?? null,
    })
    .returning();
  return { id: row!.id, code };
}

/** The signup's personal code (derived, as waves issue it). */
export async function personalInvite(campaignId: string, signupId: string) {
  const { body, code } = await derivePersonalCode(env.TOKEN_SECRET, campaignId, signupId, 1);
  const [row] = await db
    .insert(inviteCodes)
    .values({
      campaignId,
      kind: "personal",
      signupId,
      codeHash: await codeLookupHash(env.TOKEN_SECRET, body),
      codeHint: codeHint(body),
    })
    .returning();
  return { id: row!.id, code };
}

export async function remaining(variantId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT remaining FROM variants WHERE id = ?")
    .bind(variantId)
    .first<{ remaining: number }>();
  return row!.remaining;
}

export const orderRow = (id: string) =>
  env.DB.prepare("SELECT * FROM preorders WHERE id = ?").bind(id).first<Loose>();

export async function ordersOf(campaignId: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM preorders WHERE campaign_id = ? ORDER BY created_at, id",
  )
    .bind(campaignId)
    .all<Loose>();
  return results;
}

export async function itemsOf(orderId: string) {
  const { results } = await env.DB.prepare(
    "SELECT * FROM preorder_items WHERE preorder_id = ? ORDER BY variant_id",
  )
    .bind(orderId)
    .all<Loose>();
  return results;
}

export async function mailOf(campaignId: string) {
  const { results } = await env.DB.prepare(
    "SELECT template, to_email, locale, payload, preorder_id, dedupe_key FROM outbox_emails WHERE campaign_id = ? ORDER BY created_at, rowid",
  )
    .bind(campaignId)
    .all<Loose>();
  return results.map((r): Loose => ({ ...r, payload: JSON.parse(r.payload as string) as Loose }));
}

export async function inviteRow(id: string) {
  return env.DB.prepare("SELECT * FROM invite_codes WHERE id = ?").bind(id).first<Loose>();
}

/** The order and verify tokens of an order (as the emails carry them). */
export const orderTokenOf = (id: string, version = 1) =>
  deriveToken(env.TOKEN_SECRET, "order", id, version);
export const verifyTokenOf = (id: string, version = 1) =>
  deriveToken(env.TOKEN_SECRET, "verify", id, version);

export const bearer = (token: string): RequestInit => ({
  headers: { Authorization: `Bearer ${token}` },
});
