/**
 * Outbox rows straight from a SELECT: `INSERT INTO outbox_emails … SELECT …`,
 * so mailing every matching order or signup is one statement with a handful
 * of bound parameters, whatever the count (D1: ≤ 100 parameters and ≤ 100 KB
 * per statement). Rows whose dedupe key already exists are skipped, which is
 * what makes a retried chunk or a second cron run send nothing twice.
 * @see ../../email/outbox.ts (outboxInsert / outboxInsertMany, the same rows from JS)
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type EmailTemplate, emailTemplateCategories } from "../../db/schema/enums";
import { run, type Stmt } from "../campaigns/statements";

/**
 * `source` must yield the columns campaign_id, locale, to_email, payload
 * (JSON text, template data without links), dedupe_key, signup_id and
 * preorder_id. Ids are random (`eml_` + 104 bits), like every other id.
 */
export function outboxFromSelect(
  db: Db,
  t: { template: EmailTemplate; jobId?: string | null; now: number },
  source: SQL,
): Stmt {
  const category = emailTemplateCategories[t.template];
  // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
  return run(
    db,
    sql`INSERT INTO outbox_emails (id, campaign_id, template, category, locale, to_email, payload,
        dedupe_key, status, attempts, next_attempt_at, signup_id, preorder_id, job_id,
        created_at, updated_at)
      SELECT 'eml_' || lower(hex(randomblob(13))), src.campaign_id, ${t.template}, ${category},
        src.locale, src.to_email, src.payload, src.dedupe_key, 'queued', 0, ${t.now},
        src.signup_id, src.preorder_id, ${t.jobId ?? null}, ${t.now}, ${t.now}
      FROM (${source}) AS src WHERE true
      ON CONFLICT (dedupe_key) DO NOTHING`,
  );
}

/** An ISO 8601 instant from UTC ms, in SQL (as `new Date(ms).toISOString()` writes it). */
export const isoSql = (ms: SQL) =>
  sql`CASE WHEN ${ms} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${ms} / 1000.0, 'unixepoch') END`;
