/**
 * The transactional outbox: whatever causes an email puts its row in the same
 * `db.batch()` as the business change, so the change and its email commit or
 * fail together. Rows hold ids and template data, never links or tokens
 * (those are rendered at send time, src/email/links.ts). After the batch
 * commits, `kickOutbox(env)` (in waitUntil) starts delivery; if that message
 * is lost the cron sweep finds the due rows anyway.
 *
 *   await db.batch([db.insert(signups).values(…), outboxInsert(db, {…}, now)]);
 *   c.executionCtx.waitUntil(kickOutbox(c.env));
 *
 * @see ../../../shared/DOMAIN.md "Outbox email"
 */
import { and, eq, sql } from "drizzle-orm";
import type { DataFor } from "../../emails/types";
import type { Db } from "../db/client";
import { outboxEmails } from "../db/schema";
import { newId } from "../db/schema/columns";
import { type EmailTemplate, emailTemplateCategories, type Locale } from "../db/schema/enums";
import type { JsonObject } from "../db/schema/types";
import type { EmailDrainMessage } from "../jobs/messages";
import { log } from "../lib/log";

/**
 * What the template needs besides its links, as stored in the payload: the
 * template's `data` (emails/types.ts) minus secrets derived at send time (the
 * personal invite `code`), plus the ids some links are derived from.
 */
export type PayloadFor<K extends EmailTemplate> = Omit<DataFor<K>, "code"> &
  (K extends "login_link" ? { loginLinkId: string } : unknown) &
  (K extends "broadcast" ? { actionUrl?: string | null } : unknown);

export interface OutboxInput<K extends EmailTemplate = EmailTemplate> {
  template: K;
  /** The recipient address as given. */
  to: string;
  locale?: Locale;
  campaignId?: string | null;
  payload: PayloadFor<K>;
  signupId?: string | null;
  preorderId?: string | null;
  memberId?: string | null;
  jobId?: string | null;
  /**
   * Makes the insert a no-op when a row with this key exists (a retried job
   * chunk, a double click), e.g. `invitation:<signup id>`.
   */
  dedupeKey?: string | null;
  /** A custom subject (broadcasts); otherwise the template's. */
  subject?: string | null;
  /** The row id, when the caller needs it before the batch runs. */
  id?: string;
  /** First delivery no earlier than this (UTC ms); default `now`. */
  sendAt?: number;
}

/**
 * The outbox row insert for the caller's `db.batch()`. The category comes from
 * the template. With a `dedupeKey`, a second insert of the same key does
 * nothing (the first row stands); other constraint failures abort the batch.
 */
export function outboxInsert<K extends EmailTemplate>(db: Db, input: OutboxInput<K>, now: number) {
  const values = {
    id: input.id ?? newId("eml"),
    campaignId: input.campaignId ?? null,
    template: input.template,
    category: emailTemplateCategories[input.template],
    locale: input.locale ?? "en",
    toEmail: input.to,
    subject: input.subject ?? null,
    payload: input.payload as unknown as JsonObject,
    dedupeKey: input.dedupeKey ?? null,
    status: "queued" as const,
    attempts: 0,
    nextAttemptAt: input.sendAt ?? now,
    signupId: input.signupId ?? null,
    preorderId: input.preorderId ?? null,
    memberId: input.memberId ?? null,
    jobId: input.jobId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  return db
    .insert(outboxEmails)
    .values(values)
    .onConflictDoNothing({ target: outboxEmails.dedupeKey });
}

/** One recipient of a set-based insert. */
export interface OutboxManyRow {
  to: string;
  locale?: Locale;
  signupId?: string | null;
  preorderId?: string | null;
  memberId?: string | null;
  dedupeKey?: string | null;
  /** Merged over the shared payload. */
  payload?: JsonObject;
}

export interface OutboxManyInput<K extends EmailTemplate = EmailTemplate> {
  template: K;
  campaignId?: string | null;
  jobId?: string | null;
  subject?: string | null;
  /** Shared by every row (e.g. a broadcast's text); rows may add their own fields. */
  payload?: Partial<PayloadFor<K>> | JsonObject;
  rows: OutboxManyRow[];
  sendAt?: number;
}

/** JSON bytes per INSERT … SELECT statement (D1: 100 KB per statement, and one bound parameter). */
const MANY_BYTES_PER_STATEMENT = 90_000;

/**
 * Many outbox rows (a wave, a broadcast chunk) as few statements: each is
 * `INSERT … SELECT … FROM json_each(?)` with one bound parameter, so a
 * thousand rows cost a handful of queries and never hit the 100-parameter
 * limit. Returns the statements for the caller's `db.batch()` (with the
 * business change). Rows with a `dedupeKey` already present are skipped.
 */
export function outboxInsertMany<K extends EmailTemplate>(
  db: Db,
  input: OutboxManyInput<K>,
  now: number,
) {
  const category = emailTemplateCategories[input.template];
  const shared = (input.payload ?? {}) as JsonObject;
  const at = input.sendAt ?? now;
  const groups: string[][] = [];
  let group: string[] = [];
  let bytes = 0;
  for (const row of input.rows) {
    const text = JSON.stringify({
      id: newId("eml"),
      to: row.to,
      locale: row.locale ?? "en",
      signupId: row.signupId ?? null,
      preorderId: row.preorderId ?? null,
      memberId: row.memberId ?? null,
      dedupeKey: row.dedupeKey ?? null,
      payload: row.payload ? { ...shared, ...row.payload } : shared,
    });
    if (bytes + text.length > MANY_BYTES_PER_STATEMENT && group.length) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(text);
    bytes += text.length + 1;
  }
  if (group.length) groups.push(group);

  // Drizzle lists every column in table order for INSERT … SELECT; keep this
  // SELECT in that order. `WHERE true` keeps SQLite from reading ON CONFLICT
  // as a join constraint.
  return groups.map((g) =>
    db
      .insert(outboxEmails)
      .select(
        sql`SELECT j.value ->> 'id', ${input.campaignId ?? null}, ${input.template}, ${category},
          j.value ->> 'locale', j.value ->> 'to', ${input.subject ?? null},
          json(j.value -> 'payload'), j.value ->> 'dedupeKey',
          'queued', 0, ${at}, NULL, NULL, j.value ->> 'signupId', j.value ->> 'preorderId',
          j.value ->> 'memberId', ${input.jobId ?? null}, 0, ${now}, ${now}, NULL
        FROM json_each(${`[${g.join(",")}]`}) AS j WHERE true`,
      )
      .onConflictDoNothing({ target: outboxEmails.dedupeKey }),
  );
}

/** The producer side of `presale-email`. */
export type EmailQueue = Queue<EmailDrainMessage>;

/**
 * Asks the consumer to drain the outbox now. Call after the batch that wrote
 * the rows has committed, typically in `waitUntil`. Never throws: if the send
 * fails the cron sweep delivers the rows within a minute or so.
 */
export async function kickOutbox(
  env: { EMAIL_QUEUE: Queue | EmailQueue },
  options: { delaySeconds?: number } = {},
): Promise<boolean> {
  try {
    await (env.EMAIL_QUEUE as EmailQueue).send(
      { type: "email_drain" },
      options.delaySeconds
        ? { delaySeconds: Math.min(43_200, Math.ceil(options.delaySeconds)) }
        : {},
    );
    return true;
  } catch (err) {
    log("warn", "outbox kick failed; the cron sweep will deliver", {
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

/**
 * At most one outbox kick a second per isolate, for hot paths (signups,
 * pre-orders): one drain sends every due row, so under load a kick per request
 * would only wake the sender for nothing. A kick never fires before the rows
 * it is for were committed; the cron sweep is the backstop.
 */
const KICK_GAP_MS = 1000;
let lastKickAt = Number.NEGATIVE_INFINITY;
export function kickOutboxSoon(
  env: { EMAIL_QUEUE: Queue | EmailQueue },
  now: number = Date.now(),
): Promise<unknown> {
  if (lastKickAt >= now) return Promise.resolve();
  if (now - lastKickAt >= KICK_GAP_MS) {
    lastKickAt = now;
    return kickOutbox(env);
  }
  lastKickAt = now + KICK_GAP_MS;
  return kickOutbox(env, { delaySeconds: KICK_GAP_MS / 1000 });
}

/** Why list mail to an unsubscribed signup did not go (outbox last_error), wherever it was stopped. */
export const UNSUBSCRIBED_REASON = "unsubscribed from this campaign's list mail";

export type RetryEmailResult = "requeued" | "not_found" | "not_failed";

/**
 * An admin's retry of a `failed` row: back to `queued`, due now, attempts
 * reset (a fresh retry budget). Other statuses are left alone. Kick the outbox
 * after (`kickOutbox`) to send it at once.
 */
export async function retryEmail(db: Db, id: string, now = Date.now()): Promise<RetryEmailResult> {
  const rows = await db
    .update(outboxEmails)
    .set({
      status: "queued",
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      // Drop a batch marker (drain.ts): it is sent on its own from now on.
      providerMessageId: null,
      updatedAt: now,
    })
    .where(and(eq(outboxEmails.id, id), eq(outboxEmails.status, "failed")))
    .returning({ id: outboxEmails.id });
  if (rows.length) return "requeued";
  const [row] = await db
    .select({ status: outboxEmails.status })
    .from(outboxEmails)
    .where(eq(outboxEmails.id, id));
  return row ? "not_failed" : "not_found";
}
