/**
 * A new expected ship date: the campaign is updated and every customer with
 * an open order (pending_verification, reserved, confirmed: fulfilled orders
 * have shipped) gets one `ship_date_changed` email linking to their order
 * page, where they may cancel. Up to SHIP_DATE_INLINE_MAX orders the emails
 * are written in the same batch as the change; more go out from a
 * `ship_date_notice` job in chunks, its row committed with the change.
 *
 * Each message's dedupe key is `ship_date_changed:<order>:v<campaign version>`:
 * one email per order per change, however often a chunk is retried, and a
 * later change mails again. A job whose date has since been replaced stops
 * (the newer change mails everyone with the newer date).
 * @see ../../../../shared/DOMAIN.md "Pre-order", "Outbox email", "Jobs"
 */
import { and, asc, eq, gt, lte, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { campaigns, preorders } from "../../db/schema";
import { kickOutbox } from "../../email/outbox";
import type { JobsQueue } from "../../jobs/messages";
import { registerJobKind } from "../../jobs/registry";
import { enqueueJob } from "../../jobs/runner";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { abortUnless, STALE_GUARD_CHECK } from "../campaigns/statements";
import { errorText } from "../db-errors";
import { outboxFromSelect } from "./admin-outbox";

export const SHIP_DATE_INLINE_MAX = 500;
export const SHIP_DATE_CHUNK = 500;
/** Orders whose customer is told: open ones (not yet shipped, not ended). */
export const SHIP_NOTICE_STATUSES = ["pending_verification", "reserved", "confirmed"] as const;
const OPEN = sql.raw(SHIP_NOTICE_STATUSES.map((s) => `'${s}'`).join(", "));

const params = z.object({
  campaignId: z.string(),
  newDate: z.string(),
  oldDate: z.string().nullable(),
  /** The campaign version the change produced: part of every dedupe key. */
  version: z.number().int(),
  /** Orders created up to the change. */
  before: z.number().int(),
});
type NoticeParams = z.infer<typeof params>;
type NoticeState = { at: number; id: string };

/** The emails for the open orders matching `where` (one INSERT … SELECT). */
function noticeStatement(db: Db, p: NoticeParams, where: SQL, jobId: string | null, now: number) {
  return outboxFromSelect(
    db,
    { template: "ship_date_changed", jobId, now },
    sql`SELECT p.campaign_id, p.locale, p.email AS to_email,
        json_object('orderId', p.id, 'oldDate', ${p.oldDate}, 'newDate', ${p.newDate}) AS payload,
        'ship_date_changed:' || p.id || ':v' || ${p.version} AS dedupe_key,
        p.signup_id, p.id AS preorder_id
      FROM preorders p
      WHERE p.campaign_id = ${p.campaignId} AND p.status IN (${OPEN})
        AND p.email IS NOT NULL AND p.erased_at IS NULL AND ${where}`,
  );
}

export const shipDateNoticeJob = registerJobKind<NoticeParams, NoticeState>("ship_date_notice", {
  chunkSize: SHIP_DATE_CHUNK,
  maxQueries: 3,
  params,
  async run(db, env, job) {
    const p = job.params;
    const [current] = await db
      .select({ date: campaigns.expectedShipDate })
      .from(campaigns)
      .where(eq(campaigns.id, p.campaignId));
    if (current?.date !== p.newDate) {
      return { done: 0, failed: 0, nextState: null, result: { superseded: true } };
    }
    const after = job.state;
    const rows = await db
      .select({ id: preorders.id, at: preorders.createdAt })
      .from(preorders)
      .where(
        and(
          eq(preorders.campaignId, p.campaignId),
          sql`${preorders.status} IN (${OPEN})`,
          lte(preorders.createdAt, p.before),
          after
            ? or(
                gt(preorders.createdAt, after.at),
                and(eq(preorders.createdAt, after.at), gt(preorders.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(preorders.createdAt), asc(preorders.id))
      .limit(SHIP_DATE_CHUNK);
    const last = rows.at(-1);
    if (!last) return { done: 0, failed: 0, nextState: null };
    const ids = JSON.stringify(rows.map((r) => r.id));
    // The rows are queued when the runner's batch commits; the cron sweep is the backstop.
    await kickOutbox(env, { delaySeconds: 2 });
    return {
      done: rows.length,
      failed: 0,
      nextState: rows.length < SHIP_DATE_CHUNK ? null : { at: last.at, id: last.id },
      statements: [
        noticeStatement(
          db,
          p,
          sql`p.id IN (SELECT value FROM json_each(${ids}))`,
          job.id,
          Date.now(),
        ),
      ],
    };
  },
});

export interface ShipDateResult {
  previous: string | null;
  date: string;
  changed: boolean;
  /** Orders mailed in the request (inline), or to be mailed by the job. */
  notified: number;
  jobId: string | null;
}

export async function changeShipDate(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  input: { campaignId: string; date: string; note?: string | undefined },
  createdBy: string | null,
  now: number,
): Promise<ShipDateResult> {
  const [found, counted] = await db.batch([
    db
      .select({ date: campaigns.expectedShipDate, version: campaigns.version })
      .from(campaigns)
      .where(eq(campaigns.id, input.campaignId))
      .limit(1),
    db
      .select({ n: sql<number>`count(*)` })
      .from(preorders)
      .where(
        and(
          eq(preorders.campaignId, input.campaignId),
          sql`${preorders.status} IN (${OPEN})`,
          sql`${preorders.email} IS NOT NULL`,
        ),
      ),
  ]);
  const campaign = found[0];
  if (!campaign) throw notFound("Campaign");
  const previous = campaign.date;
  if (previous === input.date) {
    return { previous, date: input.date, changed: false, notified: 0, jobId: null };
  }
  const total = counted[0]?.n ?? 0;
  const p: NoticeParams = {
    campaignId: input.campaignId,
    newDate: input.date,
    oldDate: previous,
    version: campaign.version + 1,
    before: now,
  };
  const change = [
    abortUnless(db, input.campaignId, sql`version = ${campaign.version}`),
    db
      .update(campaigns)
      .set({ expectedShipDate: input.date, version: sql`version + 1`, updatedAt: now })
      .where(eq(campaigns.id, input.campaignId)),
  ];
  const event = (extra: Record<string, unknown>) =>
    auditInsert(db, audit, {
      action: "campaign.ship_date",
      targetType: "campaign",
      targetId: input.campaignId,
      campaignId: input.campaignId,
      changes: {
        expected_ship_date: { from: previous, to: input.date },
        ...(input.note ? { note: input.note } : {}),
        ...extra,
      },
    });
  try {
    if (total <= SHIP_DATE_INLINE_MAX) {
      await db.batch([
        change[0]!,
        change[1]!,
        noticeStatement(db, p, sql`true`, null, now),
        event({ notified: total }),
      ]);
      return { previous, date: input.date, changed: true, notified: total, jobId: null };
    }
    const job = await enqueueJob(db, queue, {
      kind: shipDateNoticeJob,
      campaignId: input.campaignId,
      params: p,
      total,
      createdBy,
      with: (jobId) => [...change, event({ notified: total, job_id: jobId })],
    });
    return { previous, date: input.date, changed: true, notified: total, jobId: job.id };
  } catch (e) {
    if (errorText(e).includes(STALE_GUARD_CHECK)) {
      throw new AppError("conflict", {
        detail: "The campaign changed while this request ran; retry",
      });
    }
    throw e;
  }
}
