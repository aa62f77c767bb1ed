import { z } from "zod";

/**
 * Everything sent on the `presale-jobs` queue (binding `JOBS`), as one
 * discriminated union on `type`. To add a message kind: add its schema to
 * `queueMessageSchema` below and a `case` in the dispatcher in src/queue.ts.
 * Bodies stay small (a queue message is at most 128 KB): ids, never payloads.
 */

/**
 * Run the next chunk of a job. `chunk` is the index of the chunk this message
 * is for; a message whose chunk is not the job's next one is a stale
 * duplicate (redelivery, or a sweeper re-send racing the original) and is
 * acked without work, so a job only ever has one live message chain.
 */
export const jobMessageSchema = z.object({
  type: z.literal("job"),
  jobId: z.string().min(1).max(64),
  chunk: z.number().int().nonnegative().optional(),
});
export type JobMessage = z.infer<typeof jobMessageSchema>;

/**
 * Sent on `presale-email` (binding `EMAIL_QUEUE`): "deliver the due outbox
 * rows". Carries nothing: the outbox table is the work list, so duplicates
 * are harmless and several in one batch are drained once (src/email/drain.ts).
 */
export const emailDrainMessageSchema = z.object({
  type: z.literal("email_drain"),
});
export type EmailDrainMessage = z.infer<typeof emailDrainMessageSchema>;

export const queueMessageSchema = z.discriminatedUnion("type", [
  jobMessageSchema,
  emailDrainMessageSchema,
]);
export type QueueMessage = z.infer<typeof queueMessageSchema>;

/** The producer side, typed: `env.JOBS` is assignable to it. */
export type JobsQueue = Queue<QueueMessage>;

/** The message, or null for a body of an unknown shape (the caller acks and logs it). */
export function parseQueueMessage(body: unknown): QueueMessage | null {
  const parsed = queueMessageSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}
