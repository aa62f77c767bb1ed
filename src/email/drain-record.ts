/**
 * Drain step 6: every claimed row's final state, collected while the drain
 * runs and written at the end by one UPDATE … FROM json_each per 250 rows,
 * fenced by the lease (a row whose lease expired and was taken over is not
 * touched by the late run).
 * @see ./drain.ts
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

const MAX_ERROR_CHARS = 300;
/** Outcomes per UPDATE (each chunk is one bound JSON parameter). */
const OUTCOMES_PER_STATEMENT = 250;

export const clip = (s: string) => s.slice(0, MAX_ERROR_CHARS);

/** The row's final state, as written by the one outcome UPDATE. */
export interface Outcome {
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

/** The outcomes of one drain, one per row id (a later one replaces an earlier one). */
export class Outcomes {
  private readonly byId = new Map<string, Outcome>();

  finish(id: string, o: Omit<Outcome, "id">): void {
    this.byId.set(id, { id, ...o });
  }

  suppress(id: string, why: string): void {
    this.finish(id, { s: "suppressed", da: 0, n: null, e: why, p: null, sa: null });
  }

  fail(id: string, why: string): void {
    this.finish(id, { s: "failed", da: 0, n: null, e: clip(why), p: null, sa: null });
  }

  /** In the order the rows were first finished. */
  all(): Outcome[] {
    return [...this.byId.values()];
  }
}

export interface OutcomeCounts {
  sent: number;
  retrying: number;
  failed: number;
  suppressed: number;
}

/** Rows per final state; a requeue that refunded its attempt (deferred) is not a retry. */
export function countOutcomes(outcomes: Outcome[]): OutcomeCounts {
  const counts: OutcomeCounts = { sent: 0, retrying: 0, failed: 0, suppressed: 0 };
  for (const o of outcomes) {
    if (o.s === "sent") counts.sent += 1;
    else if (o.s === "failed") counts.failed += 1;
    else if (o.s === "suppressed") counts.suppressed += 1;
    else if (o.da === 0) counts.retrying += 1;
  }
  return counts;
}

/** Writes every outcome, fenced by the lease; one statement per 250 rows. */
export async function recordOutcomes(
  db: Db,
  outcomes: Outcome[],
  lease: number,
  now: number,
): Promise<void> {
  const chunks: Outcome[][] = [];
  for (let i = 0; i < outcomes.length; i += OUTCOMES_PER_STATEMENT) {
    chunks.push(outcomes.slice(i, i + OUTCOMES_PER_STATEMENT));
  }
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
        updated_at = ${now}
      FROM json_each(${JSON.stringify(chunk)}) AS j
      WHERE o.id = j.value ->> 'id' AND o.status = 'sending' AND o.next_attempt_at = ${lease}`);
  }
}
