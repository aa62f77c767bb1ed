/**
 * The cron's safety net for the outbox (every minute): a lost queue message,
 * a crashed drain or a failed kick must never strand mail.
 * - Rows stuck in `sending` past their lease go back to `queued` (their key
 *   marker stays, so a message the provider did accept is not sent twice),
 *   or to `failed` when their attempts are used up.
 * - If any queued row is due, one drain message is sent.
 * Three queries whatever the backlog.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { EMAIL_MAX_ATTEMPTS } from "./drain";
import { type EmailQueue, kickOutbox } from "./outbox";

export async function sweepOutbox(
  db: Db,
  queue: EmailQueue | Queue,
  now: number,
): Promise<{ requeued: number; failed: number; kicked: boolean }> {
  const stuck = await db.all<{ status: string }>(sql`
    UPDATE outbox_emails SET
      status = CASE WHEN attempts >= ${EMAIL_MAX_ATTEMPTS} THEN 'failed' ELSE 'queued' END,
      last_error = CASE WHEN attempts >= ${EMAIL_MAX_ATTEMPTS}
        THEN 'gave up: the send did not finish within its lease'
        ELSE 'the send did not finish within its lease; retrying' END,
      next_attempt_at = CASE WHEN attempts >= ${EMAIL_MAX_ATTEMPTS} THEN NULL ELSE ${now} END,
      updated_at = ${now}
    WHERE status = 'sending' AND next_attempt_at < ${now}
    RETURNING status`);
  // Rows written without a due time (not through outboxInsert) are due now.
  await db.run(sql`
    UPDATE outbox_emails SET next_attempt_at = ${now}
    WHERE status = 'queued' AND next_attempt_at IS NULL`);
  const [due] = await db.all<{ n: number }>(sql`
    SELECT count(*) AS n FROM (
      SELECT 1 FROM outbox_emails
      WHERE status = 'queued' AND next_attempt_at <= ${now}
      LIMIT 1)`);
  const kicked = (due?.n ?? 0) > 0 ? await kickOutbox({ EMAIL_QUEUE: queue }) : false;
  return {
    requeued: stuck.filter((r) => r.status === "queued").length,
    failed: stuck.filter((r) => r.status === "failed").length,
    kicked,
  };
}
