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
    return (1000 / this.rate) * 1.05;
  }

  /** Waits for the next slot, then takes it. */
  async take(clock: Clock): Promise<void> {
    const wait = this.nextAt - clock.now();
    if (wait > 0) await clock.sleep(wait);
    this.nextAt = Math.max(clock.now(), this.nextAt) + this.intervalMs;
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

/**
 * Seconds to deliver `queuedCount` messages at `rate` provider calls per
 * second with up to `batchSize` messages per call (Resend batch: 100), for
 * ETAs on waves and broadcasts. Ignores retries and the per-drain overhead.
 */
export function estimateDrainSeconds(queuedCount: number, rate = 2, batchSize = 100): number {
  if (queuedCount <= 0) return 0;
  const calls = Math.ceil(queuedCount / Math.max(1, batchSize));
  return Math.ceil(calls / Math.max(rate, 0.001));
}
