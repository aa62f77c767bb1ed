/**
 * Bulk confirm: every `reserved` order of a campaign (optionally only those
 * with a line of one variant) → `confirmed`. Up to BULK_CONFIRM_INLINE_MAX
 * orders in the request (one UPDATE and its audit row, one batch); more as a
 * `bulk_confirm` job in chunks, with progress at /v1/admin/jobs/{id}.
 *
 * The set is "reserved when the admin asked": orders created after the
 * request are left alone (they have not been looked at). Each statement
 * re-checks `status = 'reserved'`, so an order cancelled or expired meanwhile
 * is skipped, never revived (the `preorders_final_status` trigger would also
 * refuse it).
 * @see ../../../../shared/DOMAIN.md "Pre-order", "Jobs"
 */
import { and, asc, eq, lte, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { campaigns, preorders, variants } from "../../db/schema";
import type { JobsQueue } from "../../jobs/messages";
import { registerJobKind } from "../../jobs/registry";
import { enqueueJob } from "../../jobs/runner";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";

export const BULK_CONFIRM_INLINE_MAX = 1000;
export const BULK_CONFIRM_CHUNK = 500;

const params = z.object({
  campaignId: z.string(),
  variantId: z.string().nullable(),
  /** Orders created at or before this instant (UTC ms): the set the admin asked for. */
  before: z.number().int(),
});
type BulkParams = z.infer<typeof params>;

function reservedOf(p: BulkParams): SQL {
  return and(
    eq(preorders.campaignId, p.campaignId),
    eq(preorders.status, "reserved"),
    lte(preorders.createdAt, p.before),
    p.variantId
      ? sql`EXISTS (SELECT 1 FROM preorder_items i WHERE i.preorder_id = ${preorders.id} AND i.variant_id = ${p.variantId})`
      : undefined,
  ) as SQL;
}

const confirmColumns = (now: number) => ({
  status: "confirmed" as const,
  confirmedAt: now,
  holdExpiresAt: null,
  updatedAt: now,
});

export const bulkConfirmJob = registerJobKind<BulkParams>("bulk_confirm", {
  chunkSize: BULK_CONFIRM_CHUNK,
  maxQueries: 2,
  params,
  async run(db, _env, job) {
    const ids = await db
      .select({ id: preorders.id })
      .from(preorders)
      .where(reservedOf(job.params))
      .orderBy(asc(preorders.createdAt), asc(preorders.id))
      .limit(BULK_CONFIRM_CHUNK);
    if (!ids.length) return { done: 0, failed: 0, nextState: null };
    const list = JSON.stringify(ids.map((r) => r.id));
    return {
      done: ids.length,
      failed: 0,
      // Confirmed rows drop out of the next read: no cursor needed.
      nextState: ids.length < BULK_CONFIRM_CHUNK ? null : {},
      statements: [
        db
          .update(preorders)
          .set(confirmColumns(Date.now()))
          .where(
            and(
              sql`${preorders.id} IN (SELECT value FROM json_each(${list}))`,
              eq(preorders.status, "reserved"),
            ),
          ),
      ],
    };
  },
});

export type BulkConfirmResult =
  | { mode: "done"; confirmed: number }
  | { mode: "job"; jobId: string; total: number };

export async function bulkConfirm(
  db: Db,
  queue: JobsQueue,
  audit: AuditContext,
  input: { campaignId: string; variantId?: string | undefined },
  createdBy: string | null,
  now: number,
): Promise<BulkConfirmResult> {
  const p: BulkParams = {
    campaignId: input.campaignId,
    variantId: input.variantId ?? null,
    before: now,
  };
  const [campaign, variant, counted] = await db.batch([
    db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, p.campaignId)).limit(1),
    db
      .select({ id: variants.id })
      .from(variants)
      .where(and(eq(variants.id, p.variantId ?? ""), eq(variants.campaignId, p.campaignId)))
      .limit(1),
    db.select({ n: sql<number>`count(*)` }).from(preorders).where(reservedOf(p)),
  ]);
  if (!campaign[0]) throw notFound("Campaign");
  if (p.variantId && !variant[0]) {
    throw new AppError("validation_failed", {
      detail: "No such variant in this campaign",
      errors: [{ path: "variant_id", message: "No such variant in this campaign" }],
    });
  }
  const total = counted[0]?.n ?? 0;
  const event = {
    action: "preorder.bulk_confirm",
    targetType: "campaign",
    targetId: p.campaignId,
    campaignId: p.campaignId,
  };
  if (total <= BULK_CONFIRM_INLINE_MAX) {
    if (total === 0) return { mode: "done", confirmed: 0 };
    const [updated] = await db.batch([
      db
        .update(preorders)
        .set(confirmColumns(now))
        .where(reservedOf(p))
        .returning({ id: preorders.id }),
      auditInsert(db, audit, { ...event, changes: { variant_id: p.variantId, count: total } }),
    ]);
    return { mode: "done", confirmed: updated.length };
  }
  const job = await enqueueJob(db, queue, {
    kind: bulkConfirmJob,
    campaignId: p.campaignId,
    params: p,
    total,
    createdBy,
    with: (jobId) => [
      auditInsert(db, audit, {
        ...event,
        changes: { variant_id: p.variantId, count: total, job_id: jobId },
      }),
    ],
  });
  return { mode: "job", jobId: job.id, total };
}
