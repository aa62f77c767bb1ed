import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { INVOCATION_QUERY_LIMIT } from "../../src/lib/d1-count";
import { planTick, runTick, type ScheduledTask, tasks } from "../../src/scheduled";

const MIN = 60_000;
const sqlOne = sql`SELECT 1`;
const task = (
  name: string,
  maxQueries: number,
  run: ScheduledTask["run"] = async () => null,
): ScheduledTask => ({ name, maxQueries, run });

afterEach(() => vi.restoreAllMocks());

describe("the cron tick's D1 budget", () => {
  it("every task fits in one tick together (nothing waits in normal operation)", () => {
    const total = tasks.reduce((n, t) => n + t.maxQueries, 0);
    expect(total).toBeLessThanOrEqual(INVOCATION_QUERY_LIMIT);
    expect(planTick(tasks, 0).deferred).toEqual([]);
    for (const t of tasks) expect(t.maxQueries).toBeGreaterThan(0);
  });

  it("defers what does not fit, and the rotation puts it first the next minute", () => {
    const list = [task("a", 30), task("b", 30), task("c", 10)];
    const first = planTick(list, 0, 50);
    expect(first.run.map((t) => t.name)).toEqual(["a", "c"]);
    expect(first.deferred.map((t) => t.name)).toEqual(["b"]);
    const next = planTick(list, MIN, 50);
    expect(next.run.map((t) => t.name)).toEqual(["b", "c"]);
    expect(next.deferred.map((t) => t.name)).toEqual(["a"]);
  });

  it("runs the planned tasks, logs the deferred ones and a task that outgrows its maximum", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "log").mockImplementation(() => {});
    const ran: string[] = [];
    const hungry = task("hungry", 1, async (ctx) => {
      ran.push("hungry");
      for (let i = 0; i < 3; i++) await ctx.db.run(sqlOne);
      return null;
    });
    const big = task("big", INVOCATION_QUERY_LIMIT, async () => {
      ran.push("big");
      return null;
    });
    await runTick([hungry, big], env, 0, "* * * * *");
    expect(ran).toEqual(["hungry"]);
    const lines = warn.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: expect.stringContaining("deferred"), tasks: ["big"] }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ task: "hungry", queries: 3, max_queries: 1 }),
    );
  });
});
