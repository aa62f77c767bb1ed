/**
 * Pre-orders as admins see them: filters by status, variant and email, keyset
 * pages newest first, shared by the JSON list and the streamed CSV export.
 * Each page is ONE query: an order's lines come along as a JSON array from a
 * correlated subquery, so a page never costs a second round trip.
 * @see ../../../../shared/DOMAIN.md "Pre-order", "Erasure"
 */
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campaigns, preorders } from "../../db/schema";
import type { PreorderStatus } from "../../db/schema/enums";
import type { OrderField } from "../../db/schema/types";
import { notFound } from "../../lib/errors";
import { olderThanCursor, pageOf } from "../../lib/pagination";
import { iso } from "../../lib/wire";
import { escapeLike } from "../signups/admin-list";

export interface PreorderFilters {
  status?: PreorderStatus | undefined;
  /** Orders with a line of this variant. */
  variant_id?: string | undefined;
  /** Start of the (normalised) email; `%` and `_` match themselves. */
  email?: string | undefined;
}

export interface AdminItem {
  variant_id: string;
  variant_name: string;
  quantity: number;
  unit_price: number;
}

/**
 * The order's lines as one JSON text, oldest line first. Columns are written
 * qualified by hand: drizzle leaves them bare in a one-table select, where
 * inside the subquery they would bind to `preorder_items`.
 */
const itemsJson = sql<string>`(SELECT json_group_array(json(x)) FROM (
  SELECT json_object('variant_id', i.variant_id, 'variant_name', i.variant_name,
    'quantity', i.quantity, 'unit_price', i.unit_price) AS x
  FROM preorder_items i WHERE i.preorder_id = preorders.id ORDER BY i.created_at, i.id))`;

const columns = {
  id: preorders.id,
  signupId: preorders.signupId,
  email: preorders.email,
  name: preorders.name,
  locale: preorders.locale,
  status: preorders.status,
  total: preorders.total,
  currency: preorders.currency,
  inviteId: preorders.inviteId,
  fields: preorders.fields,
  holdExpiresAt: preorders.holdExpiresAt,
  verifiedAt: preorders.verifiedAt,
  confirmedAt: preorders.confirmedAt,
  fulfilledAt: preorders.fulfilledAt,
  cancelledAt: preorders.cancelledAt,
  cancelledBy: preorders.cancelledBy,
  cancelReason: preorders.cancelReason,
  expiredAt: preorders.expiredAt,
  erasedAt: preorders.erasedAt,
  createdAt: preorders.createdAt,
  updatedAt: preorders.updatedAt,
  items: itemsJson,
};

export function preorderConditions(campaignId: string, f: PreorderFilters): SQL {
  const conditions: (SQL | undefined)[] = [eq(preorders.campaignId, campaignId)];
  if (f.status) conditions.push(eq(preorders.status, f.status));
  if (f.variant_id) {
    conditions.push(
      sql`EXISTS (SELECT 1 FROM preorder_items i WHERE i.preorder_id = preorders.id AND i.variant_id = ${f.variant_id})`,
    );
  }
  const email = f.email?.trim();
  if (email) {
    conditions.push(
      sql`${preorders.emailNormalized} LIKE ${`${escapeLike(email.toLowerCase())}%`} ESCAPE '\\'`,
    );
  }
  return and(...conditions) as SQL;
}

/** Rows after a keyset cursor (newest first), or no condition without one. */
export const afterCursor = (cursor: string | undefined) =>
  olderThanCursor(preorders.createdAt, preorders.id, cursor);

function pageQuery(db: Db, where: SQL | undefined, limit: number) {
  return db
    .select(columns)
    .from(preorders)
    .where(where)
    .orderBy(desc(preorders.createdAt), desc(preorders.id))
    .limit(limit);
}
export type PreorderListRow = Awaited<ReturnType<typeof pageQuery>>[number];

/** One page (limit + 1 rows fetched, the extra one only says a next page exists). One query. */
export async function preorderPage(
  db: Db,
  campaignId: string,
  filters: PreorderFilters,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ rows: PreorderListRow[]; nextCursor: string | null }> {
  const rows = await pageQuery(
    db,
    and(preorderConditions(campaignId, filters), afterCursor(page.cursor)),
    page.limit + 1,
  );
  const { items, next_cursor } = pageOf(rows, page.limit, (r) => ({ v: r.createdAt, id: r.id }));
  return { rows: items, nextCursor: next_cursor };
}

/** One order by id with its lines (one query), or undefined. */
export async function findAdminPreorder(db: Db, id: string): Promise<PreorderListRow | undefined> {
  const [row] = await pageQuery(db, eq(preorders.id, id), 1);
  return row;
}

export function itemsOf(r: Pick<PreorderListRow, "items">): AdminItem[] {
  if (!r.items) return [];
  const parsed: unknown = JSON.parse(r.items);
  return Array.isArray(parsed) ? (parsed as AdminItem[]) : [];
}

/** What the admin API shows of an order. An erased one keeps amounts and lines, loses the person. */
export function preorderListItem(r: PreorderListRow) {
  const erased = r.erasedAt !== null;
  return {
    id: r.id,
    status: r.status,
    email: erased ? null : r.email,
    name: erased ? null : r.name,
    locale: r.locale,
    total: r.total,
    currency: r.currency,
    items: itemsOf(r),
    fields: erased ? {} : (r.fields ?? {}),
    signup_id: r.signupId,
    invite_id: r.inviteId,
    erased,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    hold_expires_at: iso(r.holdExpiresAt),
    verified_at: iso(r.verifiedAt),
    confirmed_at: iso(r.confirmedAt),
    fulfilled_at: iso(r.fulfilledAt),
    cancelled_at: iso(r.cancelledAt),
    cancelled_by: r.cancelledBy,
    cancel_reason: r.cancelReason,
    expired_at: iso(r.expiredAt),
  };
}
export type PreorderListItem = ReturnType<typeof preorderListItem>;

export interface PreorderCampaignHead {
  id: string;
  slug: string;
  currency: string;
  orderFields: OrderField[];
}

/** The campaign's slug, currency and order fields (one query), or 404. */
export async function preorderCampaignHead(
  db: Db,
  campaignId: string,
): Promise<PreorderCampaignHead> {
  const [head] = await db
    .select({
      id: campaigns.id,
      slug: campaigns.slug,
      currency: campaigns.currency,
      orderFields: campaigns.orderFields,
    })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId))
    .limit(1);
  if (!head) throw notFound("Campaign");
  return head;
}
