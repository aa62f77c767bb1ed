/**
 * What the outbox sender hands a provider, and what comes back. A provider
 * call delivers one group of messages under one idempotency key: a single
 * message keyed by its row id, or a batch keyed by its sorted row ids.
 */
import type { EmailTemplate } from "../../db/schema/enums";
import type { MessageLinks } from "../links";

export interface OutgoingEmail {
  /** The outbox row id (also the idempotency key of a single send). */
  rowId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /** Not sent; for the log provider and tests. */
  meta: { template: EmailTemplate; links: MessageLinks };
}

/**
 * The outcome of one provider call, for the whole group:
 * - `sent`: accepted; `ids[i]` is the provider message id of `group[i]` (null
 *   when the provider says the key was already used with another body, i.e.
 *   an earlier attempt was accepted).
 * - `retry`: try again later. `rateLimited` (429) means nothing was processed
 *   and the attempt does not count; `ambiguous` (5xx, network) means the
 *   provider may have delivered, so the retry must repeat the same key.
 *   `stopDrain` asks the sender to stop calling the provider for now.
 * - `rejected`: permanent (validation); the provider delivered nothing.
 */
export type SendOutcome =
  | { kind: "sent"; ids: (string | null)[]; note?: string }
  | {
      kind: "retry";
      error: string;
      status: number | null;
      retryAfterMs?: number;
      rateLimited: boolean;
      ambiguous: boolean;
      stopDrain: boolean;
    }
  | { kind: "rejected"; error: string; status: number | null };

export interface EmailProvider {
  readonly name: "log" | "resend";
  /** Most messages in one call (1 = no batching). */
  readonly maxBatch: number;
  /** Whether calls count against a per-second limit (EMAIL_SEND_RATE). */
  readonly paced: boolean;
  send(group: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome>;
}
