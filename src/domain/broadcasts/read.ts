/** Broadcasts as admins see them: segment, text, progress, email counts and an ETA. */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { broadcasts, jobs } from "../../db/schema";
import { estimateDrainSeconds } from "../../email/pacing";
import { olderThanCursor, pageOf } from "../../lib/pagination";
import { iso } from "../../lib/wire";
import type { BroadcastJobParams } from "./content";

/**
 * The broadcast's outbox rows by status, found by their dedupe keys
 * (`broadcast:<id>:…`) as a range on outbox_dedupe_key_unique.
 */
const emailCounts = sql<string>`(SELECT json_object(
    'queued', coalesce(sum(o.status IN ('queued', 'sending')), 0),
    'sent', coalesce(sum(o.status = 'sent'), 0),
    'failed', coalesce(sum(o.status = 'failed'), 0),
    'suppressed', coalesce(sum(o.status = 'suppressed'), 0),
    'written', count(*))
  FROM outbox_emails o
  WHERE o.dedupe_key >= 'broadcast:' || ${broadcasts.id} || ':'
    AND o.dedupe_key < 'broadcast:' || ${broadcasts.id} || ';')`;

export function broadcastQuery(db: Db) {
  return db
    .select({
      b: broadcasts,
      jobStatus: jobs.status,
      jobDone: jobs.done,
      jobTotal: jobs.total,
      jobParams: jobs.params,
      jobError: jobs.error,
      emails: emailCounts,
    })
    .from(broadcasts)
    .leftJoin(jobs, eq(jobs.id, broadcasts.jobId));
}

export type BroadcastView = Awaited<ReturnType<ReturnType<typeof broadcastQuery>["where"]>>[number];

export async function listBroadcasts(
  db: Db,
  campaignId: string,
  q: { cursor?: string | undefined; limit: number },
) {
  const conditions = [
    eq(broadcasts.campaignId, campaignId),
    olderThanCursor(broadcasts.createdAt, broadcasts.id, q.cursor),
  ];
  const rows = await broadcastQuery(db)
    .where(and(...conditions))
    .orderBy(desc(broadcasts.createdAt), desc(broadcasts.id))
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => ({ v: r.b.createdAt, id: r.b.id }));
}

interface EmailCounts {
  queued: number;
  sent: number;
  failed: number;
  suppressed: number;
  written: number;
}

function parseCounts(text: string | null): EmailCounts {
  const zero = { queued: 0, sent: 0, failed: 0, suppressed: 0, written: 0 };
  try {
    return { ...zero, ...(text ? (JSON.parse(text) as Partial<EmailCounts>) : {}) };
  } catch {
    return zero;
  }
}

/** `sendRate`: provider calls per second (EMAIL_SEND_RATE), for the ETA. */
export function broadcastToWire(v: BroadcastView, sendRate: number) {
  const { b } = v;
  const params = (v.jobParams ?? {}) as Partial<BroadcastJobParams>;
  const emails = parseCounts(v.emails);
  const recipients = b.recipientCount ?? 0;
  const writing = v.jobStatus === "queued" || v.jobStatus === "running";
  // Still to send: rows queued, plus rows the job has yet to write.
  const pending = emails.queued + (writing ? Math.max(0, recipients - emails.written) : 0);
  return {
    id: b.id,
    campaign_id: b.campaignId,
    idempotency_key: b.idempotencyKey,
    segment: b.segment,
    subject: b.subject,
    body: b.body,
    locale: params.locale ?? null,
    action_url: params.actionUrl ?? null,
    action_label: params.actionLabel ?? null,
    recipient_count: recipients,
    status: v.jobStatus ?? "queued",
    job_id: b.jobId,
    error: v.jobStatus === "failed" ? v.jobError : null,
    emails: {
      written: emails.written,
      queued: emails.queued,
      sent: emails.sent,
      failed: emails.failed,
      suppressed: emails.suppressed,
    },
    eta_seconds: estimateDrainSeconds(pending, sendRate),
    created_at: iso(b.createdAt),
  };
}
