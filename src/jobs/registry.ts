import type { BatchItem } from "drizzle-orm/batch";
import type { z } from "zod";
import type { Db } from "../db/client";
import type { JobKind } from "../db/schema/enums";
import type { JsonObject } from "../db/schema/types";

/**
 * Job kinds and their handlers. A feature that needs background work
 * registers a kind once, at module load, and gets chunking, progress, leases,
 * retries and the stuck-job sweeper from the runner (src/jobs/runner.ts):
 *
 * ```ts
 * export const importSignupsJob = registerJobKind("import_signups", {
 *   chunkSize: 20,
 *   stagedItems: true,
 *   params: z.object({ campaignId: z.string() }),
 *   async run(db, env, job, chunk) {
 *     const statements = chunk.items.map((it) => db.insert(signups).values(...));
 *     return { done: chunk.items.length, failed: 0, statements,
 *              nextState: chunk.hasMore ? {} : null };
 *   },
 * });
 * ```
 *
 * Register in the module that also enqueues the kind (or one it imports), so
 * the registration runs whenever the worker is loaded: the queue consumer
 * lives in the same bundle.
 * @see ../../shared/DOMAIN.md "Jobs"
 */

/** Kinds are the `jobKinds` vocabulary; any other string is allowed for tests. */
export type JobKindName = JobKind | (string & {});

/** One staged unit of work (a job_items row). */
export interface StagedItem {
  seq: number;
  payload: JsonObject;
}

/** What one chunk is about. */
export interface JobChunk {
  /** 0 for the first chunk, then 1, 2, … (one queue message each). */
  index: number;
  /** The handler's chunkSize. */
  size: number;
  /**
   * With `stagedItems`: the next ≤ chunkSize pending job_items in seq order
   * (the handler must account for every one of them; the runner marks them
   * done, or failed when listed in `failedItems`). Empty otherwise.
   */
  items: StagedItem[];
  /** With `stagedItems`: whether pending items remain after this chunk. */
  hasMore: boolean;
  /** 1 on the first try of this chunk, 2 on the first retry, … */
  attempt: number;
}

/** The job as a handler sees it; `state` is the handler's own cursor. */
export interface JobView<P extends JsonObject = JsonObject, S extends JsonObject = JsonObject> {
  id: string;
  kind: string;
  campaignId: string | null;
  params: P;
  /** What the previous chunk returned as nextState; null before the first chunk. */
  state: S | null;
  total: number | null;
  done: number;
  failed: number;
  createdBy: string | null;
  createdAt: number;
}

export interface ChunkOutcome<S extends JsonObject = JsonObject> {
  /** Units finished in this chunk (added to jobs.done). */
  done: number;
  /** Units that failed for good in this chunk (added to jobs.failed; not retried). */
  failed: number;
  /** The cursor for the next chunk; null when the job is finished. */
  nextState: S | null;
  /** Stored as jobs.result (replacing the previous one) when given. */
  result?: JsonObject;
  /** Sets jobs.total when the handler learns it (e.g. after counting the audience). */
  total?: number;
  /**
   * The chunk's writes. They run in ONE D1 batch (a transaction) together with
   * the progress update, so a chunk either happens with its progress or not at
   * all; a retried chunk does not apply half its effects twice. Writes the
   * handler makes directly are not covered: make those idempotent.
   */
  statements?: BatchItem<"sqlite">[];
  /** Staged items of this chunk that failed, with a reason (kept until the job ends). */
  failedItems?: { seq: number; error: string }[];
}

export interface JobHandler<P extends JsonObject = JsonObject, S extends JsonObject = JsonObject> {
  /**
   * Units per chunk. One chunk runs per queue message, and a whole queue
   * invocation must stay within D1's limits (≤ 50 queries, ≤ 100 bound
   * parameters per statement), so keep both the count and the width small.
   */
  chunkSize: number;
  /** Load staged job_items into `chunk.items`. */
  stagedItems?: boolean;
  /**
   * Upper bound on the queries one run() makes: its own reads and writes plus
   * the returned statements. The consumer reserves this (plus the runner's
   * own ~6) before taking a message, to stay within the invocation limit.
   * Default 10.
   */
  maxQueries?: number;
  /** Tries of one chunk before the job is marked failed. Default 5 (≤ the queue's max_retries). */
  maxAttempts?: number;
  /** Validates jobs.params before every chunk; a mismatch fails the job for good. */
  params?: z.ZodType<P>;
  run(db: Db, env: Env, job: JobView<P, S>, chunk: JobChunk): Promise<ChunkOutcome<S>>;
}

/** What registerJobKind returns: the kind, typed by its params, for enqueueJob. */
export interface JobDefinition<P extends JsonObject = JsonObject> {
  kind: JobKindName;
  /** Phantom: carries the params type. */
  readonly __params?: P;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_MAX_QUERIES = 10;

const handlers = new Map<string, JobHandler>();

export function registerJobKind<P extends JsonObject, S extends JsonObject = JsonObject>(
  kind: JobKindName,
  handler: JobHandler<P, S>,
): JobDefinition<P> {
  if (!Number.isInteger(handler.chunkSize) || handler.chunkSize < 1) {
    throw new RangeError(`job kind ${kind}: chunkSize must be a positive integer`);
  }
  const existing = handlers.get(kind);
  if (existing && existing !== (handler as unknown as JobHandler)) {
    throw new Error(`job kind ${kind} is already registered`);
  }
  handlers.set(kind, handler as unknown as JobHandler);
  return { kind };
}

export function getJobHandler(kind: string): JobHandler | undefined {
  return handlers.get(kind);
}

/** Removes a kind (tests only: lets a test file re-register its fake kinds). */
export function unregisterJobKind(kind: string): void {
  handlers.delete(kind);
}

/** The most queries any registered kind may spend on one chunk. */
export function maxHandlerQueries(): number {
  let max = DEFAULT_MAX_QUERIES;
  for (const h of handlers.values()) max = Math.max(max, h.maxQueries ?? DEFAULT_MAX_QUERIES);
  return max;
}
