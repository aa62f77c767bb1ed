import { and, desc, eq, like, sql } from "drizzle-orm";
import { isEmailTemplate, type RenderedEmail, renderEmail, sampleContext } from "../../emails";
import type { Db } from "../db/client";
import { outboxEmails } from "../db/schema";
import type { EmailTemplate, Locale, OutboxStatus } from "../db/schema/enums";
import type { Json, JsonObject } from "../db/schema/types";
import { retryEmail } from "../email";
import { AppError, notFound } from "../lib/errors";
import { olderThanCursor, pageOf } from "../lib/pagination";
import { type AuditContext, auditInsert } from "./audit";
import { likeContains } from "./suppressions";

/**
 * The outbox as admins see it (CONTRACT.md: `emails` — "outbox, links
 * redacted"). Rows hold ids and data, not links, and links are rendered at
 * send time; still, anything link- or token-shaped in a payload, subject,
 * dedupe key or provider error is redacted before it leaves, so a viewer
 * can never read someone's sign-in, order or unsubscribe link (or a personal
 * invite code) off this API, whatever a future writer puts in a row.
 */

export const REDACTED = "[redacted]";

/** Payload keys whose values are secrets or links whatever they look like. */
const SECRET_KEY =
  /(token|secret|passw|link|url|uri|href|code|key|signature|otp|session|cookie|auth)/i;

/** Anything with a scheme: https://…, mailto:…, and friends. */
const SCHEMED = /\b(?:[a-z][a-z0-9+.-]{1,15}:\/\/|mailto:|data:|javascript:)[^\s"'<>]*/gi;
/** A path into one of the token routes, even without a host (`/s/…`, `/admin/login/…`). */
const TOKEN_PATH =
  /\/(?:s|o|c|confirm|verify|unsubscribe|admin\/login|login)\/[A-Za-z0-9._~%-]{6,}[^\s"'<>]*/g;
/** Our customer tokens: base64url payload "." 128-bit base64url MAC (src/lib/tokens.ts). */
const LINK_TOKEN = /[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g;
/** `Bearer …` credentials in provider error texts. */
const BEARER = /\bBearer\s+\S+/gi;
/** Invite codes as shown to people: Crockford base32 groups, e.g. K7M2-Q9XD-4TPA-7. */
const INVITE_CODE =
  /(?<![A-Za-z0-9])[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4})+(?:-[0-9A-Z*~$=])?(?![A-Za-z0-9])/g;
/** Long opaque strings (API keys, session ids, digests): 32+ URL-safe characters in a row. */
const OPAQUE = /[A-Za-z0-9_+/=-]{32,}/g;
/** Opaque-looking strings that are fine to show: our ids and provider UUIDs. */
const SAFE_OPAQUE = [
  /^[a-z]{3}_[0-9a-z]{26}$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
];

/** A string with every link, token and code replaced by `[redacted]`. */
export function redactText(text: string): string {
  return text
    .replace(SCHEMED, REDACTED)
    .replace(TOKEN_PATH, REDACTED)
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(LINK_TOKEN, REDACTED)
    .replace(INVITE_CODE, REDACTED)
    .replace(OPAQUE, (m) => (SAFE_OPAQUE.some((re) => re.test(m)) ? m : REDACTED));
}

export function redactNullable(text: string | null): string | null {
  return text === null ? null : redactText(text);
}

/** The payload with secret-named keys blanked and every string redacted (bounded depth). */
export function redactJson(value: Json, depth = 0): Json {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && v !== null && typeof v !== "boolean"
        ? REDACTED
        : redactJson(v, depth + 1);
  }
  return out;
}

export type OutboxRow = typeof outboxEmails.$inferSelect;

/** A row safe to show a viewer. */
export function redactRow(row: OutboxRow): OutboxRow {
  return {
    ...row,
    subject: redactNullable(row.subject),
    payload: redactJson(row.payload) as JsonObject,
    dedupeKey: redactNullable(row.dedupeKey),
    lastError: redactNullable(row.lastError),
  };
}

export interface OutboxFilter {
  cursor?: string | undefined;
  limit: number;
  status?: OutboxStatus | undefined;
  template?: EmailTemplate | undefined;
  campaign_id?: string | undefined;
  /** Part of the recipient address, case-insensitive. */
  to?: string | undefined;
}

/** Newest first, keyset-paginated on (created_at, id); rows redacted. */
export async function listOutbox(db: Db, q: OutboxFilter) {
  const conditions = [];
  if (q.status) conditions.push(eq(outboxEmails.status, q.status));
  if (q.template) conditions.push(eq(outboxEmails.template, q.template));
  if (q.campaign_id) conditions.push(eq(outboxEmails.campaignId, q.campaign_id));
  if (q.to) {
    conditions.push(like(outboxEmails.toEmail, sql`${likeContains(q.to)} ESCAPE '\\'`));
  }
  conditions.push(olderThanCursor(outboxEmails.createdAt, outboxEmails.id, q.cursor));
  const rows = await db
    .select()
    .from(outboxEmails)
    .where(and(...conditions))
    .orderBy(desc(outboxEmails.createdAt), desc(outboxEmails.id))
    .limit(q.limit + 1);
  const page = pageOf(rows, q.limit, (r) => ({ v: r.createdAt, id: r.id }));
  return { items: page.items.map(redactRow), next_cursor: page.next_cursor };
}

/** One row, redacted; 404 if there is none. */
export async function getOutboxEmail(db: Db, id: string): Promise<OutboxRow> {
  const [row] = await db.select().from(outboxEmails).where(eq(outboxEmails.id, id));
  if (!row) throw notFound("Email");
  return redactRow(row);
}

/**
 * An admin's retry of a `failed` row, through the outbox's own `retryEmail`
 * (failed → queued, due now, fresh attempts). 409 for any other status.
 * The audit row follows the requeue as its own statement: `retryEmail` runs
 * its conditional update itself, and the audit must only be written when it
 * took effect. The caller kicks the outbox after.
 */
export async function retryOutboxEmail(
  db: Db,
  audit: AuditContext,
  id: string,
): Promise<OutboxRow> {
  const result = await retryEmail(db, id);
  if (result === "not_found") throw notFound("Email");
  if (result === "not_failed") {
    throw new AppError("conflict", { detail: "Only a failed email can be retried" });
  }
  const [[row]] = await db.batch([
    db.select().from(outboxEmails).where(eq(outboxEmails.id, id)),
    auditInsert(db, audit, { action: "email.retry", targetType: "email", targetId: id }),
  ]);
  if (!row) throw notFound("Email");
  return redactRow(row);
}

/**
 * A template rendered with its sample data and placeholder links (never a
 * real token), for the dashboard's preview. Unknown template: 404.
 */
export function previewEmail(template: string, locale: Locale): RenderedEmail {
  if (!isEmailTemplate(template)) {
    throw new AppError("not_found", { detail: "No such email template" });
  }
  return renderEmail(template, sampleContext(template, locale));
}
