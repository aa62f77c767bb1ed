/**
 * The one-time CSV of a `generate_invites` job: the plaintext of its codes,
 * re-made from the job's key (./generate-job.ts), which the same batch
 * deletes. A second download finds no key and gets 404: the codes were shown
 * once, like inline ones. Two downloads racing each other are serialised by
 * D1 (a batch is one transaction), so only one of them gets the codes.
 * @see ../../../../shared/DOMAIN.md "Secrets"
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobs } from "../../db/schema";
import { formatCode } from "../../lib/base32";
import { AppError, notFound } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { csvRow } from "../signups/csv";
import { codeHint } from "./codes";
import { codeBodies, type GenerateResult, generateParams } from "./generate-job";

const gone = () =>
  new AppError("not_found", {
    detail: "These codes were already downloaded: they are shown once. Generate a new batch.",
  });

/**
 * Takes the job's codes (once). 404 for an unknown job, another kind, or a
 * CSV already taken; 409 while the job is still making them. A failed job
 * gives the codes it did make.
 */
export async function takeGeneratedCodes(
  db: Db,
  audit: AuditContext,
  jobId: string,
  now: number,
): Promise<{ filename: string; csv: string; count: number }> {
  const [job] = await db
    .select({
      kind: jobs.kind,
      status: jobs.status,
      campaignId: jobs.campaignId,
      hasKey: sql<number>`json_extract(${jobs.params}, '$.seed') IS NOT NULL`,
    })
    .from(jobs)
    .where(eq(jobs.id, jobId))
    .limit(1);
  if (job?.kind !== "generate_invites") throw notFound("Code batch");
  if (!Number(job.hasKey)) throw gone();
  if (job.status === "queued" || job.status === "running") {
    throw new AppError("conflict", {
      detail: "The codes are still being made; download them when the job is done",
    });
  }

  const claimable = and(
    eq(jobs.id, jobId),
    inArray(jobs.status, ["done", "failed"]),
    sql`json_extract(${jobs.params}, '$.seed') IS NOT NULL`,
  );
  const [read, claimed] = await db.batch([
    db.select({ params: jobs.params, result: jobs.result }).from(jobs).where(claimable),
    db
      .update(jobs)
      .set({
        params: sql`json_remove(${jobs.params}, '$.seed')`,
        result: sql`json_set(coalesce(${jobs.result}, '{}'), '$.csv', 'downloaded', '$.csv_downloaded_at', ${new Date(now).toISOString()})`,
      })
      .where(claimable)
      .returning({ id: jobs.id }),
    auditInsert(db, audit, {
      action: "invite.codes_download",
      targetType: "job",
      targetId: jobId,
      campaignId: job.campaignId,
    }),
  ]);
  const row = read[0];
  if (!row || claimed.length === 0) throw gone();
  const params = generateParams.parse(row.params);
  if (!params.seed) throw gone();

  const result = (row.result ?? {}) as Partial<GenerateResult>;
  const next = typeof result.next === "number" ? result.next : 0;
  const skipped = new Set(Array.isArray(result.skipped) ? result.skipped : []);
  const bodies = await codeBodies(params.seed, 0, next);
  const lines = [csvRow(["code", "hint"])];
  let count = 0;
  bodies.forEach((body, i) => {
    if (skipped.has(i)) return;
    lines.push(csvRow([formatCode(body), codeHint(body)]));
    count++;
  });
  return { filename: `invite-codes-${jobId}.csv`, csv: lines.join(""), count };
}
