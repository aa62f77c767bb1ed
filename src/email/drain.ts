/**
 * The outbox sender. One drain, run by a `presale-email` queue message:
 *
 *   1. claim   one UPDATE … RETURNING: up to `limit` due `queued` rows →
 *              `sending`, attempts + 1, next_attempt_at = now + lease.
 *   2. load    one SELECT: each row's signup / pre-order / campaign / personal
 *              invite and any global suppression of the address.
 *   3. filter  suppressed address, list mail to an unsubscribed signup, erased
 *              recipient → `suppressed` (last_error says why).
 *   4. group   rows into provider calls, each under one idempotency key:
 *              a single send keyed by the row id, or a batch (≤ 100) keyed by
 *              its sorted row ids. The key is written on the rows BEFORE the
 *              call (provider_message_id = `key:<key>` while unsent), so a
 *              retry after an ambiguous failure (5xx, network, a crash) repeats
 *              the same call and the provider's idempotency drops the duplicate.
 *   5. send    paced to EMAIL_SEND_RATE calls per second.
 *   6. record  one UPDATE … FROM json_each for every outcome, fenced by the
 *              lease (a row whose lease expired and was taken over is not
 *              touched by the late run).
 *   7. next    if rows are due, another drain message (now, or when the
 *              earliest backoff ends).
 *
 * D1: 5-7 queries per drain whatever the row count; every set is one bound
 * JSON parameter (json_each), never one statement per row.
 * @see ../../../shared/DOMAIN.md "Outbox email"
 */
import { sql } from "drizzle-orm";
import { EmailRenderError } from "../../emails/index";
import { loadSettings, type Settings } from "../config";
import type { Db } from "../db/client";
import type { EmailCategory, EmailTemplate, Locale } from "../db/schema/enums";
import type { Branding } from "../db/schema/types";
import { bytesToHex } from "../lib/crypto";
import { log } from "../lib/log";
import { type ComposeInput, composeEmail } from "./compose";
import { type EmailQueue, kickOutbox } from "./outbox";
import { type Clock, type Pacer, realClock, sharedPacer } from "./pacing";
import { providerFor } from "./providers/index";
import type { EmailProvider, OutgoingEmail, SendOutcome } from "./providers/types";

/** A claimed row stays ours this long; past it the cron sweep requeues it. */
export const OUTBOX_LEASE_MS = 5 * 60_000;
/** Attempts before a row is `failed` (retryable by an admin). */
export const EMAIL_MAX_ATTEMPTS = 8;
/** Rows claimed per drain (the outcome JSON stays far below D1's statement size). */
export const DRAIN_LIMIT = 500;
/** A drain stops calling the provider after this long; the rest go back to the queue. */
export const DRAIN_MAX_MS = 60_000;
/** Follow-up messages are scheduled up to this far ahead; later backoffs are left to the cron. */
const MAX_FOLLOW_UP_MS = 15 * 60_000;
const BACKOFF_BASE_MS = 15_000;
const BACKOFF_MAX_MS = 30 * 60_000;
const MAX_ERROR_CHARS = 300;
/** Queries a drain may use at most (claim, load, markers, outcomes, next due + slack). */
export const DRAIN_QUERIES = 10;

export const KEY_MARKER = "key:";

/** Exponential backoff with jitter: ~15 s, 30 s, 1 min, … ≤ 30 min, each × [0.5, 1). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() / 2));
}

/** The idempotency key of a batch: a digest of its sorted row ids (Resend allows 256 chars). */
export async function batchKey(rowIds: string[]): Promise<string> {
  const sorted = [...rowIds].sort().join(",");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sorted));
  return `b_${bytesToHex(new Uint8Array(digest))}`;
}

export interface DrainOptions {
  clock?: Clock;
  provider?: EmailProvider;
  pacer?: Pacer;
  settings?: Settings;
  /** Where follow-up drain messages go; null = none (tests drive drains themselves). */
  queue?: EmailQueue | Queue | null;
  limit?: number;
  /** Messages per provider call (≤ the provider's maxBatch). */
  batchSize?: number;
  maxAttempts?: number;
  maxDrainMs?: number;
  random?: () => number;
}

export interface DrainResult {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  suppressed: number;
  /** Claimed but not attempted (rate limit, time budget): back to queued, attempt refunded. */
  deferred: number;
  calls: number;
  /** When the provider was called (clock ms), for rate checks. */
  callTimes: number[];
  /** Earliest next_attempt_at of a queued row after the drain, or null. */
  nextDueAt: number | null;
  followUp: "now" | "delayed" | "none";
}

interface ClaimedRow {
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

interface ContextRow {
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

/** The row's final state, as written by the one outcome UPDATE. */
interface Outcome {
  id: string;
  /** status */
  s: "queued" | "sent" | "failed" | "suppressed";
  /** attempts delta (−1 refunds an attempt that never reached the provider) */
  da: number;
  /** next_attempt_at */
  n: number | null;
  /** last_error */
  e: string | null;
  /** provider_message_id (or the key marker while unsent) */
  p: string | null;
  /** sent_at */
  sa: number | null;
}

interface Group {
  key: string;
  emails: OutgoingEmail[];
}

const clip = (s: string) => s.slice(0, MAX_ERROR_CHARS);

function parsePayload(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function parseBranding(text: string | null): Branding {
  const v = text ? parsePayload(text) : {};
  return v as Branding;
}

export async function drainOutbox(
  db: Db,
  env: Env,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const settings = options.settings ?? loadSettings(env);
  const clock = options.clock ?? realClock;
  const provider = options.provider ?? providerFor(settings);
  const pacer = options.pacer ?? sharedPacer(settings.EMAIL_SEND_RATE);
  const queue = options.queue === undefined ? env.EMAIL_QUEUE : options.queue;
  const limit = Math.max(1, Math.min(options.limit ?? DRAIN_LIMIT, DRAIN_LIMIT));
  const batchSize = Math.max(
    1,
    Math.min(options.batchSize ?? provider.maxBatch, provider.maxBatch),
  );
  const maxAttempts = options.maxAttempts ?? EMAIL_MAX_ATTEMPTS;
  const maxDrainMs = options.maxDrainMs ?? DRAIN_MAX_MS;
  const random = options.random ?? Math.random;

  const result: DrainResult = {
    claimed: 0,
    sent: 0,
    retrying: 0,
    failed: 0,
    suppressed: 0,
    deferred: 0,
    calls: 0,
    callTimes: [],
    nextDueAt: null,
    followUp: "none",
  };

  const started = clock.now();
  const lease = started + OUTBOX_LEASE_MS;

  // 1. Claim. Rows that share a batch key marker are claimed together, so a
  // batch retried after an ambiguous failure is never split by the LIMIT.
  const claimed = await db.all<ClaimedRow>(sql`
    WITH due AS (
      SELECT id, provider_message_id AS marker FROM outbox_emails
      WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ${started})
      ORDER BY next_attempt_at, id LIMIT ${limit}
    )
    UPDATE outbox_emails
    SET status = 'sending', attempts = attempts + 1, next_attempt_at = ${lease}, updated_at = ${started}
    WHERE status = 'queued' AND (
      id IN (SELECT id FROM due)
      OR provider_message_id IN (SELECT marker FROM due WHERE marker LIKE 'key:b\\_%' ESCAPE '\\')
    )
    RETURNING id, template, category, locale, to_email, subject, payload, attempts,
              provider_message_id, erased`);
  result.claimed = claimed.length;
  if (!claimed.length) {
    return result;
  }

  // 2. Load what the links, copy and filters need.
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
  const context = new Map(contextRows.map((r) => [r.id, r]));

  const outcomes = new Map<string, Outcome>();
  const byId = new Map(claimed.map((r) => [r.id, r]));
  const finish = (id: string, o: Omit<Outcome, "id">) => outcomes.set(id, { id, ...o });
  const suppress = (id: string, why: string) =>
    finish(id, { s: "suppressed", da: 0, n: null, e: why, p: null, sa: null });
  const fail = (id: string, why: string) =>
    finish(id, { s: "failed", da: 0, n: null, e: clip(why), p: null, sa: null });

  // 3. Filter and compose.
  const outgoing: OutgoingEmail[] = [];
  for (const row of claimed) {
    const ctx = context.get(row.id);
    if (row.erased || !row.to_email) {
      suppress(row.id, "recipient erased");
      continue;
    }
    if (ctx?.sup_reason) {
      suppress(row.id, `address suppressed (${ctx.sup_reason})`);
      continue;
    }
    if (row.category === "list" && ctx?.s_unsub != null) {
      suppress(row.id, "unsubscribed from this campaign's list mail");
      continue;
    }
    const payload = parsePayload(row.payload);
    const input: ComposeInput = {
      id: row.id,
      template: row.template,
      category: row.category,
      locale: row.locale,
      to: row.to_email,
      subject: row.subject,
      payload,
      recipientName: ctx?.s_name ?? ctx?.p_name ?? ctx?.m_name ?? null,
      campaign:
        ctx?.c_id && ctx.c_slug && ctx.c_name
          ? {
              id: ctx.c_id,
              slug: ctx.c_slug,
              name: ctx.c_name,
              branding: parseBranding(ctx.c_branding),
              currency: ctx.c_currency ?? "USD",
              expectedShipDate: ctx.c_ship,
            }
          : null,
      records: {
        campaign: ctx?.c_id && ctx.c_slug ? { id: ctx.c_id, slug: ctx.c_slug } : null,
        signup: ctx?.s_id
          ? { id: ctx.s_id, tokenVersion: ctx.s_tv ?? 1, referralCode: ctx.s_ref }
          : null,
        preorder: ctx?.p_id ? { id: ctx.p_id, tokenVersion: ctx.p_tv ?? 1 } : null,
        loginLink:
          typeof payload.loginLinkId === "string"
            ? {
                id: payload.loginLinkId,
                version: typeof payload.loginVersion === "number" ? payload.loginVersion : 1,
              }
            : null,
        personalInvite: ctx?.i_tv != null ? { tokenVersion: ctx.i_tv } : null,
      },
    };
    try {
      outgoing.push(await composeEmail(settings, input));
    } catch (err) {
      if (err instanceof EmailRenderError || err instanceof RangeError) {
        fail(row.id, `cannot render: ${err.message}`);
      } else {
        throw err;
      }
    }
  }

  // 4. Group. A row that carries a key marker was already sent under that key
  // (the reply was lost): repeat exactly that call. Fresh rows are batched.
  const groups: Group[] = [];
  const marked = new Map<string, OutgoingEmail[]>();
  const fresh: OutgoingEmail[] = [];
  for (const email of outgoing) {
    const marker = byId.get(email.rowId)?.provider_message_id;
    if (marker?.startsWith(KEY_MARKER)) {
      const key = marker.slice(KEY_MARKER.length);
      marked.set(key, [...(marked.get(key) ?? []), email]);
    } else fresh.push(email);
  }
  for (const [key, emails] of marked) {
    if (emails.length === 1 && key === emails[0]?.rowId) groups.push({ key, emails });
    else if (key === (await batchKey(emails.map((e) => e.rowId)))) {
      groups.push({ key, emails: emails.sort((a, b) => (a.rowId < b.rowId ? -1 : 1)) });
    } else {
      // Part of the batch left (suppressed since, or retried by an admin):
      // send the rest one by one under their own ids.
      log("warn", "outbox batch group broken; sending its rows singly", {
        key,
        rows: emails.length,
      });
      for (const e of emails) groups.push({ key: e.rowId, emails: [e] });
    }
  }
  fresh.sort((a, b) => (a.rowId < b.rowId ? -1 : 1));
  for (let i = 0; i < fresh.length; i += batchSize) {
    const emails = fresh.slice(i, i + batchSize);
    const key =
      emails.length === 1
        ? (emails[0] as OutgoingEmail).rowId
        : await batchKey(emails.map((e) => e.rowId));
    groups.push({ key, emails });
  }

  // Write every group's key before calling the provider (crash safety).
  const markers = groups.flatMap((g) =>
    g.emails
      .filter((e) => byId.get(e.rowId)?.provider_message_id !== `${KEY_MARKER}${g.key}`)
      .map((e) => ({ id: e.rowId, m: `${KEY_MARKER}${g.key}` })),
  );
  if (markers.length) {
    await db.run(sql`
      UPDATE outbox_emails AS o SET provider_message_id = j.value ->> 'm'
      FROM json_each(${JSON.stringify(markers)}) AS j
      WHERE o.id = j.value ->> 'id' AND o.status = 'sending' AND o.next_attempt_at = ${lease}`);
  }

  // 5. Send, paced.
  const queueOfGroups = [...groups];
  let stopUntil: number | null = null;
  let stopped = false;
  while (queueOfGroups.length) {
    const group = queueOfGroups.shift() as Group;
    const rowIds = group.emails.map((e) => e.rowId);
    const attemptsOf = (id: string) => byId.get(id)?.attempts ?? 1;
    const originalMarker = (id: string) => byId.get(id)?.provider_message_id ?? null;

    if (stopped || clock.now() - started >= maxDrainMs) {
      // Never reached the provider: back to the queue, the attempt refunded.
      for (const id of rowIds) {
        finish(id, {
          s: "queued",
          da: -1,
          n: stopUntil ?? clock.now(),
          e: null,
          p: originalMarker(id),
          sa: null,
        });
      }
      result.deferred += rowIds.length;
      continue;
    }

    if (provider.paced) await pacer.take(clock);
    result.calls += 1;
    result.callTimes.push(clock.now());
    let outcome: SendOutcome;
    try {
      outcome = await provider.send(group.emails, group.key);
    } catch (err) {
      outcome = {
        kind: "retry",
        error: clip(`network: ${err instanceof Error ? err.message : String(err)}`),
        status: null,
        rateLimited: false,
        ambiguous: true,
        stopDrain: false,
      };
    }
    const now = clock.now();

    if (outcome.kind === "sent") {
      group.emails.forEach((e, i) => {
        const providerId = outcome.ids[i] ?? null;
        finish(e.rowId, {
          s: "sent",
          da: 0,
          n: null,
          e: outcome.note ? clip(`treated as sent: ${outcome.note}`) : null,
          p: providerId,
          sa: now,
        });
      });
      continue;
    }

    if (outcome.kind === "rejected") {
      if (group.emails.length > 1) {
        // A strict batch delivers nothing when one message is invalid: find it by sending singly.
        queueOfGroups.unshift(...group.emails.map((e) => ({ key: e.rowId, emails: [e] })));
        continue;
      }
      for (const id of rowIds) fail(id, `rejected by ${provider.name}: ${outcome.error}`);
      continue;
    }

    // retry
    if (outcome.rateLimited) {
      const until = now + (outcome.retryAfterMs ?? 1000);
      pacer.holdUntil(until);
      stopUntil = until;
      stopped = true;
      for (const id of rowIds) {
        finish(id, {
          s: "queued",
          da: -1,
          n: until,
          e: clip(outcome.error),
          p: originalMarker(id),
          sa: null,
        });
      }
      result.deferred += rowIds.length;
      continue;
    }
    if (outcome.stopDrain) stopped = true;
    const wait = backoffMs(Math.max(...rowIds.map(attemptsOf)), random);
    for (const id of rowIds) {
      if (attemptsOf(id) >= maxAttempts) {
        fail(id, `gave up after ${attemptsOf(id)} attempts: ${outcome.error}`);
      } else {
        finish(id, {
          s: "queued",
          da: 0,
          n: now + wait,
          e: clip(outcome.error),
          // Ambiguous: keep the key so the retry repeats this exact call.
          p: outcome.ambiguous ? `${KEY_MARKER}${group.key}` : originalMarker(id),
          sa: null,
        });
      }
    }
  }

  // 6. Record every outcome, fenced by the lease.
  const all = [...outcomes.values()];
  for (const o of all) {
    if (o.s === "sent") result.sent += 1;
    else if (o.s === "failed") result.failed += 1;
    else if (o.s === "suppressed") result.suppressed += 1;
    else if (o.da === 0) result.retrying += 1;
  }
  const writeNow = clock.now();
  const chunks: Outcome[][] = [];
  for (let i = 0; i < all.length; i += 250) chunks.push(all.slice(i, i + 250));
  // Sequential, not db.batch: each chunk is fenced on its own, and drizzle's
  // D1 batch cannot carry raw statements with bound parameters.
  for (const chunk of chunks) {
    await db.run(sql`
      UPDATE outbox_emails AS o SET
        status = j.value ->> 's',
        attempts = max(0, o.attempts + (j.value ->> 'da')),
        next_attempt_at = j.value ->> 'n',
        last_error = j.value ->> 'e',
        provider_message_id = j.value ->> 'p',
        sent_at = j.value ->> 'sa',
        updated_at = ${writeNow}
      FROM json_each(${JSON.stringify(chunk)}) AS j
      WHERE o.id = j.value ->> 'id' AND o.status = 'sending' AND o.next_attempt_at = ${lease}`);
  }

  // 7. More due? Keep the chain going (the cron sweep is the safety net).
  const [next] = await db.all<{ next: number | null }>(sql`
    SELECT min(next_attempt_at) AS next FROM outbox_emails WHERE status = 'queued'`);
  result.nextDueAt = next?.next ?? null;
  if (result.nextDueAt !== null && queue) {
    const delay = result.nextDueAt - clock.now();
    if (delay <= 0) {
      result.followUp = (await kickOutbox({ EMAIL_QUEUE: queue })) ? "now" : "none";
    } else if (delay <= MAX_FOLLOW_UP_MS) {
      const ok = await kickOutbox(
        { EMAIL_QUEUE: queue },
        { delaySeconds: Math.ceil(delay / 1000) },
      );
      result.followUp = ok ? "delayed" : "none";
    }
  }

  log("info", "outbox drained", {
    provider: provider.name,
    claimed: result.claimed,
    sent: result.sent,
    retrying: result.retrying,
    failed: result.failed,
    suppressed: result.suppressed,
    deferred: result.deferred,
    calls: result.calls,
    ms: clock.now() - started,
  });
  return result;
}
