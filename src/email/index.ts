/**
 * Email delivery: the transactional outbox and its sender.
 *
 * - `outboxInsert` / `outboxInsertMany`: rows for the caller's `db.batch()`.
 * - `kickOutbox(env)`: start delivery after the batch commits (waitUntil).
 * - `retryEmail(db, id)`: an admin's retry of a `failed` row.
 * - `drainOutbox`: the queue consumer's work; `sweepOutbox`: the cron's.
 * - `linksFor` / `unsubscribeUrl` (./links): links rendered at send time.
 * @see ../../../shared/DOMAIN.md "Outbox email"
 */
export { drainOutbox, EMAIL_MAX_ATTEMPTS, OUTBOX_LEASE_MS } from "./drain";
export { LINK_PATHS, linksFor, referralUrl, unsubscribeUrl } from "./links";
export {
  type EmailQueue,
  kickOutbox,
  type OutboxInput,
  outboxInsert,
  outboxInsertMany,
  type PayloadFor,
  type RetryEmailResult,
  retryEmail,
} from "./outbox";
export { estimateDrainSeconds } from "./pacing";
export { sweepOutbox } from "./sweep";
