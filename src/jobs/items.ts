/**
 * Statements on a job's staged items (job_items): staging them when the job
 * is created, marking them as its chunks run, removing them when it ends.
 * Many rows travel in ONE bound JSON parameter (json_each), never one
 * statement per row.
 * @see ./runner.ts
 */
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { jobItems } from "../db/schema";
import type { JsonObject } from "../db/schema/types";
import { MAX_ERROR_CHARS } from "./job-errors";
import type { StagedItem } from "./registry";

/** Bytes of staged-items JSON per INSERT statement (D1: 100 KB per statement). */
const STAGE_BYTES_PER_STATEMENT = 90_000;

/**
 * INSERTs of staged items, each carrying many rows in ONE bound JSON parameter
 * (expanded by json_each), so a thousand rows cost a few statements and three
 * parameters each instead of tripping the 100-parameter limit.
 */
export function stageItems(db: Db, jobId: string, items: JsonObject[], firstSeq = 0) {
  const statements: BatchItem<"sqlite">[] = [];
  let group: string[] = [];
  let bytes = 0;
  let start = firstSeq;
  const flush = () => {
    if (!group.length) return;
    // All columns, in table order (drizzle lists them all for INSERT … SELECT).
    statements.push(
      db
        .insert(jobItems)
        .select(
          sql`SELECT ${jobId}, ${start} + key, value, 'pending', NULL FROM json_each(${`[${group.join(",")}]`})`,
        ),
    );
    start += group.length;
    group = [];
    bytes = 0;
  };
  for (const item of items) {
    const text = JSON.stringify(item);
    if (bytes + text.length > STAGE_BYTES_PER_STATEMENT) flush();
    group.push(text);
    bytes += text.length + 1;
  }
  flush();
  return statements;
}

/** Marks the chunk's staged items done / failed, or deletes them all when the job ends. */
export function markItems(
  db: Db,
  jobId: string,
  items: StagedItem[],
  failedItems: { seq: number; error: string }[],
  finished: boolean,
): BatchItem<"sqlite">[] {
  // A finished job's items go (they may hold personal data).
  if (finished) return [db.delete(jobItems).where(eq(jobItems.jobId, jobId))];
  const out: BatchItem<"sqlite">[] = [];
  const failedSeqs = new Set(failedItems.map((f) => f.seq));
  const doneSeqs = items.map((i) => i.seq).filter((s) => !failedSeqs.has(s));
  // Seqs travel as one JSON parameter (json_each), so a chunk of any size is one statement.
  if (doneSeqs.length) {
    out.push(
      db
        .update(jobItems)
        .set({ status: "done" })
        .where(
          and(
            eq(jobItems.jobId, jobId),
            eq(jobItems.status, "pending"),
            sql`${jobItems.seq} IN (SELECT value FROM json_each(${JSON.stringify(doneSeqs)}))`,
          ),
        ),
    );
  }
  if (failedItems.length) {
    const errors: Record<string, string> = {};
    for (const f of failedItems) errors[String(f.seq)] = f.error.slice(0, MAX_ERROR_CHARS);
    const json = JSON.stringify(errors);
    out.push(
      db
        .update(jobItems)
        .set({
          status: "failed",
          error: sql`json_extract(${json}, '$."' || ${jobItems.seq} || '"')`,
        })
        .where(
          and(
            eq(jobItems.jobId, jobId),
            sql`${jobItems.seq} IN (SELECT CAST(key AS INTEGER) FROM json_each(${json}))`,
          ),
        ),
    );
  }
  return out;
}
