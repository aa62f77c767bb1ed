/**
 * Creating a job: the jobs row, its staged items and the caller's own
 * statements in one batch, then the first queue message.
 * @see ./runner.ts
 */
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { jobs } from "../db/schema";
import { newId } from "../db/schema/columns";
import type { JobKind } from "../db/schema/enums";
import type { JsonObject } from "../db/schema/types";
import { log } from "../lib/log";
import { stageItems } from "./items";
import { errorForLog } from "./job-errors";
import type { JobsQueue } from "./messages";
import { getJobHandler, type JobDefinition, type JobKindName } from "./registry";

export interface EnqueueJobInput<P extends JsonObject = JsonObject> {
  kind: JobKindName | JobDefinition<P>;
  campaignId?: string | null;
  params: P;
  /** Units of work, for progress; defaults to items.length when items are staged. */
  total?: number | null;
  /** Who started it (member / API key id), or null for the system. */
  createdBy: string | null;
  /** Input staged as job_items (seq 0…n-1), for kinds with `stagedItems`. */
  items?: JsonObject[];
  /**
   * More writes committed in the same batch as the job row (an audit entry, a
   * wave or broadcast row pointing at the job…). Given the new job id.
   */
  with?: (jobId: string) => BatchItem<"sqlite">[];
}

/**
 * Creates a job and sends its first message. The job row, its staged items
 * and the caller's statements commit atomically; the message is sent after.
 * If sending fails the job stays `queued` and the cron sweeper sends it, so
 * the caller can report the job as accepted either way.
 */
export async function enqueueJob<P extends JsonObject>(
  db: Db,
  queue: JobsQueue,
  input: EnqueueJobInput<P>,
): Promise<{ id: string; sent: boolean }> {
  const kind = typeof input.kind === "string" ? input.kind : input.kind.kind;
  if (!getJobHandler(kind)) throw new Error(`enqueueJob: unknown job kind ${kind}`);
  const id = newId("job");
  const now = Date.now();
  const items = input.items ?? [];
  const insertJob = db.insert(jobs).values({
    id,
    kind: kind as JobKind,
    campaignId: input.campaignId ?? null,
    status: "queued",
    params: input.params,
    state: { chunk: 0, cursor: null },
    total: input.total ?? (input.items ? items.length : null),
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
  });
  await db.batch([insertJob, ...stageItems(db, id, items), ...(input.with?.(id) ?? [])]);
  let sent = true;
  try {
    await queue.send({ type: "job", jobId: id, chunk: 0 });
  } catch (err) {
    sent = false;
    log("warn", "job message not sent; the sweeper will send it", {
      job_id: id,
      kind,
      error: errorForLog(err),
    });
  }
  return { id, sent };
}
