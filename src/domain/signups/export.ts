/**
 * The waitlist as CSV, streamed page by page: a ReadableStream whose every
 * pull runs ONE keyset query for the next EXPORT_PAGE_ROWS rows and encodes
 * them, so memory stays flat and the number of queries grows with pages, not
 * rows.
 *
 * The stream runs inside the request's invocation, and D1 allows 50 queries
 * per invocation on the Workers Free plan: auth and the campaign read take a
 * few, so one response carries at most EXPORT_MAX_PAGES pages
 * (EXPORT_MAX_ROWS rows). A longer list is exported in parts: the response
 * ends at the part boundary and says where the next part starts
 * (`Link: <…?cursor=…>; rel="next"`, same filters), which the dashboard
 * follows; or narrow the export with filters.
 * @see https://developers.cloudflare.com/d1/platform/limits/
 */
import { and, desc, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { signups } from "../../db/schema";
import { encodeCursor } from "../../lib/pagination";
import {
  afterCursor,
  answersOf,
  campaignHead,
  type SignupFilters,
  type SignupListRow,
  signupConditions,
  signupListItem,
  signupPage,
} from "./admin-list";
import { type CsvValue, csvPageStream, csvRow } from "./csv";

/** Rows per query. D1 does not limit rows per result; a page of 1000 wide rows is a few MB at most. */
export const EXPORT_PAGE_ROWS = 1000;
/** Pages per response: 50 queries, less auth (≤ 2), the campaign (2), the part probe (1) and slack. */
export const EXPORT_MAX_PAGES = 40;
export const EXPORT_MAX_ROWS = EXPORT_PAGE_ROWS * EXPORT_MAX_PAGES;

/** Fixed columns, in order; then one `answer.<key>` column per question. */
export const EXPORT_COLUMNS = [
  "id",
  "email",
  "name",
  "locale",
  "status",
  "stage",
  "review",
  "review_reason",
  "audience",
  "unsubscribed",
  "erased",
  "referral_code",
  "verified_referrals",
  "referred_by",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "country",
  "created_at",
  "confirmed_at",
  "invited_at",
] as const;

/** Answer columns are prefixed so a question key can never shadow a fixed column. */
export const ANSWER_PREFIX = "answer.";

export interface CsvExport {
  filename: string;
  body: ReadableStream<Uint8Array>;
  /** Where the next part starts, when the list is longer than one response carries. */
  nextCursor: string | null;
}

function encodeRow(r: SignupListRow, keys: string[]): string {
  const item = signupListItem(r);
  const answers = answersOf(r);
  const values: CsvValue[] = EXPORT_COLUMNS.map((c) => item[c]);
  for (const k of keys) values.push(answers[k]);
  return csvRow(values);
}

/**
 * The (created_at, id) of the last row this response may carry, when more
 * rows follow it: one query (LIMIT 2 at the part's last offset), run only
 * when the first page is full.
 */
async function partBoundary(db: Db, where: SQL | undefined): Promise<string | null> {
  const rows = await db
    .select({ createdAt: signups.createdAt, id: signups.id })
    .from(signups)
    .where(where)
    .orderBy(desc(signups.createdAt), desc(signups.id))
    .limit(2)
    .offset(EXPORT_MAX_ROWS - 1);
  const last = rows[0];
  return rows.length === 2 && last ? encodeCursor({ v: last.createdAt, id: last.id }) : null;
}

/**
 * Reads the campaign and the first page now (so a wrong campaign is a 404,
 * not a broken download, and a short list needs no probe), then streams.
 */
export async function exportSignupsCsv(
  db: Db,
  campaignId: string,
  filters: SignupFilters,
  cursor: string | undefined,
  now: number,
): Promise<CsvExport> {
  const head = await campaignHead(db, campaignId);
  const keys = head.questions.map((q) => q.key);
  const first = await signupPage(db, campaignId, filters, { cursor, limit: EXPORT_PAGE_ROWS });

  let nextCursor: string | null = null;
  if (first.nextCursor) {
    nextCursor = await partBoundary(
      db,
      and(signupConditions(campaignId, filters), afterCursor(cursor)),
    );
  }

  const body = csvPageStream<SignupListRow>({
    header: [...EXPORT_COLUMNS, ...keys.map((k) => ANSWER_PREFIX + k)],
    first,
    next: (next) => signupPage(db, campaignId, filters, { cursor: next, limit: EXPORT_PAGE_ROWS }),
    encode: (r) => encodeRow(r, keys),
    maxPages: EXPORT_MAX_PAGES,
  });

  const date = new Date(now).toISOString().slice(0, 10);
  return { filename: `${head.slug}-signups-${date}.csv`, body, nextCursor };
}
