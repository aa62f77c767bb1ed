/**
 * Drain step 5: call the provider once per group, paced to EMAIL_SEND_RATE
 * calls per second, and turn each reply into the outcomes of its rows.
 * @see ./drain.ts
 */
import type { ClaimedRow } from "./drain-claim";
import { type Group, KEY_MARKER } from "./drain-group";
import { clip, type Outcomes } from "./drain-record";
import type { Clock, Pacer } from "./pacing";
import type { EmailProvider, SendOutcome } from "./providers/types";

const BACKOFF_BASE_MS = 15_000;
const BACKOFF_MAX_MS = 30 * 60_000;
/** How long to hold the provider after a 429 that names no Retry-After. */
const RATE_LIMIT_HOLD_MS = 1000;

/** Exponential backoff with jitter: ~15 s, 30 s, 1 min, … ≤ 30 min, each × [0.5, 1). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() / 2));
}

/** What the send loop works with. */
export interface SendPlan {
  provider: EmailProvider;
  pacer: Pacer;
  clock: Clock;
  /** When the drain started (clock ms); the time budget counts from here. */
  started: number;
  maxDrainMs: number;
  maxAttempts: number;
  random: () => number;
  /** The claimed rows by id (attempts and the marker they were claimed with). */
  claimed: Map<string, ClaimedRow>;
}

export interface SendStats {
  calls: number;
  /** When the provider was called (clock ms), for rate checks. */
  callTimes: number[];
  /** Rows that never reached the provider (rate limit, time budget). */
  deferred: number;
}

/**
 * Sends the groups in order until they are done, the time budget is spent or
 * the provider asks to stop; every row of every group ends with an outcome.
 */
export async function sendGroups(
  groups: Group[],
  plan: SendPlan,
  outcomes: Outcomes,
): Promise<SendStats> {
  const { provider, pacer, clock } = plan;
  const stats: SendStats = { calls: 0, callTimes: [], deferred: 0 };
  const pending = [...groups];
  let stopUntil: number | null = null;
  let stopped = false;
  while (pending.length) {
    const group = pending.shift() as Group;

    if (stopped || clock.now() - plan.started >= plan.maxDrainMs) {
      // Never reached the provider: back to the queue, the attempt refunded
      // (one time for the whole group, so it is claimed together again).
      const at = stopUntil ?? clock.now();
      stats.deferred += requeueUnsent(group, at, null, plan, outcomes);
      continue;
    }

    if (provider.paced) await pacer.take(clock);
    stats.calls += 1;
    stats.callTimes.push(clock.now());
    const outcome = await callProvider(provider, group);
    const now = clock.now();

    if (outcome.kind === "sent") {
      recordSent(group, outcome, now, outcomes);
      continue;
    }

    if (outcome.kind === "rejected") {
      if (group.emails.length > 1) {
        // A strict batch delivers nothing when one message is invalid: find it by sending singly.
        pending.unshift(...group.emails.map((e) => ({ key: e.rowId, emails: [e] })));
        continue;
      }
      for (const e of group.emails) {
        outcomes.fail(e.rowId, `rejected by ${provider.name}: ${outcome.error}`);
      }
      continue;
    }

    if (outcome.rateLimited) {
      const until = now + (outcome.retryAfterMs ?? RATE_LIMIT_HOLD_MS);
      pacer.holdUntil(until);
      stopUntil = until;
      stopped = true;
      stats.deferred += requeueUnsent(group, until, clip(outcome.error), plan, outcomes);
      continue;
    }
    if (outcome.stopDrain) stopped = true;
    scheduleRetry(group, outcome, now, plan, outcomes);
  }
  return stats;
}

type RetryOutcome = Extract<SendOutcome, { kind: "retry" }>;

/** The provider's reply; a throw (network, timeout) is an ambiguous retry. */
async function callProvider(provider: EmailProvider, group: Group): Promise<SendOutcome> {
  try {
    return await provider.send(group.emails, group.key);
  } catch (err) {
    return {
      kind: "retry",
      error: clip(`network: ${err instanceof Error ? err.message : String(err)}`),
      status: null,
      rateLimited: false,
      ambiguous: true,
      stopDrain: false,
    };
  }
}

function recordSent(
  group: Group,
  outcome: Extract<SendOutcome, { kind: "sent" }>,
  now: number,
  outcomes: Outcomes,
): void {
  group.emails.forEach((e, i) => {
    const providerId = outcome.ids[i] ?? null;
    outcomes.finish(e.rowId, {
      s: "sent",
      da: 0,
      n: null,
      e: outcome.note ? clip(`treated as sent: ${outcome.note}`) : null,
      p: providerId,
      sa: now,
    });
  });
}

/**
 * Puts a group that did not reach the provider back in the queue at `at`,
 * the attempt refunded and the claimed marker kept. Returns its row count.
 */
function requeueUnsent(
  group: Group,
  at: number,
  error: string | null,
  plan: SendPlan,
  outcomes: Outcomes,
): number {
  for (const e of group.emails) {
    outcomes.finish(e.rowId, {
      s: "queued",
      da: -1,
      n: at,
      e: error,
      p: plan.claimed.get(e.rowId)?.provider_message_id ?? null,
      sa: null,
    });
  }
  return group.emails.length;
}

/**
 * A retryable failure: the group's rows come back after one backoff (from the
 * most-tried row), or fail for good once they used up their attempts.
 */
function scheduleRetry(
  group: Group,
  outcome: RetryOutcome,
  now: number,
  plan: SendPlan,
  outcomes: Outcomes,
): void {
  const rowIds = group.emails.map((e) => e.rowId);
  const attemptsOf = (id: string) => plan.claimed.get(id)?.attempts ?? 1;
  const wait = backoffMs(Math.max(...rowIds.map(attemptsOf)), plan.random);
  for (const id of rowIds) {
    if (attemptsOf(id) >= plan.maxAttempts) {
      outcomes.fail(id, `gave up after ${attemptsOf(id)} attempts: ${outcome.error}`);
    } else {
      outcomes.finish(id, {
        s: "queued",
        da: 0,
        n: now + wait,
        e: clip(outcome.error),
        // Ambiguous: keep the key so the retry repeats this exact call.
        p: outcome.ambiguous
          ? `${KEY_MARKER}${group.key}`
          : (plan.claimed.get(id)?.provider_message_id ?? null),
        sa: null,
      });
    }
  }
}
