/**
 * What a customer sees of their own pre-order: the order page `/o/{token}`,
 * `GET /v1/preorders/{id}` (Bearer order token) and the verify page
 * `/verify/{token}`. Tokens are derived from TOKEN_SECRET, the order id and
 * its token_version (src/lib/tokens.ts), so a revoked (version bumped) or
 * erased order stops answering, and a token of another purpose (a status
 * link, a verify link used as an order link) never verifies.
 * @see ../../../../shared/CONTRACT.md "Customer tokens", "Public routes"
 * @see ../../../../shared/DOMAIN.md "Pre-order"
 */
import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { OrderData } from "../../../emails/types";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import {
  type Campaign,
  type CampaignStatus,
  campaigns,
  type Locale,
  livePreorderStatuses,
  type Preorder,
  type PreorderItem,
  preorderItems,
  preorders,
  type Variant,
  variants,
} from "../../db/schema";
import { LINK_PATHS } from "../../email/links";
import { deriveToken, verifyToken } from "../../lib/tokens";
import { iso } from "../../lib/wire";
import { run } from "../campaigns/statements";
import { claimInsertSql } from "./idempotency";

/** Statuses a customer may cancel from (while the campaign's deadline allows). */
export const CUSTOMER_CANCELLABLE = ["pending_verification", "reserved", "confirmed"] as const;

export interface OrderCampaign {
  id: string;
  slug: string;
  name: string;
  status: CampaignStatus;
  defaultLocale: Locale;
  accent: string | null;
  cancelAllowedUntil: number | null;
  expectedShipDate: string | null;
  /** Optional hold of a reserved order (minutes), set when it is verified. */
  holdMinutes: number | null;
  verifyMinutes: number;
}

export interface OrderView {
  order: Preorder;
  items: PreorderItem[];
  campaign: OrderCampaign;
  /**
   * The expected ship date changed after this order was placed (a
   * `ship_date_changed` email was written for it). The customer then may
   * cancel even past `cancel_allowed_until`: the terms they ordered on moved.
   * @see ../../../../shared/DOMAIN.md "Campaign" (expected ship date)
   */
  shipDateChanged: boolean;
}

/** The order with its items and campaign: one round trip (a batch of two reads). */
export async function loadOrder(db: Db, id: string): Promise<OrderView | null> {
  const [rows, items] = await db.batch([
    db
      .select({
        order: preorders,
        // Aliased: a D1 batch returns rows as objects, so column names must not repeat.
        campaign: {
          id: sql<string>`${campaigns.id}`.as("c_id"),
          slug: sql<string>`${campaigns.slug}`.as("c_slug"),
          name: sql<string>`${campaigns.name}`.as("c_name"),
          status: sql<CampaignStatus>`${campaigns.status}`.as("c_status"),
          defaultLocale: sql<Locale>`${campaigns.defaultLocale}`.as("c_locale"),
          accent: sql<string | null>`json_extract(${campaigns.branding}, '$.accentColor')`.as(
            "c_accent",
          ),
          cancelAllowedUntil: sql<number | null>`${campaigns.cancelAllowedUntil}`.as("c_cancel"),
          expectedShipDate: sql<string | null>`${campaigns.expectedShipDate}`.as("c_ship"),
          holdMinutes: sql<number | null>`${campaigns.holdMinutes}`.as("c_hold"),
          verifyMinutes: sql<number>`${campaigns.verifyMinutes}`.as("c_verify"),
        },
        shipDateChanged: sql<number>`EXISTS (SELECT 1 FROM outbox_emails o
          WHERE o.preorder_id = ${preorders.id} AND o.template = 'ship_date_changed')`.as(
          "ship_changed",
        ),
      })
      .from(preorders)
      .innerJoin(campaigns, eq(campaigns.id, preorders.campaignId))
      .where(eq(preorders.id, id))
      .limit(1),
    db
      .select()
      .from(preorderItems)
      .where(eq(preorderItems.preorderId, id))
      .orderBy(asc(preorderItems.createdAt), asc(preorderItems.id)),
  ]);
  const row = rows[0];
  if (!row) return null;
  const c = row.campaign;
  return {
    order: row.order,
    items,
    shipDateChanged: Boolean(row.shipDateChanged),
    campaign: {
      ...c,
      accent: typeof c.accent === "string" ? c.accent : null,
      cancelAllowedUntil: c.cancelAllowedUntil === null ? null : Number(c.cancelAllowedUntil),
    },
  };
}

/**
 * The order an `order` or `verify` token points at, or null when the token is
 * not valid for that purpose, was revoked (version ≠ token_version), or the
 * order is gone or erased. Callers answer every null alike (404 page / 401).
 */
export async function findOrderByToken(
  db: Db,
  secret: string,
  purpose: "order" | "verify",
  token: string,
): Promise<OrderView | null> {
  const claims = await verifyToken(secret, purpose, token);
  if (!claims) return null;
  const view = await loadOrder(db, claims.id);
  if (!view || view.order.tokenVersion !== claims.version) return null;
  if (view.order.erasedAt !== null || view.order.email === null) return null;
  return view;
}

type TokenRecord = Pick<Preorder, "id" | "tokenVersion">;
type LinkSettings = Pick<Settings, "PUBLIC_URL" | "TOKEN_SECRET">;

/** The order token (manage link `/o/{token}`, Bearer for the JSON API). */
export const orderToken = (secret: string, order: TokenRecord) =>
  deriveToken(secret, "order", order.id, order.tokenVersion);

/** The absolute order page URL at the order's current token version. */
export async function orderTokenUrl(settings: LinkSettings, order: TokenRecord): Promise<string> {
  const base = settings.PUBLIC_URL.replace(/\/+$/, "");
  return `${base}${LINK_PATHS.order(await orderToken(settings.TOKEN_SECRET, order))}`;
}

/** Whether the owner may cancel now (DOMAIN.md "Pre-order": customer while allowed). */
export function canCustomerCancel(view: OrderView, now: number): boolean {
  const until = view.campaign.cancelAllowedUntil;
  if (until !== null && until <= now && !view.shipDateChanged) return false;
  return (CUSTOMER_CANCELLABLE as readonly string[]).includes(view.order.status);
}

/** A pending order past its verification deadline: expired in all but the cron's sweep. */
export const verificationLapsed = (order: Preorder, now: number) =>
  order.status === "pending_verification" &&
  order.holdExpiresAt !== null &&
  order.holdExpiresAt <= now;

type ItemLine = Pick<PreorderItem, "variantId" | "variantName" | "quantity" | "unitPrice">;

/** The order part of an order email's payload (emails/types.ts OrderData). */
export function orderData(
  order: Pick<Preorder, "id" | "total" | "currency">,
  items: readonly ItemLine[],
): OrderData {
  return {
    orderId: order.id,
    items: items.map((i) => ({
      name: i.variantName,
      quantity: i.quantity,
      unitPrice: i.unitPrice,
    })),
    total: order.total,
    currency: order.currency,
  };
}

export const itemToWire = (i: ItemLine) => ({
  variant_id: i.variantId,
  name: i.variantName,
  quantity: i.quantity,
  unit_price: i.unitPrice,
  line_total: i.quantity * i.unitPrice,
});

/** GET /v1/preorders/{id}: the owner's view (they typed the email and fields themselves). */
export function orderToWire(view: OrderView, now: number) {
  const { order: o, campaign: c } = view;
  return {
    id: o.id,
    status: o.status,
    items: view.items.map(itemToWire),
    total: o.total,
    currency: o.currency,
    email: o.email ?? "",
    name: o.name,
    fields: o.fields,
    locale: o.locale,
    created_at: iso(o.createdAt),
    verified_at: iso(o.verifiedAt),
    confirmed_at: iso(o.confirmedAt),
    fulfilled_at: iso(o.fulfilledAt),
    cancelled_at: iso(o.cancelledAt),
    cancelled_by: o.cancelledBy,
    expired_at: iso(o.expiredAt),
    /** The hold deadline: a pending order expires then unless verified. */
    expires_at: iso(o.holdExpiresAt),
    can_cancel: canCustomerCancel(view, now),
    cancel_allowed_until: iso(c.cancelAllowedUntil),
    expected_ship_date: c.expectedShipDate,
    campaign: { name: c.name, slug: c.slug },
  };
}

/** The campaign as placing an order needs it. */
export type PlacingCampaign = Pick<
  Campaign,
  | "id"
  | "slug"
  | "status"
  | "currency"
  | "inviteOnly"
  | "verifyMinutes"
  | "holdMinutes"
  | "cancelAllowedUntil"
  | "orderFields"
  | "defaultLocale"
>;
export type OrderVariant = Pick<
  Variant,
  "id" | "name" | "price" | "remaining" | "perCustomerLimit"
>;

/**
 * The campaign (never a draft) and its variants on sale, in one batch that
 * also claims the request's Idempotency-Key in the campaign's
 * scope (`preorders:<campaign id>`, the id looked up by slug in SQL), so a
 * first attempt costs one round trip before the order's own batch;
 * `claimLock` is the claim's lock, or null when the key existed already
 * (then ./idempotency.ts claimKey tells replay, 422, 409 or takeover).
 */
export async function loadOrderCampaign(
  db: Db,
  slug: string,
  claim: { key: string; hash: string; now: number },
): Promise<{
  campaign: PlacingCampaign;
  variants: OrderVariant[];
  claimLock: number | null;
} | null> {
  const visible = and(eq(campaigns.slug, slug), ne(campaigns.status, "draft"));
  const campaignRead = db
    .select({
      id: campaigns.id,
      slug: campaigns.slug,
      status: campaigns.status,
      currency: campaigns.currency,
      inviteOnly: campaigns.inviteOnly,
      verifyMinutes: campaigns.verifyMinutes,
      holdMinutes: campaigns.holdMinutes,
      cancelAllowedUntil: campaigns.cancelAllowedUntil,
      orderFields: campaigns.orderFields,
      defaultLocale: campaigns.defaultLocale,
    })
    .from(campaigns)
    .where(visible)
    .limit(1);
  const variantsRead = db
    .select({
      id: variants.id,
      name: variants.name,
      price: variants.price,
      remaining: variants.remaining,
      perCustomerLimit: variants.perCustomerLimit,
    })
    .from(variants)
    .innerJoin(campaigns, eq(campaigns.id, variants.campaignId))
    .where(and(visible, isNull(variants.archivedAt)))
    .orderBy(asc(variants.sortOrder), asc(variants.id));
  const [rows, vs, claimed] = await db.batch([
    campaignRead,
    variantsRead,
    run(
      db,
      claimInsertSql(
        {
          scope: sql`'preorders:' || c.id`,
          from: sql`FROM campaigns c WHERE c.slug = ${slug} AND c.status <> 'draft'`,
        },
        claim.key,
        claim.hash,
        claim.now,
      ),
    ),
  ]);
  const campaign = rows[0];
  if (!campaign) return null;
  const lock = (claimed as { results?: { lock: number | null }[] }).results?.[0]?.lock;
  return { campaign, variants: vs, claimLock: lock ?? null };
}

/** `remaining` per variant as stored now (to explain a sold_out abort). */
export async function remainingOf(db: Db, ids: string[]): Promise<Map<string, number>> {
  const rows = await db
    .select({ id: variants.id, remaining: variants.remaining })
    .from(variants)
    .where(inArray(variants.id, ids));
  return new Map(rows.map((r) => [r.id, r.remaining]));
}

/** Units per variant on the live orders of one email in a campaign (to explain a cap abort). */
export async function liveUnitsOf(
  db: Db,
  campaignId: string,
  emailNormalized: string,
  /** Count proven orders only: a proven order's cap ignores unproven ones (migration 0003). */
  provenOnly = false,
): Promise<Map<string, number>> {
  const rows = await db
    .select({
      variantId: preorderItems.variantId,
      units: sql<number>`sum(${preorderItems.quantity})`,
    })
    .from(preorderItems)
    .innerJoin(preorders, eq(preorders.id, preorderItems.preorderId))
    .where(
      and(
        eq(preorders.campaignId, campaignId),
        eq(preorders.emailNormalized, emailNormalized),
        inArray(
          preorders.status,
          provenOnly
            ? livePreorderStatuses.filter((st) => st !== "pending_verification")
            : livePreorderStatuses,
        ),
      ),
    )
    .groupBy(preorderItems.variantId);
  return new Map(rows.map((r) => [r.variantId, Number(r.units)]));
}
