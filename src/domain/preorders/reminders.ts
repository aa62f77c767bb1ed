/**
 * Nudges for invited people who have not ordered (issue 6 item 6), list mail:
 *
 * - `reminder`: once, `reminder_after_hours` after the invitation;
 * - `last_chance`: once, in the LAST_CHANCE_MS before their deadline, the
 *   earlier of the invite's `expires_at` and the campaign's `closes_at`;
 *   not for people invited within that last stretch (their invitation was the
 *   last chance), and the plain reminder is skipped once it has begun.
 *
 * Only while the campaign is in presale (codes work then), only with a
 * usable personal code (not revoked, not expired, not used), only to people
 * with no pre-order in the campaign (by signup or by email: someone who
 * ordered and cancelled is not nagged), still mailable (not erased,
 * unsubscribed or suppressed), and only while there is something to buy (a
 * unit on sale, or one held for them). `reminder_max_count = 0` turns both
 * off; `reminder_after_hours = null` only the first.
 *
 * "At most once" is the outbox dedupe key (`reminder:<signup>`,
 * `last_chance:<signup>`): the selecting INSERT skips people who have one, so
 * a repeated or overlapping run sends nothing twice. Each run writes at most
 * REMINDERS_PER_RUN of each kind (one INSERT … SELECT, a few bound
 * parameters) plus one UPDATE of the signups' reminder counters: one batch.
 * @see ../../../../shared/DOMAIN.md "Outbox email", "Invite code"
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { run } from "../campaigns/statements";
import { isoSql, outboxFromSelect } from "./admin-outbox";

export const REMINDERS_PER_RUN = 200;
/** The last-chance email goes out this long before the deadline. */
export const LAST_CHANCE_MS = 24 * 60 * 60_000;

/** The earlier of the invite's expiry and the campaign's close (either may be null). */
const deadline = sql.raw(`(CASE
  WHEN i.expires_at IS NULL THEN c.closes_at
  WHEN c.closes_at IS NULL THEN i.expires_at
  ELSE min(i.expires_at, c.closes_at) END)`);

/** Invited, code usable, never ordered, mailable, something to buy. */
function nudgeable(now: number): SQL {
  return sql`c.status = 'presale' AND c.reminder_max_count > 0
    AND s.invited_at IS NOT NULL AND s.erased_at IS NULL AND s.email IS NOT NULL
    AND s.unsubscribed_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM suppressions sup WHERE sup.email_normalized = s.email_normalized)
    AND i.revoked_at IS NULL AND (i.expires_at IS NULL OR i.expires_at > ${now})
    AND i.uses < i.max_uses
    AND NOT EXISTS (SELECT 1 FROM preorders p WHERE p.signup_id = s.id)
    AND NOT EXISTS (SELECT 1 FROM preorders p WHERE p.campaign_id = c.id
      AND p.email_normalized = s.email_normalized)
    AND (EXISTS (SELECT 1 FROM variants v WHERE v.campaign_id = c.id AND v.archived_at IS NULL
        AND v.remaining > 0)
      OR EXISTS (SELECT 1 FROM holds h WHERE h.signup_id = s.id AND h.status = 'held'))`;
}

/** The rows for `kind`: invited people of presale campaigns matching `when`. */
function nudgeSource(kind: "reminder" | "last_chance", payload: SQL, when: SQL, now: number) {
  return sql`SELECT c.id AS campaign_id, s.locale, s.email AS to_email, ${payload} AS payload,
      ${`${kind}:`} || s.id AS dedupe_key, s.id AS signup_id, NULL AS preorder_id
    FROM campaigns c
    JOIN invite_codes i ON i.campaign_id = c.id AND i.kind = 'personal'
    JOIN signups s ON s.id = i.signup_id
    WHERE ${nudgeable(now)} AND ${when}
      AND NOT EXISTS (SELECT 1 FROM outbox_emails o WHERE o.dedupe_key = ${`${kind}:`} || s.id)
    LIMIT ${REMINDERS_PER_RUN}`;
}

export function reminderStatements(db: Db, now: number) {
  const reminder = nudgeSource(
    "reminder",
    sql`json_object('expiresAt', ${isoSql(sql`i.expires_at`)})`,
    sql`c.reminder_after_hours IS NOT NULL
      AND s.invited_at <= ${now} - c.reminder_after_hours * 3600000
      AND (${deadline} IS NULL OR ${deadline} - ${LAST_CHANCE_MS} > ${now})`,
    now,
  );
  const lastChance = nudgeSource(
    "last_chance",
    sql`json_object('expiresAt', ${isoSql(deadline)}, 'remaining', CASE WHEN c.show_remaining = 1
      THEN (SELECT sum(v.remaining) FROM variants v WHERE v.campaign_id = c.id
        AND v.archived_at IS NULL) END)`,
    sql`${deadline} IS NOT NULL AND ${deadline} > ${now}
      AND ${deadline} - ${LAST_CHANCE_MS} <= ${now}
      AND s.invited_at <= ${deadline} - ${LAST_CHANCE_MS}`,
    now,
  );
  return [
    outboxFromSelect(db, { template: "reminder", now }, reminder),
    outboxFromSelect(db, { template: "last_chance", now }, lastChance),
    // Counters for the dashboard; the dedupe keys are what prevent repeats.
    run(
      db,
      sql`UPDATE signups SET reminder_count = reminder_count + 1, last_reminder_at = ${now},
          updated_at = ${now}
        WHERE id IN (SELECT o.signup_id FROM outbox_emails o WHERE o.created_at = ${now}
          AND o.template IN ('reminder', 'last_chance') AND o.signup_id IS NOT NULL)
          AND (last_reminder_at IS NULL OR last_reminder_at < ${now})`,
    ),
  ] as const;
}

/**
 * The cron runs this task every REMINDER_EVERY_MINUTES minutes, not every
 * minute: nudges are not urgent, and the invocation's 50 queries are shared.
 */
export const REMINDER_EVERY_MINUTES = 5;
export const remindersDue = (now: number) =>
  Math.floor(now / 60_000) % REMINDER_EVERY_MINUTES === 0;

/** Cron task: one batch; returns how many of each were queued. */
export async function sendReminders(
  db: Db,
  now: number,
): Promise<{ reminders: number; lastChance: number }> {
  const [a, b, ...rest] = reminderStatements(db, now);
  const results = await db.batch([a, b, ...rest]);
  const changes = (r: unknown) => Number((r as { meta?: { changes?: number } }).meta?.changes ?? 0);
  return { reminders: changes(results[0]), lastChance: changes(results[1]) };
}
