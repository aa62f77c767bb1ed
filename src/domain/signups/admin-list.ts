/**
 * The waitlist as admins see it: filters, search and keyset pages, shared by
 * the JSON list and the streamed CSV export (one query per page either way).
 * The funnel stage is derived in SQL from the signup's facts, never stored.
 * @see ../../../../shared/DOMAIN.md "Signup" (stage), "Erasure"
 */
import { and, asc, desc, eq, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campaigns, questions, signups } from "../../db/schema";
import {
  type AudienceState,
  livePreorderStatuses,
  type ReviewState,
  type SignupStage,
  type SignupStatus,
} from "../../db/schema/enums";
import type { SignupAnswers } from "../../db/schema/types";
import { notFound } from "../../lib/errors";
import { olderThanCursor, pageOf } from "../../lib/pagination";
import { iso } from "../../lib/wire";

export interface SignupFilters {
  status?: SignupStatus | undefined;
  stage?: SignupStage | undefined;
  review?: ReviewState | undefined;
  audience?: AudienceState | undefined;
  /** Prefix of the email, or part of the name; `%` and `_` match themselves. */
  q?: string | undefined;
}

const LIVE = sql.raw(livePreorderStatuses.map((s) => `'${s}'`).join(", "));

/**
 * contact → lead → prospect → customer, from the facts: a live pre-order
 * (linked by signup id, or by the same normalised email in the campaign: an
 * order placed without the status link) makes a customer; a personal invite a
 * prospect; confirmation a lead. Each EXISTS is one index probe. Columns are
 * written qualified by hand: drizzle leaves them bare in a one-table select,
 * where inside the subquery they would bind to `preorders`.
 */
export const stageSql = sql<SignupStage>`CASE
  WHEN EXISTS (SELECT 1 FROM preorders p WHERE p.signup_id = signups.id AND p.status IN (${LIVE}))
    OR EXISTS (SELECT 1 FROM preorders p WHERE p.campaign_id = signups.campaign_id
      AND p.email_normalized = signups.email_normalized AND p.status IN (${LIVE}))
    THEN 'customer'
  WHEN signups.invited_at IS NOT NULL THEN 'prospect'
  WHEN signups.status = 'confirmed' THEN 'lead'
  ELSE 'contact' END`;

/** `%`, `_` and the escape character itself taken literally in a LIKE pattern (ESCAPE '\'). */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export function signupConditions(campaignId: string, f: SignupFilters): SQL {
  const conditions: (SQL | undefined)[] = [eq(signups.campaignId, campaignId)];
  if (f.status) conditions.push(eq(signups.status, f.status));
  if (f.review) conditions.push(eq(signups.review, f.review));
  if (f.audience) conditions.push(eq(signups.audience, f.audience));
  if (f.stage) conditions.push(sql`(${stageSql}) = ${f.stage}`);
  const q = f.q?.trim();
  if (q) {
    const pattern = escapeLike(q);
    conditions.push(
      or(
        sql`${signups.emailNormalized} LIKE ${`${pattern.toLowerCase()}%`} ESCAPE '\\'`,
        sql`${signups.name} LIKE ${`%${pattern}%`} ESCAPE '\\'`,
      ),
    );
  }
  return and(...conditions) as SQL;
}

const columns = {
  id: signups.id,
  email: signups.email,
  name: signups.name,
  locale: signups.locale,
  status: signups.status,
  stage: stageSql,
  review: signups.review,
  reviewReason: signups.reviewReason,
  audience: signups.audience,
  unsubscribedAt: signups.unsubscribedAt,
  erasedAt: signups.erasedAt,
  referralCode: signups.referralCode,
  verifiedReferrals: signups.verifiedReferrals,
  referredBy: signups.referredBySignupId,
  utmSource: signups.utmSource,
  utmMedium: signups.utmMedium,
  utmCampaign: signups.utmCampaign,
  utmTerm: signups.utmTerm,
  utmContent: signups.utmContent,
  country: signups.country,
  answers: signups.answers,
  createdAt: signups.createdAt,
  confirmedAt: signups.confirmedAt,
  invitedAt: signups.invitedAt,
};

/** Rows after a keyset cursor (newest first), or no condition without one. */
export const afterCursor = (cursor: string | undefined) =>
  olderThanCursor(signups.createdAt, signups.id, cursor);

function pageQuery(db: Db, where: SQL | undefined, limit: number) {
  return db
    .select(columns)
    .from(signups)
    .where(where)
    .orderBy(desc(signups.createdAt), desc(signups.id))
    .limit(limit);
}
export type SignupListRow = Awaited<ReturnType<typeof pageQuery>>[number];

/**
 * One page, newest first: the next `limit` rows after `cursor` (an opaque
 * (created_at, id) from the previous page), fetched as limit + 1 so the extra
 * row tells whether another page follows. Exactly one query.
 */
export async function signupPage(
  db: Db,
  campaignId: string,
  filters: SignupFilters,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ rows: SignupListRow[]; nextCursor: string | null }> {
  const rows = await pageQuery(
    db,
    and(signupConditions(campaignId, filters), afterCursor(page.cursor)),
    page.limit + 1,
  );
  const { items, next_cursor } = pageOf(rows, page.limit, (r) => ({ v: r.createdAt, id: r.id }));
  return { rows: items, nextCursor: next_cursor };
}

/** What the list shows of a signup. An erased one keeps its facts and loses everything personal. */
export function signupListItem(r: SignupListRow) {
  const erased = r.erasedAt !== null;
  return {
    id: r.id,
    email: erased ? null : r.email,
    name: erased ? null : r.name,
    locale: r.locale,
    status: r.status,
    stage: r.stage,
    review: r.review,
    review_reason: erased ? null : r.reviewReason,
    audience: r.audience,
    unsubscribed: r.unsubscribedAt !== null,
    erased,
    referral_code: erased ? null : r.referralCode,
    verified_referrals: r.verifiedReferrals,
    referred_by: r.referredBy,
    utm_source: r.utmSource,
    utm_medium: r.utmMedium,
    utm_campaign: r.utmCampaign,
    utm_term: r.utmTerm,
    utm_content: r.utmContent,
    country: erased ? null : r.country,
    created_at: iso(r.createdAt),
    confirmed_at: iso(r.confirmedAt),
    invited_at: iso(r.invitedAt),
  };
}
export type SignupListItem = ReturnType<typeof signupListItem>;

/** Answers of a listed row (none once erased). */
export const answersOf = (r: SignupListRow): SignupAnswers =>
  r.erasedAt === null ? (r.answers ?? {}) : {};

export interface CampaignHead {
  id: string;
  slug: string;
  questions: { key: string; type: string }[];
}

/** The campaign's slug and question keys (one batch of two reads), or 404. */
export async function campaignHead(db: Db, campaignId: string): Promise<CampaignHead> {
  const [c, q] = await db.batch([
    db
      .select({ id: campaigns.id, slug: campaigns.slug })
      .from(campaigns)
      .where(eq(campaigns.id, campaignId))
      .limit(1),
    db
      .select({ key: questions.key, type: questions.type })
      .from(questions)
      .where(eq(questions.campaignId, campaignId))
      .orderBy(asc(questions.sortOrder), asc(questions.key)),
  ]);
  const head = c[0];
  if (!head) throw notFound("Campaign");
  return { ...head, questions: q };
}

/** 404 unless the campaign exists (one indexed read). */
export async function assertCampaign(db: Db, campaignId: string): Promise<void> {
  const [row] = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(eq(campaigns.id, campaignId))
    .limit(1);
  if (!row) throw notFound("Campaign");
}
