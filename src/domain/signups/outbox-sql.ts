/**
 * Outbox rows written straight from signup rows, set-based: one
 * `INSERT … SELECT … FROM signups s WHERE …` per kind of message, so a batch
 * queues mail for exactly the signups its earlier statements touched,
 * without reading them first (one D1 round trip). Rows carry ids and data,
 * never links (src/email/outbox.ts). Ids are `eml_` + 26 random hex digits
 * (a subset of the id alphabet, src/db/schema/columns.ts), made in SQL since
 * the number of rows is only known there.
 * @see ../../email/outbox.ts
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { EmailCategory } from "../../db/schema";
import { run, type Stmt } from "../campaigns/statements";

/**
 * People ahead of signup `s` in line, or NULL when it is not ranked (see
 * signups.rank_eligible): eligible rows with a lower (score, created_at, id).
 * One range count on signups_rank_idx. @see DOMAIN.md "Signup" (position)
 */
const peopleAhead = sql.raw(`CASE WHEN s.rank_eligible = 1 THEN (
    SELECT count(*) FROM signups a
    WHERE a.campaign_id = s.campaign_id AND a.rank_eligible = 1
      AND (a.score, a.created_at, a.id) < (s.score, s.created_at, s.id)) END`);

/** The `status_link` payload (emails/types.ts TemplateData) for signup `s`, as JSON. */
export const statusLinkPayload = sql`(SELECT json_object('position', x.n + 1, 'peopleAhead', x.n,
    'verifiedReferrals', s.verified_referrals) FROM (SELECT ${peopleAhead} AS n) AS x)`;

/** Mail a pending signup gets (confirm link) or a confirmed one (status link), for signup `s`. */
export const confirmOrStatus = {
  template: sql`CASE s.status WHEN 'pending' THEN 'signup_confirm' ELSE 'status_link' END`,
  payload: sql`CASE s.status WHEN 'pending' THEN json_object() ELSE ${statusLinkPayload} END`,
};

export interface OutboxFromSignups {
  /** SQL text value of the template (may depend on `s`). */
  template: SQL;
  category: EmailCategory;
  /** A JSON object (may depend on `s`). */
  payload: SQL;
  /** NULL, or a key that makes a repeat a no-op. */
  dedupeKey: SQL;
  /** Which signups `s` get one; erased ones never do. */
  where: SQL;
  now: number;
}

export function outboxFromSignups(db: Db, o: OutboxFromSignups): Stmt {
  // `WHERE … ON CONFLICT`: the WHERE keeps SQLite from reading ON CONFLICT as a join clause.
  return run(
    db,
    sql`INSERT INTO outbox_emails (id, campaign_id, template, category, locale, to_email, payload,
        dedupe_key, status, attempts, next_attempt_at, signup_id, erased, created_at, updated_at)
      SELECT 'eml_' || lower(hex(randomblob(13))), s.campaign_id, ${o.template}, ${o.category},
        s.locale, s.email, ${o.payload}, ${o.dedupeKey}, 'queued', 0, ${o.now}, s.id, 0,
        ${o.now}, ${o.now}
      FROM signups s
      WHERE s.erased_at IS NULL AND s.email IS NOT NULL AND (${o.where})
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}
