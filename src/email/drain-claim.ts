/**
 * Drain steps 1 and 2: claim the due outbox rows, then load in one SELECT
 * everything composing and filtering them needs.
 * @see ./drain.ts
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { EmailCategory, EmailTemplate, Locale } from "../db/schema/enums";

/** An outbox row as the claim returns it (already `sending`, attempts counted). */
export interface ClaimedRow {
  id: string;
  template: EmailTemplate;
  category: EmailCategory;
  locale: Locale;
  to_email: string | null;
  subject: string | null;
  payload: string;
  attempts: number;
  provider_message_id: string | null;
  erased: number;
}

/** A claimed row's signup / pre-order / member / campaign / invite and any suppression. */
export interface ContextRow {
  id: string;
  s_id: string | null;
  s_tv: number | null;
  s_unsub: number | null;
  s_name: string | null;
  s_ref: string | null;
  p_id: string | null;
  p_tv: number | null;
  p_name: string | null;
  m_name: string | null;
  c_id: string | null;
  c_slug: string | null;
  c_name: string | null;
  c_branding: string | null;
  c_currency: string | null;
  c_ship: string | null;
  i_tv: number | null;
  sup_reason: string | null;
}

/**
 * Step 1: up to `limit` due `queued` rows → `sending`, attempts + 1,
 * next_attempt_at = `lease`, in one UPDATE … RETURNING.
 */
export async function claimDueRows(
  db: Db,
  started: number,
  lease: number,
  limit: number,
): Promise<ClaimedRow[]> {
  // Rows that share a batch key marker are claimed together, so a
  // batch retried after an ambiguous failure is never split by the LIMIT.
  return db.all<ClaimedRow>(sql`
    WITH due AS (
      SELECT id, provider_message_id AS marker, next_attempt_at AS at FROM outbox_emails
      WHERE status = 'queued' AND next_attempt_at <= ${started}
      ORDER BY next_attempt_at, id LIMIT ${limit}
    ),
    -- Every write gives a batch's rows one next_attempt_at, so the rest of a
    -- group cut off by the LIMIT is found through the (status, next_attempt_at) index.
    batches AS (
      SELECT DISTINCT marker, at FROM due WHERE substr(marker, 1, 6) = 'key:b_'
    ),
    claim AS (
      SELECT id FROM due
      UNION
      -- CROSS JOIN keeps batches as the outer loop (an index lookup per batch).
      SELECT o.id FROM batches b CROSS JOIN outbox_emails o
      WHERE o.status = 'queued' AND o.next_attempt_at = b.at AND o.provider_message_id = b.marker
    )
    UPDATE outbox_emails
    SET status = 'sending', attempts = attempts + 1, next_attempt_at = ${lease}, updated_at = ${started}
    WHERE id IN (SELECT id FROM claim) AND +status = 'queued'
    RETURNING id, template, category, locale, to_email, subject, payload, attempts,
              provider_message_id, erased`);
}

/**
 * Step 2: what the links, copy and filters need, keyed by row id. The ids go
 * in as one bound JSON parameter (json_each), whatever their number.
 */
export async function loadContext(db: Db, claimed: ClaimedRow[]): Promise<Map<string, ContextRow>> {
  const ids = JSON.stringify(claimed.map((r) => r.id));
  const contextRows = await db.all<ContextRow>(sql`
    SELECT o.id,
      s.id AS s_id, s.token_version AS s_tv, s.unsubscribed_at AS s_unsub, s.name AS s_name,
      s.referral_code AS s_ref,
      p.id AS p_id, p.token_version AS p_tv, p.name AS p_name,
      m.name AS m_name,
      c.id AS c_id, c.slug AS c_slug, c.name AS c_name, c.branding AS c_branding,
      c.currency AS c_currency, c.expected_ship_date AS c_ship,
      i.token_version AS i_tv,
      (SELECT sup.reason FROM suppressions sup
        WHERE sup.email_normalized IN (lower(trim(o.to_email)), s.email_normalized, p.email_normalized)
        LIMIT 1) AS sup_reason
    FROM json_each(${ids}) AS j
    JOIN outbox_emails o ON o.id = j.value
    LEFT JOIN signups s ON s.id = o.signup_id
    LEFT JOIN preorders p ON p.id = o.preorder_id
    LEFT JOIN members m ON m.id = o.member_id
    LEFT JOIN campaigns c ON c.id = coalesce(o.campaign_id, s.campaign_id, p.campaign_id)
    LEFT JOIN invite_codes i ON i.signup_id = o.signup_id AND i.kind = 'personal'`);
  return new Map(contextRows.map((r) => [r.id, r]));
}
