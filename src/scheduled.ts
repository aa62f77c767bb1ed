import { loadSettings } from "./config";
import { createDb, type Db } from "./db/client";
import { advanceCampaigns } from "./domain/campaign-schedule";
import { backfillReturnedUnits, releaseExpiredHolds } from "./domain/preorders/backfill";
import { expireDueOrders } from "./domain/preorders/expire";
import { deleteExpiredIdempotencyKeys } from "./domain/preorders/idempotency";
import { remindersDue, sendReminders } from "./domain/preorders/reminders";
import { runDueSchedules } from "./domain/schedules";
import { kickOutbox } from "./email/outbox";
import { sweepOutbox } from "./email/sweep";
import { requeueStuckJobs } from "./jobs/runner";
import { type CountingD1, countingD1, INVOCATION_QUERY_LIMIT } from "./lib/d1-count";
import { log } from "./lib/log";
import { deleteExpiredRateCounters } from "./lib/rate-limit";

/**
 * The cron handler (every minute, wrangler.toml `[triggers]`). It runs a list
 * of small named tasks side by side; one failing task is logged and does not
 * stop the others.
 *
 * The invocation's D1 budget (50 queries on Workers Free) is shared: each
 * task declares the most queries one run of it makes (`maxQueries`, a bounded
 * slice of work per run), and a tick starts only the tasks whose maxima fit
 * the budget together. The rest wait for the next minute; the starting point
 * rotates every minute, so a deferred task is first in line next time. A task
 * that uses more than it declared is logged, so the declarations stay true.
 * To add work: append a task to `tasks` with its maximum.
 */
export interface TaskContext {
  db: Db;
  env: Env;
  /** The scheduled time (UTC ms), so tasks agree on "now". */
  now: number;
}

export interface ScheduledTask {
  name: string;
  /** The most D1 queries (statements) one run makes. */
  maxQueries: number;
  run(ctx: TaskContext): Promise<unknown>;
}

export const tasks: ScheduledTask[] = [
  {
    name: "advance_campaigns",
    maxQueries: 4,
    run: ({ db, now }) => advanceCampaigns(db, now),
  },
  {
    name: "requeue_stuck_jobs",
    maxQueries: 1,
    run: ({ db, env, now }) => requeueStuckJobs(db, env.JOBS, now),
  },
  {
    name: "sweep_outbox",
    maxQueries: 3,
    run: ({ db, env, now }) => sweepOutbox(db, env.EMAIL_QUEUE, now),
  },
  {
    name: "delete_expired_rate_counters",
    maxQueries: 1,
    run: ({ db, now }) => deleteExpiredRateCounters(db, now),
  },
  // Backfill holds (src/domain/preorders/backfill.ts): expired ones give their unit
  // back (2 queries); a returned unit becomes a hold for the next in line (≤ 10 queries).
  {
    name: "release_expired_holds",
    maxQueries: 2,
    run: ({ db, now }) => releaseExpiredHolds(db, now),
  },
  {
    name: "backfill_returned_units",
    maxQueries: 10,
    run: ({ db, env, now }) => backfillReturnedUnits(db, loadSettings(env).TOKEN_SECRET, now),
  },
  // Reminder and last-chance emails to invited people who have not ordered
  // (1 batch of 3, every 5th minute).
  {
    name: "send_reminders",
    maxQueries: 3,
    run: ({ db, now }) => (remindersDue(now) ? sendReminders(db, now) : Promise.resolve(null)),
  },
  // Unverified (and optionally held reserved) pre-orders past their hold: units and
  // invite uses back, the expiry email (a set of ≤ 300 orders: 6 queries).
  {
    name: "expire_preorders",
    maxQueries: 6,
    run: async ({ db, env, now }) => {
      const out = await expireDueOrders(db, now);
      if (out.expired) await kickOutbox(env);
      return out;
    },
  },
  {
    name: "delete_expired_idempotency_keys",
    maxQueries: 1,
    run: ({ db, now }) => deleteExpiredIdempotencyKeys(db, now),
  },
  // Due schedules start their waves as jobs (1 read, then ≤ 4 statements each, ≤ 3 a tick).
  {
    name: "run_due_schedules",
    maxQueries: 13,
    run: ({ db, env, now }) =>
      runDueSchedules(db, { queue: env.JOBS, secret: loadSettings(env).TOKEN_SECRET }, now),
  },
];

/**
 * The tasks to start this tick, in this minute's rotation, while their
 * declared maxima fit `budget`; the others are deferred to the next minute.
 */
export function planTick(
  list: readonly ScheduledTask[],
  now: number,
  budget = INVOCATION_QUERY_LIMIT,
): { run: ScheduledTask[]; deferred: ScheduledTask[] } {
  const offset = list.length ? Math.floor(now / 60_000) % list.length : 0;
  const rotated = [...list.slice(offset), ...list.slice(0, offset)];
  const run: ScheduledTask[] = [];
  const deferred: ScheduledTask[] = [];
  let left = budget;
  for (const task of rotated) {
    if (task.maxQueries <= left) {
      run.push(task);
      left -= task.maxQueries;
    } else {
      deferred.push(task);
    }
  }
  return { run, deferred };
}

/**
 * Each task's counting handle, kept per binding for the isolate's life:
 * building a drizzle handle walks the whole schema (src/db/client.ts), too
 * much to repeat for every task every minute on Workers Free's 10 ms of CPU.
 * Ticks do not overlap (a tick is short, the cron is per minute), so a
 * counter reset at the start of a task's run counts that run.
 */
const taskHandles = new WeakMap<D1Database, Map<string, { db: Db; counter: CountingD1 }>>();

function handleFor(d1: D1Database, task: string) {
  let byTask = taskHandles.get(d1);
  if (!byTask) {
    byTask = new Map();
    taskHandles.set(d1, byTask);
  }
  let handle = byTask.get(task);
  if (!handle) {
    const counter = countingD1(d1);
    handle = { db: createDb(counter.db), counter };
    byTask.set(task, handle);
  }
  handle.counter.reset();
  return handle;
}

export async function runTick(
  list: readonly ScheduledTask[],
  env: Env,
  now: number,
  cron: string,
): Promise<void> {
  const { run, deferred } = planTick(list, now);
  if (deferred.length) {
    log("warn", "scheduled tasks deferred to the next minute (D1 query budget)", {
      tasks: deferred.map((t) => t.name),
      cron,
    });
  }
  const results = await Promise.allSettled(
    run.map(async (task) => {
      const { db, counter: counted } = handleFor(env.DB, task.name);
      const started = Date.now();
      try {
        const result = await task.run({ db, env, now });
        return { task: task.name, ms: Date.now() - started, queries: counted.count(), result };
      } finally {
        if (counted.count() > task.maxQueries) {
          log("warn", "scheduled task used more D1 queries than it declares", {
            task: task.name,
            queries: counted.count(),
            max_queries: task.maxQueries,
          });
        }
      }
    }),
  );
  results.forEach((r, i) => {
    const name = run[i]?.name;
    if (r.status === "fulfilled") log("info", "scheduled task done", { ...r.value, cron });
    else {
      log("error", "scheduled task failed", {
        task: name,
        cron,
        error:
          r.reason instanceof Error ? `${r.reason.name}: ${r.reason.message}` : String(r.reason),
      });
    }
  });
}

export async function scheduled(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  await runTick(tasks, env, controller.scheduledTime, controller.cron);
}
