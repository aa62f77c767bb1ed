/**
 * Erasure of one person (DOMAIN.md "Erasure"): by an admin (DELETE
 * /v1/admin/signups/{id}) or by the person from their status page. The
 * export of their data is ./person-export.ts.
 *
 * "The person's orders" are the orders linked to the signup plus orders in
 * the same campaign under the same normalised address (an order placed
 * without a status token has no signup_id), found with a subquery so the
 * erasure (and the export) are each one batch.
 * @see ../../../../shared/DOMAIN.md "Erasure"
 */
import { and, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  auditLog,
  inviteRedemptions,
  newId,
  outboxEmails,
  preorders,
  signups,
} from "../../db/schema";
import type { AuditChanges } from "../../db/schema/types";
import { notFound } from "../../lib/errors";
import type { AuditContext, AuditEvent } from "../audit";

/** Ids of the person's orders, as a subquery for `IN (…)`. */
export function personOrderIds(signupId: string): SQL {
  return sql`(SELECT p.id FROM preorders AS p WHERE p.signup_id = ${signupId}
    OR (p.campaign_id, p.email_normalized) IN
      (SELECT s.campaign_id, s.email_normalized FROM signups AS s
        WHERE s.id = ${signupId} AND s.email_normalized IS NOT NULL))`;
}

/**
 * An audit insert for the caller's batch that writes its row only if the
 * signup matches `when` at that point in the batch (e.g. the update before it
 * took effect, stamped with `now`). A lost race or a repeat then leaves no
 * audit row for a change that did not happen. Same trick as
 * src/domain/unsubscribe.ts (insert … select checks the column order).
 */
export function auditIfSignup(
  db: Db,
  ctx: AuditContext,
  event: AuditEvent & { targetId: string },
  when: SQL | undefined,
  now: number,
) {
  const changes = event.changes ? JSON.stringify(event.changes) : null;
  return db.insert(auditLog).select(
    db
      .select({
        id: sql<string>`${newId("aud")}`.as("id"),
        actorType: sql<AuditContext["actorType"]>`${ctx.actorType}`.as("actor_type"),
        actorId: sql<string | null>`${ctx.actorId}`.as("actor_id"),
        action: sql<string>`${event.action}`.as("action"),
        targetType: sql<string>`${event.targetType}`.as("target_type"),
        targetId: signups.id,
        campaignId: signups.campaignId,
        changes: sql<AuditChanges | null>`${changes}`.as("changes"),
        ipHmac: sql<string | null>`${ctx.ipHmac}`.as("ip_hmac"),
        requestId: sql<string | null>`${ctx.requestId}`.as("request_id"),
        createdAt: sql<number>`${now}`.as("created_at"),
      })
      .from(signups)
      .where(and(eq(signups.id, event.targetId), when)),
  );
}

// ---------------------------------------------------------------- erasure

const REDACTED = JSON.stringify({ redacted: "personal data erased" });

export interface ErasureResult {
  signupId: string;
  erasedAt: number;
  /** False when the signup had already been erased (nothing new was removed). */
  changed: boolean;
  orders: number;
  emails: number;
}

/**
 * Erases one person per DOMAIN.md "Erasure", in ONE batch:
 *  - audit rows of the campaign (or about the signup) whose changes mention
 *    the address or name get their changes redacted; rows the person made
 *    themselves (actor `customer`) lose their IP HMAC — what happened and when stays;
 *  - outbox rows of the signup and its orders: to_email NULL, payload {},
 *    erased = 1 (the sender suppresses anything still queued);
 *  - invite redemptions of those orders forget the address;
 *  - orders keep amounts, items and statuses; email, name, fields and IP
 *    HMAC are blanked and token_version bumped (order links die);
 *  - the signup keeps its facts (status, review, score, referral counts,
 *    dates: counts and the funnel stay) and loses name, email, answers, IP
 *    HMAC, UTM, referrer, landing URL and country; token_version + 1 kills
 *    every status / confirm / unsubscribe link; unsubscribed so nothing
 *    list-like is ever sent again;
 *  - the audit row of the erasure (no personal data in it), written only by
 *    the request that erased.
 * Statements that find the person's data by address run before the ones
 * that blank it. Repeating it is harmless (`changed: false`).
 */
export async function eraseSignup(
  db: Db,
  audit: AuditContext,
  signupId: string,
  now: number,
): Promise<ErasureResult> {
  const orderIds = personOrderIds(signupId);
  const person = (col: "email" | "email_normalized" | "name" | "campaign_id") =>
    sql`(SELECT ${sql.identifier(col)} FROM signups WHERE id = ${signupId})`;
  const mentions = (column: SQL) =>
    sql`(instr(lower(${column}), lower(${person("email")})) > 0
      OR instr(${column}, ${person("email_normalized")}) > 0
      OR (length(${person("name")}) >= 3 AND instr(${column}, ${person("name")}) > 0))`;

  const [, , emailRows, , orderRows, erased] = await db.batch([
    db
      .update(auditLog)
      .set({ changes: sql`${REDACTED}` })
      .where(
        and(
          or(
            eq(auditLog.campaignId, sql`${person("campaign_id")}`),
            and(eq(auditLog.targetType, "signup"), eq(auditLog.targetId, signupId)),
          ),
          sql`${auditLog.changes} IS NOT NULL`,
          mentions(sql`${auditLog.changes}`),
        ),
      ),
    db
      .update(auditLog)
      .set({ ipHmac: null })
      .where(
        and(
          eq(auditLog.actorType, "customer"),
          or(
            and(eq(auditLog.targetType, "signup"), eq(auditLog.targetId, signupId)),
            and(eq(auditLog.targetType, "preorder"), sql`${auditLog.targetId} IN ${orderIds}`),
          ),
        ),
      ),
    db
      .update(outboxEmails)
      .set({ toEmail: null, payload: {}, erased: true, updatedAt: now })
      .where(
        or(eq(outboxEmails.signupId, signupId), sql`${outboxEmails.preorderId} IN ${orderIds}`),
      )
      .returning({ id: outboxEmails.id }),
    db
      .update(inviteRedemptions)
      .set({ emailNormalized: null })
      .where(sql`${inviteRedemptions.preorderId} IN ${orderIds}`),
    db
      .update(preorders)
      .set({
        email: null,
        emailNormalized: null,
        name: null,
        fields: {},
        ipHmac: null,
        erasedAt: sql`coalesce(${preorders.erasedAt}, ${now})`,
        tokenVersion: sql`${preorders.tokenVersion} + 1`,
        updatedAt: now,
      })
      .where(sql`${preorders.id} IN ${orderIds}`)
      .returning({ id: preorders.id }),
    db
      .update(signups)
      .set({
        email: null,
        emailNormalized: null,
        name: null,
        answers: {},
        ipHmac: null,
        utmSource: null,
        utmMedium: null,
        utmCampaign: null,
        utmTerm: null,
        utmContent: null,
        referrer: null,
        landingUrl: null,
        country: null,
        unsubscribedAt: sql`coalesce(${signups.unsubscribedAt}, ${now})`,
        erasedAt: now,
        tokenVersion: sql`${signups.tokenVersion} + 1`,
        updatedAt: now,
      })
      .where(and(eq(signups.id, signupId), isNull(signups.erasedAt)))
      .returning({ erasedAt: signups.erasedAt }),
    auditIfSignup(
      db,
      // The person's own IP HMAC is personal data too: their erasure is not recorded with it.
      audit.actorType === "customer" ? { ...audit, ipHmac: null } : audit,
      {
        action: "signup.erase",
        targetType: "signup",
        targetId: signupId,
        changes: { erased: true, by: audit.actorType },
      },
      eq(signups.erasedAt, now),
      now,
    ),
  ]);
  if (erased[0]) {
    return {
      signupId,
      erasedAt: now,
      changed: true,
      orders: orderRows.length,
      emails: emailRows.length,
    };
  }
  const [existing] = await db
    .select({ erasedAt: signups.erasedAt })
    .from(signups)
    .where(eq(signups.id, signupId));
  if (!existing?.erasedAt) throw notFound("Signup");
  return {
    signupId,
    erasedAt: existing.erasedAt,
    changed: false,
    orders: orderRows.length,
    emails: emailRows.length,
  };
}
