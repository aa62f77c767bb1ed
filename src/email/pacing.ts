/**
 * Time for the sender, passed in rather than read deep inside, so tests can
 * run hours of backoff and pacing in milliseconds with a fake clock.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Spaces provider calls at least `1000 / rate` ms apart. The queue consumer
 * runs one drain at a time (max_concurrency = 1), so one pacer per isolate
 * holds the account's per-second limit across drains too.
 */
export class Pacer {
  private nextAt = 0;
  constructor(private readonly rate: number) {}

  /**
   * 5% above the exact spacing: calls spaced exactly 1000/rate ms apart can
   * arrive closer than that after network jitter, and the provider counts
   * arrivals.
   */
  get intervalMs(): number {
    return Math.ceil((1000 / this.rate) * 1.05);
  }

  /** Waits for the next slot, then takes it. */
  async take(clock: Clock): Promise<void> {
    const wait = this.nextAt - clock.now();
    if (wait > 0) await clock.sleep(wait);
    this.nextAt = Math.max(clock.now(), this.nextAt) + this.intervalMs;
  }

  /**
   * Waits out the current interval. The drain calls this before it returns:
   * the next drain may run in another isolate with a fresh pacer, and
   * max_concurrency = 1 keeps it from starting before this one has ended.
   */
  async settle(clock: Clock): Promise<void> {
    // At most one interval: a 429's longer hold is kept by next_attempt_at instead.
    const wait = Math.min(this.intervalMs, this.nextAt - clock.now());
    if (wait > 0) await clock.sleep(wait);
  }

  /** After a 429: no call before `at`. */
  holdUntil(at: number): void {
    this.nextAt = Math.max(this.nextAt, at);
  }
}

const pacers = new Map<number, Pacer>();

/** The isolate's pacer for a rate (settings are per deployment, so normally one). */
export function sharedPacer(rate: number): Pacer {
  let p = pacers.get(rate);
  if (!p) {
    p = new Pacer(rate);
    pacers.set(rate, p);
  }
  return p;
}

/** Seconds between one drain's end and the next one's start (queue delivery, claim). */
const DRAIN_GAP_SECONDS = 1;

/**
 * Seconds to deliver `queuedCount` messages at `rate` provider calls per
 * second with up to `batchSize` messages per call (Resend batch: 100) and
 * `drainLimit` messages per drain, for ETAs on waves and broadcasts. Assumes
 * no faults (each retry adds a backoff).
 */
export function estimateDrainSeconds(
  queuedCount: number,
  rate = 2,
  batchSize = 100,
  drainLimit = 500,
): number {
  if (queuedCount <= 0) return 0;
  const calls = Math.ceil(queuedCount / Math.max(1, batchSize));
  const drains = Math.ceil(queuedCount / Math.max(1, drainLimit));
  const interval = new Pacer(Math.max(rate, 0.001)).intervalMs / 1000;
  return Math.ceil(calls * interval + drains * DRAIN_GAP_SECONDS);
}
