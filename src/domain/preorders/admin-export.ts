/**
 * Pre-orders as CSV, streamed page by page: every pull of the ReadableStream
 * runs ONE keyset query (lines included, see admin-list.ts) for the next
 * EXPORT_PAGE_ROWS orders, so memory stays flat and queries grow with pages,
 * not rows. Cells go through the signup export's encoder (RFC 4180, formula
 * injection neutralised).
 *
 * The stream runs inside the request's invocation (D1: 50 queries per
 * invocation on Workers Free), so one response carries at most
 * EXPORT_MAX_PAGES pages; a longer list ends at that boundary with the
 * cursor of the next part (`Link: <…>; rel="next"`), as the signup export does.
 * @see ../signups/export.ts
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
import { and, desc, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { preorders } from "../../db/schema";
import { encodeCursor } from "../../lib/pagination";
import { type CsvValue, csvPageStream, csvRow } from "../signups/csv";
import {
  afterCursor,
  itemsOf,
  type PreorderFilters,
  type PreorderListRow,
  preorderCampaignHead,
  preorderConditions,
  preorderListItem,
  preorderPage,
} from "./admin-list";

export const EXPORT_PAGE_ROWS = 1000;
/** 50 queries, less auth (≤ 2), the campaign (1), the part probe (1) and slack. */
export const EXPORT_MAX_PAGES = 40;
export const EXPORT_MAX_ROWS = EXPORT_PAGE_ROWS * EXPORT_MAX_PAGES;

/** Fixed columns, in order; then one `field.<key>` column per campaign order field. */
export const EXPORT_COLUMNS = [
  "id",
  "status",
  "email",
  "name",
  "locale",
  "currency",
  "total",
  "units",
  "items",
  "signup_id",
  "invite_id",
  "erased",
  "created_at",
  "verified_at",
  "confirmed_at",
  "fulfilled_at",
  "cancelled_at",
  "cancelled_by",
  "cancel_reason",
  "expired_at",
] as const;
export const FIELD_PREFIX = "field.";

function encodeRow(r: PreorderListRow, keys: string[]): string {
  const item = preorderListItem(r);
  const lines = itemsOf(r);
  const flat: Record<(typeof EXPORT_COLUMNS)[number], CsvValue> = {
    ...item,
    units: lines.reduce((n, l) => n + l.quantity, 0),
    // "Black × 2 @ 4900" per line: readable, and the unit price as charged.
    items: lines.map((l) => `${l.variant_name} × ${l.quantity} @ ${l.unit_price}`),
  };
  const values: CsvValue[] = EXPORT_COLUMNS.map((c) => flat[c]);
  for (const k of keys) values.push(item.fields[k]);
  return csvRow(values);
}

/** The cursor of this part's last row when more rows follow it (one LIMIT 2 probe). */
async function partBoundary(db: Db, where: SQL | undefined): Promise<string | null> {
  const rows = await db
    .select({ createdAt: preorders.createdAt, id: preorders.id })
    .from(preorders)
    .where(where)
    .orderBy(desc(preorders.createdAt), desc(preorders.id))
    .limit(2)
    .offset(EXPORT_MAX_ROWS - 1);
  const last = rows[0];
  return rows.length === 2 && last ? encodeCursor({ v: last.createdAt, id: last.id }) : null;
}

export interface PreorderCsv {
  filename: string;
  body: ReadableStream<Uint8Array>;
  nextCursor: string | null;
}

/**
 * Reads the campaign and the first page now (a wrong campaign is a 404, not a
 * broken download), then streams the rest.
 */
export async function exportPreordersCsv(
  db: Db,
  campaignId: string,
  filters: PreorderFilters,
  cursor: string | undefined,
  now: number,
): Promise<PreorderCsv> {
  const head = await preorderCampaignHead(db, campaignId);
  const keys = head.orderFields.map((f) => f.key);
  const first = await preorderPage(db, campaignId, filters, { cursor, limit: EXPORT_PAGE_ROWS });
  const nextCursor = first.nextCursor
    ? await partBoundary(db, and(preorderConditions(campaignId, filters), afterCursor(cursor)))
    : null;

  const body = csvPageStream<PreorderListRow>({
    header: [...EXPORT_COLUMNS, ...keys.map((k) => FIELD_PREFIX + k)],
    first,
    next: (next) =>
      preorderPage(db, campaignId, filters, { cursor: next, limit: EXPORT_PAGE_ROWS }),
    encode: (r) => encodeRow(r, keys),
    maxPages: EXPORT_MAX_PAGES,
  });
  const date = new Date(now).toISOString().slice(0, 10);
  return { filename: `${head.slug}-preorders-${date}.csv`, body, nextCursor };
}
