import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditLog, campaigns, outboxEmails, signups } from "../db/schema";
import { newId } from "../db/schema/columns";
import type { Locale } from "../db/schema/enums";
import { UNSUBSCRIBED_REASON } from "../email/outbox";
import { verifyToken } from "../lib/tokens";
import type { AuditContext } from "./audit";

/**
 * Signup-scoped unsubscribe (DOMAIN.md "Signup": mail; "Outbox email"): it
 * stops list mail (invitations, reminders, milestones, broadcasts) for the
 * one campaign the signup belongs to; transactional mail still goes, and
 * other campaigns are untouched. Global stops are suppressions (bounces,
 * complaints), in ./suppressions.ts.
 * @see https://www.rfc-editor.org/rfc/rfc8058
 */

export interface UnsubscribeTarget {
  signupId: string;
  campaignId: string;
  campaignName: string;
  accent: string | null;
  defaultLocale: Locale;
  locale: Locale;
  email: string;
  unsubscribedAt: number | null;
}

/**
 * The signup an unsubscribe token points at, or null when the token is not a
 * valid unsubscribe token, was revoked (its version is not the signup's
 * current token_version), or the signup is gone or erased. Callers answer
 * every null the same way, so a token never tells whether an email exists.
 */
export async function findUnsubscribeTarget(
  db: Db,
  secret: string,
  token: string,
): Promise<UnsubscribeTarget | null> {
  const claims = await verifyToken(secret, "unsubscribe", token);
  if (!claims) return null;
  const [row] = await db
    .select({
      signupId: signups.id,
      campaignId: signups.campaignId,
      email: signups.email,
      locale: signups.locale,
      tokenVersion: signups.tokenVersion,
      erasedAt: signups.erasedAt,
      unsubscribedAt: signups.unsubscribedAt,
      campaignName: campaigns.name,
      branding: campaigns.branding,
      defaultLocale: campaigns.defaultLocale,
    })
    .from(signups)
    .innerJoin(campaigns, eq(campaigns.id, signups.campaignId))
    .where(eq(signups.id, claims.id))
    .limit(1);
  if (!row || row.erasedAt !== null || row.email === null) return null;
  if (row.tokenVersion !== claims.version) return null;
  return {
    signupId: row.signupId,
    campaignId: row.campaignId,
    campaignName: row.campaignName,
    accent: row.branding?.accentColor ?? null,
    defaultLocale: row.defaultLocale,
    locale: row.locale,
    email: row.email,
    unsubscribedAt: row.unsubscribedAt,
  };
}

/**
 * Unsubscribes the signup, idempotently, in one batch:
 *  - sets unsubscribed_at (only the first time: a repeat keeps the first time);
 *  - marks this signup's still-queued list mail `suppressed` with the reason,
 *    so nothing already queued goes out after the click (transactional rows
 *    are left alone);
 *  - writes the audit row (actor `customer`) only when this request made the
 *    change, so a mail client that posts twice leaves one audit row.
 * Returns when the signup was (first) unsubscribed.
 */
export async function unsubscribeSignup(
  db: Db,
  audit: AuditContext,
  target: UnsubscribeTarget,
  now: number,
): Promise<{ changed: boolean; unsubscribedAt: number }> {
  const auditId = newId("aud");
  const changes = JSON.stringify({ unsubscribed: true });
  const [updated] = await db.batch([
    db
      .update(signups)
      .set({ unsubscribedAt: now })
      .where(and(eq(signups.id, target.signupId), sql`${signups.unsubscribedAt} IS NULL`))
      .returning({ unsubscribedAt: signups.unsubscribedAt }),
    // Conditional on the update above having taken effect at exactly `now`:
    // a repeated POST inserts nothing. (insert … select checks at run time
    // that the keys match the table's columns, in order.)
    db.insert(auditLog).select(
      db
        .select({
          id: sql<string>`${auditId}`.as("id"),
          actorType: sql<"customer">`${audit.actorType}`.as("actor_type"),
          actorId: sql<string | null>`${audit.actorId}`.as("actor_id"),
          action: sql<string>`'signup.unsubscribe'`.as("action"),
          targetType: sql<string>`'signup'`.as("target_type"),
          targetId: signups.id,
          campaignId: signups.campaignId,
          changes: sql<string>`${changes}`.as("changes"),
          ipHmac: sql<string | null>`${audit.ipHmac}`.as("ip_hmac"),
          requestId: sql<string | null>`${audit.requestId}`.as("request_id"),
          createdAt: sql<number>`${now}`.as("created_at"),
        })
        .from(signups)
        .where(and(eq(signups.id, target.signupId), eq(signups.unsubscribedAt, now))),
    ),
    db
      .update(outboxEmails)
      .set({ status: "suppressed", lastError: UNSUBSCRIBED_REASON, nextAttemptAt: null })
      .where(
        and(
          eq(outboxEmails.signupId, target.signupId),
          eq(outboxEmails.category, "list"),
          eq(outboxEmails.status, "queued"),
        ),
      ),
  ]);
  const first = updated[0]?.unsubscribedAt;
  if (first !== undefined && first !== null) return { changed: true, unsubscribedAt: first };
  return { changed: false, unsubscribedAt: target.unsubscribedAt ?? now };
}

/**
 * The address as the page shows it: enough for its owner to recognise, not
 * enough to read someone else's address off a forwarded link
 * (`j•••@example.com`).
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  const local = email.slice(0, at);
  const first = Array.from(local)[0] ?? "";
  return `${first}•••${email.slice(at)}`;
}
