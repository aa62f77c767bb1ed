import { and, desc, eq, like, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { outboxEmails, suppressions, webhookEvents } from "../db/schema";
import type { SuppressionReason } from "../db/schema/enums";
import { AppError, notFound } from "../lib/errors";
import { olderThanCursor, pageOf } from "../lib/pagination";
import { type AuditContext, auditInsert } from "./audit";
import { errorText } from "./db-errors";
import { maskEmail } from "./unsubscribe";

/**
 * Global suppressions (DOMAIN.md "Outbox email": bounces and complaints stop
 * everything): one row per normalised address, whatever the campaign. Each
 * write that adds one also marks the address's still-queued outbox rows
 * `suppressed` with the reason, in the same batch, so the outbox shows why a
 * message did not go. The sender checks this table before every send as well.
 */

/** Lower-cased and trimmed, the same folding signups use for email_normalized. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * An address from a provider field: `a@b.c` or `Name <a@b.c>`; null when it
 * does not look like an address at all.
 */
export function addressOf(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 512) return null;
  const angle = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  const raw = (angle?.[1] ?? value).trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(raw) || raw.length > 254) return null;
  return normalizeEmail(raw);
}

const REASON_TEXT: Record<SuppressionReason, string> = {
  bounce: "the address hard-bounced",
  complaint: "the recipient marked a message as spam",
  manual: "an admin suppressed the address",
};

export function suppressionError(reason: SuppressionReason, source?: string | null): string {
  return `suppressed: ${REASON_TEXT[reason]}${source ? ` (${source})` : ""}`;
}

/** Marks the address's queued outbox rows suppressed; for the caller's batch. */
export function suppressQueuedFor(db: Db, emailNormalized: string, lastError: string) {
  return db
    .update(outboxEmails)
    .set({ status: "suppressed", lastError, nextAttemptAt: null })
    .where(
      and(
        eq(outboxEmails.status, "queued"),
        sql`lower(trim(${outboxEmails.toEmail})) = ${emailNormalized}`,
      ),
    );
}

/** Suppression insert that keeps the first reason if the address is already there. */
function insertSuppression(
  db: Db,
  row: {
    emailNormalized: string;
    reason: SuppressionReason;
    sourceEventId?: string | null;
    note?: string | null;
    createdBy: string;
  },
) {
  return db
    .insert(suppressions)
    .values({
      emailNormalized: row.emailNormalized,
      reason: row.reason,
      sourceEventId: row.sourceEventId ?? null,
      note: row.note ?? null,
      createdBy: row.createdBy,
    })
    .onConflictDoNothing({ target: suppressions.emailNormalized });
}

// ------------------------------------------------------------------ webhooks

/** Most addresses one event may suppress (keeps the batch inside D1's per-request limits). */
export const MAX_EVENT_ADDRESSES = 20;

export interface ProviderEvent {
  /** The svix-id: the same on every redelivery of one event. */
  svixId: string;
  type: string;
  /** Set for events that suppress: bounce or complaint. */
  suppress: { reason: "bounce" | "complaint"; addresses: string[]; note: string | null } | null;
}

/** D1 reports `UNIQUE constraint failed: <table>.<column>`. */
const uniqueViolation = (e: unknown, table: string) =>
  errorText(e).includes(`UNIQUE constraint failed: ${table}.`);

/**
 * Records a verified provider event once. The webhook_events row and the
 * event's effect (suppressions, queued rows marked) are one batch, so a
 * crash leaves neither and the provider's retry redoes both; a redelivery
 * (same svix-id) finds the row and changes nothing. Two deliveries racing
 * both pass the read, and the second batch fails on the primary key: also a
 * duplicate.
 */
export async function recordProviderEvent(
  db: Db,
  event: ProviderEvent,
): Promise<{ duplicate: boolean; suppressed: number }> {
  const [seen] = await db
    .select({ svixId: webhookEvents.svixId })
    .from(webhookEvents)
    .where(eq(webhookEvents.svixId, event.svixId));
  if (seen) return { duplicate: true, suppressed: 0 };

  const sup = event.suppress;
  const addresses = sup ? [...new Set(sup.addresses)].slice(0, MAX_EVENT_ADDRESSES) : [];
  const why = sup ? suppressionError(sup.reason, `event ${event.svixId}`) : "";
  const effects = sup
    ? addresses.flatMap((email) => [
        insertSuppression(db, {
          emailNormalized: email,
          reason: sup.reason,
          sourceEventId: event.svixId,
          note: sup.note,
          createdBy: "webhook:resend",
        }),
        suppressQueuedFor(db, email, why),
      ])
    : [];
  try {
    await db.batch([
      db.insert(webhookEvents).values({ svixId: event.svixId, type: event.type }),
      ...effects,
    ]);
  } catch (e) {
    if (uniqueViolation(e, "webhook_events")) return { duplicate: true, suppressed: 0 };
    throw e;
  }
  return { duplicate: false, suppressed: addresses.length };
}

/** The longest provider text kept as a suppression note. */
const NOTE_MAX = 500;

/**
 * What a Resend event means for us. `email.bounced` is a hard bounce (Resend
 * reports soft ones as `email.delivery_delayed`); one explicitly typed
 * `Transient` is not suppressed. `email.complained` is a spam complaint.
 * Everything else is only recorded.
 * @see https://resend.com/docs/dashboard/webhooks/event-types
 */
export function interpretResendEvent(svixId: string, body: unknown): ProviderEvent {
  const event = (body ?? {}) as { type?: unknown; data?: unknown };
  const type = typeof event.type === "string" ? event.type.slice(0, 64) : "unknown";
  const data = (event.data && typeof event.data === "object" ? event.data : {}) as Record<
    string,
    unknown
  >;
  const recipients = Array.isArray(data.to) ? data.to : data.to === undefined ? [] : [data.to];
  const addresses = recipients
    .map(addressOf)
    .filter((a): a is string => a !== null)
    .slice(0, MAX_EVENT_ADDRESSES);

  if (type === "email.bounced") {
    const bounce = (data.bounce && typeof data.bounce === "object" ? data.bounce : {}) as Record<
      string,
      unknown
    >;
    const kind = typeof bounce.type === "string" ? bounce.type : null;
    if (kind && /^transient$/i.test(kind)) return { svixId, type, suppress: null };
    const message = typeof bounce.message === "string" ? bounce.message : null;
    const note = [kind, typeof bounce.subType === "string" ? bounce.subType : null, message]
      .filter(Boolean)
      .join(": ")
      .slice(0, NOTE_MAX);
    return { svixId, type, suppress: { reason: "bounce", addresses, note: note || null } };
  }
  if (type === "email.complained") {
    return { svixId, type, suppress: { reason: "complaint", addresses, note: null } };
  }
  return { svixId, type, suppress: null };
}

// ---------------------------------------------------------------- admin API

export type SuppressionRow = typeof suppressions.$inferSelect;

/** `%`, `_` and the escape character itself match literally in a LIKE pattern. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Newest first, keyset-paginated on (created_at, id); `q` is a substring of the address. */
export async function listSuppressions(
  db: Db,
  q: { cursor?: string | undefined; limit: number; q?: string | undefined },
) {
  const conditions = [];
  if (q.q) {
    conditions.push(
      like(suppressions.emailNormalized, sql`${likeContains(normalizeEmail(q.q))} ESCAPE '\\'`),
    );
  }
  conditions.push(olderThanCursor(suppressions.createdAt, suppressions.id, q.cursor));
  const rows = await db
    .select()
    .from(suppressions)
    .where(and(...conditions))
    .orderBy(desc(suppressions.createdAt), desc(suppressions.id))
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => ({ v: r.createdAt, id: r.id }));
}

/**
 * An admin suppresses an address by hand (a person asked never to be mailed,
 * a known-bad address). The insert has no ON CONFLICT: if the address is
 * already suppressed (whatever the reason) the unique index aborts the whole
 * batch, audit row included, and the caller gets 409.
 */
export async function createManualSuppression(
  db: Db,
  audit: AuditContext,
  input: { email: string; note?: string | null | undefined },
): Promise<SuppressionRow> {
  const email = normalizeEmail(input.email);
  const createdBy = audit.actorId ? `${audit.actorType}:${audit.actorId}` : audit.actorType;
  try {
    const [inserted] = await db.batch([
      db
        .insert(suppressions)
        .values({ emailNormalized: email, reason: "manual", note: input.note ?? null, createdBy })
        .returning(),
      suppressQueuedFor(db, email, suppressionError("manual")),
      // Audit rows outlive erasure, so they carry the masked address only.
      auditInsert(db, audit, {
        action: "suppression.create",
        targetType: "suppression",
        changes: { email: maskEmail(email), reason: "manual" },
      }),
    ]);
    return inserted[0]!;
  } catch (e) {
    if (uniqueViolation(e, "suppressions")) {
      throw new AppError("conflict", { detail: "This address is already suppressed" });
    }
    throw e;
  }
}

/**
 * Lifts a suppression: the address may get mail again from now on. Rows
 * already marked `suppressed` stay so (they were not sent; an admin can
 * re-send what matters).
 */
export async function liftSuppression(
  db: Db,
  audit: AuditContext,
  id: string,
): Promise<SuppressionRow> {
  const [existing] = await db.select().from(suppressions).where(eq(suppressions.id, id));
  if (!existing) throw notFound("Suppression");
  const [deleted] = await db.batch([
    db.delete(suppressions).where(eq(suppressions.id, id)).returning(),
    auditInsert(db, audit, {
      action: "suppression.lift",
      targetType: "suppression",
      targetId: id,
      changes: { email: maskEmail(existing.emailNormalized), reason: existing.reason },
    }),
  ]);
  if (deleted.length === 0) throw notFound("Suppression");
  return existing;
}
