/**
 * The outbox sender. One drain, run by a `presale-email` queue message:
 *
 *   1. claim   one UPDATE … RETURNING: up to `limit` due `queued` rows →
 *              `sending`, attempts + 1, next_attempt_at = now + lease.
 *   2. load    one SELECT: each row's signup / pre-order / campaign / personal
 *              invite and any global suppression of the address.
 *   3. filter  suppressed address, list mail to an unsubscribed signup, erased
 *              recipient → `suppressed` (last_error says why).
 *   4. group   rows into provider calls, each under one idempotency key:
 *              a single send keyed by the row id, or a batch (≤ 100) keyed by
 *              its sorted row ids. The key is written on the rows BEFORE the
 *              call (provider_message_id = `key:<key>` while unsent), so a
 *              retry after an ambiguous failure (5xx, network, a crash) repeats
 *              the same call and the provider's idempotency drops the duplicate.
 *   5. send    paced to EMAIL_SEND_RATE calls per second.
 *   6. record  one UPDATE … FROM json_each for every outcome, fenced by the
 *              lease (a row whose lease expired and was taken over is not
 *              touched by the late run).
 *   7. next    if rows are due, another drain message (now, or when the
 *              earliest backoff ends).
 *
 * Steps 1-2 live in drain-claim.ts, 3 in drain-compose.ts, 4 in
 * drain-group.ts, 5 in drain-send.ts, 6 in drain-record.ts; this file wires
 * them together and schedules the next drain.
 *
 * D1: 4-6 queries per drain whatever the row count (claim, load, key
 * markers, one outcome UPDATE per 250 rows, next due); every set is one
 * bound JSON parameter (json_each), never one statement per row.
 * @see ../../../shared/DOMAIN.md "Outbox email"
 */
import { sql } from "drizzle-orm";
import { loadSettings, type Settings } from "../config";
import type { Db } from "../db/client";
import { log } from "../lib/log";
import { claimDueRows, loadContext } from "./drain-claim";
import { composeClaimed } from "./drain-compose";
import { groupEmails, writeKeyMarkers } from "./drain-group";
import { countOutcomes, Outcomes, recordOutcomes } from "./drain-record";
import { sendGroups } from "./drain-send";
import { type EmailQueue, kickOutbox } from "./outbox";
import { type Clock, type Pacer, realClock, sharedPacer } from "./pacing";
import { providerFor } from "./providers/index";
import type { EmailProvider } from "./providers/types";

export { batchKey, KEY_MARKER } from "./drain-group";
export { backoffMs } from "./drain-send";

/**
 * A claimed row stays ours this long; past it the cron sweep requeues it.
 * Longer than a drain can take (DRAIN_MAX_MS plus one provider timeout).
 */
export const OUTBOX_LEASE_MS = 3 * 60_000;
/** Attempts before a row is `failed` (retryable by an admin). */
export const EMAIL_MAX_ATTEMPTS = 8;
/** Most rows claimed per drain (EMAIL_DRAIN_LIMIT may lower it); keeps each JSON parameter small. */
export const DRAIN_LIMIT = 500;
/** A drain stops calling the provider after this long; the rest go back to the queue. */
export const DRAIN_MAX_MS = 60_000;
/** Follow-up messages are scheduled up to this far ahead; later backoffs are left to the cron. */
const MAX_FOLLOW_UP_MS = 15 * 60_000;
/** Queries a drain may use at most (claim, load, markers, outcomes, next due + slack). */
export const DRAIN_QUERIES = 10;

export interface DrainOptions {
  clock?: Clock;
  provider?: EmailProvider;
  pacer?: Pacer;
  settings?: Settings;
  /** Where follow-up drain messages go; null = none (tests drive drains themselves). */
  queue?: EmailQueue | Queue | null;
  limit?: number;
  /** Messages per provider call (≤ the provider's maxBatch). */
  batchSize?: number;
  maxAttempts?: number;
  maxDrainMs?: number;
  random?: () => number;
}

export interface DrainResult {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  suppressed: number;
  /** Claimed but not attempted (rate limit, time budget): back to queued, attempt refunded. */
  deferred: number;
  calls: number;
  /** When the provider was called (clock ms), for rate checks. */
  callTimes: number[];
  /** Earliest next_attempt_at of a queued row after the drain, or null. */
  nextDueAt: number | null;
  followUp: "now" | "delayed" | "none";
}

/** The options with every default filled in. */
function resolveOptions(env: Env, options: DrainOptions) {
  const settings = options.settings ?? loadSettings(env);
  const provider = options.provider ?? providerFor(settings);
  return {
    settings,
    clock: options.clock ?? realClock,
    provider,
    pacer: options.pacer ?? sharedPacer(settings.EMAIL_SEND_RATE),
    queue: options.queue === undefined ? env.EMAIL_QUEUE : options.queue,
    limit: Math.max(
      1,
      Math.min(options.limit ?? settings.EMAIL_DRAIN_LIMIT ?? DRAIN_LIMIT, DRAIN_LIMIT),
    ),
    batchSize: Math.max(1, Math.min(options.batchSize ?? provider.maxBatch, provider.maxBatch)),
    maxAttempts: options.maxAttempts ?? EMAIL_MAX_ATTEMPTS,
    maxDrainMs: options.maxDrainMs ?? DRAIN_MAX_MS,
    random: options.random ?? Math.random,
  };
}

export async function drainOutbox(
  db: Db,
  env: Env,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const { settings, clock, provider, pacer, queue, ...opts } = resolveOptions(env, options);

  const result: DrainResult = {
    claimed: 0,
    sent: 0,
    retrying: 0,
    failed: 0,
    suppressed: 0,
    deferred: 0,
    calls: 0,
    callTimes: [],
    nextDueAt: null,
    followUp: "none",
  };

  const started = clock.now();
  const lease = started + OUTBOX_LEASE_MS;

  const claimed = await claimDueRows(db, started, lease, opts.limit);
  result.claimed = claimed.length;
  if (!claimed.length) {
    return result;
  }
  const context = await loadContext(db, claimed);
  const byId = new Map(claimed.map((r) => [r.id, r]));

  const outcomes = new Outcomes();
  const outgoing = await composeClaimed(settings, claimed, context, outcomes);
  const groups = await groupEmails(outgoing, byId, opts.batchSize);
  await writeKeyMarkers(db, groups, byId, lease);

  const stats = await sendGroups(
    groups,
    {
      provider,
      pacer,
      clock,
      started,
      maxDrainMs: opts.maxDrainMs,
      maxAttempts: opts.maxAttempts,
      random: opts.random,
      claimed: byId,
    },
    outcomes,
  );
  result.calls = stats.calls;
  result.callTimes = stats.callTimes;
  result.deferred = stats.deferred;

  const all = outcomes.all();
  Object.assign(result, countOutcomes(all));
  await recordOutcomes(db, all, lease, clock.now());

  Object.assign(result, await kickNextDrain(db, queue, clock));

  if (provider.paced && result.calls > 0) await pacer.settle(clock);

  log("info", "outbox drained", {
    provider: provider.name,
    claimed: result.claimed,
    sent: result.sent,
    retrying: result.retrying,
    failed: result.failed,
    suppressed: result.suppressed,
    deferred: result.deferred,
    calls: result.calls,
    ms: clock.now() - started,
  });
  return result;
}

/**
 * Step 7. More due? Keep the chain going (the cron sweep is the safety net):
 * a drain message now, or delayed until the earliest backoff ends when that
 * is within MAX_FOLLOW_UP_MS.
 */
async function kickNextDrain(
  db: Db,
  queue: EmailQueue | Queue | null,
  clock: Clock,
): Promise<Pick<DrainResult, "nextDueAt" | "followUp">> {
  const [next] = await db.all<{ next: number | null }>(sql`
    SELECT min(next_attempt_at) AS next FROM outbox_emails WHERE status = 'queued'`);
  const nextDueAt = next?.next ?? null;
  let followUp: DrainResult["followUp"] = "none";
  if (nextDueAt !== null && queue) {
    const delay = nextDueAt - clock.now();
    if (delay <= 0) {
      followUp = (await kickOutbox({ EMAIL_QUEUE: queue })) ? "now" : "none";
    } else if (delay <= MAX_FOLLOW_UP_MS) {
      const ok = await kickOutbox(
        { EMAIL_QUEUE: queue },
        { delaySeconds: Math.ceil(delay / 1000) },
      );
      followUp = ok ? "delayed" : "none";
    }
  }
  return { nextDueAt, followUp };
}
