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
import { log } from "./lib/log";
import { deleteExpiredRateCounters } from "./lib/rate-limit";

/**
 * The cron handler (every minute, wrangler.toml `[triggers]`). It runs a list
 * of small named tasks side by side; one failing task is logged and does not
 * stop the others. Each task must stay well within one invocation's D1 budget
 * (50 queries shared by all tasks), so do a bounded slice of work per run.
 * To add work: append a task to `tasks`.
 */
export interface TaskContext {
  db: Db;
  env: Env;
  /** The scheduled time (UTC ms), so tasks agree on "now". */
  now: number;
}

export interface ScheduledTask {
  name: string;
  run(ctx: TaskContext): Promise<unknown>;
}

export const tasks: ScheduledTask[] = [
  {
    name: "advance_campaigns",
    run: ({ db, now }) => advanceCampaigns(db, now),
  },
  {
    name: "requeue_stuck_jobs",
    run: ({ db, env, now }) => requeueStuckJobs(db, env.JOBS, now),
  },
  {
    name: "sweep_outbox",
    run: ({ db, env, now }) => sweepOutbox(db, env.EMAIL_QUEUE, now),
  },
  {
    name: "delete_expired_rate_counters",
    run: ({ db, now }) => deleteExpiredRateCounters(db, now),
  },
  // Backfill holds (src/domain/preorders/backfill.ts): expired ones give their unit
  // back (2 queries); a returned unit becomes a hold for the next in line (≤ 10 queries).
  {
    name: "release_expired_holds",
    run: ({ db, now }) => releaseExpiredHolds(db, now),
  },
  {
    name: "backfill_returned_units",
    run: ({ db, env, now }) => backfillReturnedUnits(db, loadSettings(env).TOKEN_SECRET, now),
  },
  // Reminder and last-chance emails to invited people who have not ordered
  // (1 batch of 3, every 5th minute).
  {
    name: "send_reminders",
    run: ({ db, now }) => (remindersDue(now) ? sendReminders(db, now) : Promise.resolve(null)),
  },
  // Unverified (and optionally held reserved) pre-orders past their hold: units and
  // invite uses back, the expiry email (a set of ≤ 300 orders: 6 queries).
  {
    name: "expire_preorders",
    run: async ({ db, env, now }) => {
      const out = await expireDueOrders(db, now);
      if (out.expired) await kickOutbox(env);
      return out;
    },
  },
  {
    name: "delete_expired_idempotency_keys",
    run: ({ db, now }) => deleteExpiredIdempotencyKeys(db, now),
  },
  // Due schedules start their waves as jobs (1 read, then ≤ 4 statements each, ≤ 3 a tick).
  {
    name: "run_due_schedules",
    run: ({ db, env, now }) =>
      runDueSchedules(db, { queue: env.JOBS, secret: loadSettings(env).TOKEN_SECRET }, now),
  },
];

export async function scheduled(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const ctx: TaskContext = { db: createDb(env.DB), env, now: controller.scheduledTime };
  const results = await Promise.allSettled(
    tasks.map(async (task) => {
      const started = Date.now();
      const result = await task.run(ctx);
      return { task: task.name, ms: Date.now() - started, result };
    }),
  );
  results.forEach((r, i) => {
    const name = tasks[i]?.name;
    if (r.status === "fulfilled")
      log("info", "scheduled task done", { ...r.value, cron: controller.cron });
    else {
      log("error", "scheduled task failed", {
        task: name,
        cron: controller.cron,
        error:
          r.reason instanceof Error ? `${r.reason.name}: ${r.reason.message}` : String(r.reason),
      });
    }
  });
}
