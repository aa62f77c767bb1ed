/**
 * How a job's failures are told: the text an admin reads on the job (no SQL,
 * no internals), the text logs get (no bound parameters), and how long the
 * queue waits before the next try.
 * @see ./runner.ts
 */
import { isAppError } from "../lib/errors";

/** Longest error stored on jobs.error / job_items.error. */
export const MAX_ERROR_CHARS = 500;

/** A message the handler wants an admin to read (stored as jobs.error / job_items.error). */
export class JobError extends Error {
  override name = "JobError";
}

/** A database error (drizzle wraps D1's in DrizzleQueryError, whose message holds the SQL and params). */
function isDbError(err: Error): boolean {
  return err.name === "DrizzleQueryError" || /^Failed query|D1_|SQLITE/i.test(err.message);
}

/** The text stored as jobs.error: readable for expected failures, no SQL or internals otherwise. */
export function describeJobError(err: unknown): string {
  let text: string;
  if (err instanceof JobError) text = err.message;
  else if (isAppError(err)) text = err.detail ?? err.message;
  else if (err instanceof Error && isDbError(err)) text = "Database error";
  else if (err instanceof Error) text = `${err.name}: ${err.message}`;
  else text = "Unknown error";
  return text.slice(0, MAX_ERROR_CHARS);
}

/** For logs: the error without bound parameters (they may hold emails). */
export function errorForLog(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_ERROR_CHARS);
  if (err.name === "DrizzleQueryError" && err.cause instanceof Error) {
    return `${err.cause.name}: ${err.cause.message}`.slice(0, 1000);
  }
  return `${err.name}: ${err.message}`.slice(0, 1000);
}

/** Queue retry delay after the n-th failed try of a chunk: 5 s, 10 s, 20 s, … ≤ 5 min. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempt - 1));
}
