import { createDb, type Db } from "./db/client";
import { advanceCampaigns } from "./domain/campaign-schedule";
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
