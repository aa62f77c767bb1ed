import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import {
  BACKFILL_WINDOW_MS,
  backfillReturnedUnits,
  releaseExpiredHolds,
} from "../../src/domain/preorders/backfill";
import { deriveToken } from "../../src/lib/tokens";
import { scheduled } from "../../src/scheduled";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { call, ok } from "../helpers/client";
import { guardD1 } from "../helpers/d1-guard";
import { seedSignups } from "../helpers/signup-seed";
import {
  outboxOf,
  presaleCampaign,
  seedOrders,
  variantsOf,
} from "../routes/admin-preorders-helpers";

const db = createDb(env.DB);
const secret = env.TOKEN_SECRET;
const MIN = 60_000;

const HOUR = 60 * MIN;
/**
 * Storage is shared by the tests of a file, and the cron tasks look at every
 * campaign: each test runs at its own hour (BACKFILL_WINDOW_MS apart), so it
 * sees only its own returned units.
 */
let slot = 0;
const nextNow = () => Date.now() + ++slot * (BACKFILL_WINDOW_MS + HOUR);

/** A presale campaign with backfill on (30-minute holds), 3 people in line, and a cancelled 2-unit order. */
async function setup(opts: { backfill?: boolean; people?: number } = {}) {
  const c = await presaleCampaign({
    backfill_enabled: opts.backfill ?? true,
    backfill_hold_minutes: 30,
  });
  const v = await variantsOf(c.id);
  const people = await seedSignups(
    c.id,
    Array.from({ length: opts.people ?? 3 }, (_, i) => ({
      status: "confirmed" as const,
      createdAt: Date.UTC(2025, 0, 1) + i * 1000,
    })),
  );
  const now = nextNow();
  const [order] = await seedOrders(c.id, [
    { status: "cancelled", items: [{ variantId: v.Black!.id, quantity: 2 }], endedAt: now - MIN },
  ]);
  return { c, black: v.Black!.id, people, order: order!, now };
}

const holdsOf = async (campaignId: string) =>
  (
    await env.DB.prepare(
      "SELECT id, signup_id, variant_id, quantity, status, expires_at, source_preorder_id FROM holds WHERE campaign_id = ? ORDER BY created_at, id",
    )
      .bind(campaignId)
      .all<{
        id: string;
        signup_id: string;
        status: string;
        expires_at: number;
        source_preorder_id: string;
      }>()
  ).results;

const remainingOf = async (variantId: string) =>
  (await env.DB.prepare("SELECT remaining FROM variants WHERE id = ?")
    .bind(variantId)
    .first<{ remaining: number }>())!.remaining;

describe("backfill of returned units", () => {
  it("invites the next people in line and holds one unit each, once", async () => {
    const { c, black, people, order, now } = await setup();
    expect(await remainingOf(black)).toBe(10);
    expect(await backfillReturnedUnits(db, secret, now, 3)).toEqual({ held: 2, skipped: 0 });

    const holds = await holdsOf(c.id);
    expect(holds.map((h) => h.signup_id).sort()).toEqual([people[0], people[1]].sort());
    for (const h of holds) {
      expect(h).toMatchObject({
        status: "held",
        quantity: 1,
        variant_id: black,
        source_preorder_id: order,
      });
      expect(h.expires_at).toBe(now + 30 * MIN);
    }
    expect(await remainingOf(black)).toBe(8);
    const invited = await env.DB.prepare(
      "SELECT id FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL ORDER BY id",
    )
      .bind(c.id)
      .all<{ id: string }>();
    expect(invited.results.map((r) => r.id).sort()).toEqual([people[0], people[1]].sort());
    const mails = await outboxOf(c.id, "invitation");
    expect(mails.map((m) => m.signup_id).sort()).toEqual([people[0], people[1]].sort());
    expect(mails.every((m) => m.category === "list")).toBe(true);
    const waves = await env.DB.prepare(
      "SELECT source, idempotency_key, invited_count FROM waves WHERE campaign_id = ? ORDER BY idempotency_key",
    )
      .bind(c.id)
      .all();
    expect(waves.results).toEqual([
      { source: "backfill", idempotency_key: `backfill:${order}:${black}:1`, invited_count: 1 },
      { source: "backfill", idempotency_key: `backfill:${order}:${black}:2`, invited_count: 1 },
    ]);

    // Again (and again concurrently): the returned units already have their holds.
    const again = await Promise.all([
      backfillReturnedUnits(db, secret, now + MIN, 3),
      backfillReturnedUnits(db, secret, now + MIN, 3),
    ]);
    expect(again.map((r) => r.held)).toEqual([0, 0]);
    expect(await holdsOf(c.id)).toHaveLength(2);
    expect(await remainingOf(black)).toBe(8);
  });

  it("never holds one returned unit twice when two runs race", async () => {
    const { c, black, now } = await setup({ people: 5 });
    await Promise.all([
      backfillReturnedUnits(db, secret, now, 3),
      backfillReturnedUnits(db, secret, now, 3),
      backfillReturnedUnits(db, secret, now, 3),
    ]);
    // A run that lost a race stops; the next one picks up what is still open.
    expect((await holdsOf(c.id)).length).toBeLessThanOrEqual(2);
    await backfillReturnedUnits(db, secret, now, 3);
    const holds = await holdsOf(c.id);
    expect(holds).toHaveLength(2);
    expect(new Set(holds.map((h) => h.signup_id)).size).toBe(2);
    expect(await remainingOf(black)).toBe(8);
    const { stock, remaining } = (await variantsOf(c.id)).Black!;
    expect(stock).toBe(remaining + 2);
  });

  it("releases an expired hold to general stock exactly once", async () => {
    const { c, black, now } = await setup();
    await backfillReturnedUnits(db, secret, now, 3);
    await releaseExpiredHolds(db, now + 29 * MIN);
    expect((await holdsOf(c.id)).map((h) => h.status)).toEqual(["held", "held"]);
    // One hold was claimed by an order meanwhile: it stays claimed.
    const [first] = await holdsOf(c.id);
    expect(await remainingOf(black)).toBe(8);
    await env.DB.prepare("UPDATE holds SET status = 'claimed', claimed_at = ? WHERE id = ?")
      .bind(now, first!.id)
      .run();
    await Promise.all([
      releaseExpiredHolds(db, now + 31 * MIN),
      releaseExpiredHolds(db, now + 31 * MIN),
    ]);
    await releaseExpiredHolds(db, now + 40 * MIN);
    expect((await holdsOf(c.id)).map((h) => h.status).sort()).toEqual(["claimed", "released"]);
    expect(await remainingOf(black)).toBe(9);
    // A released unit is general stock now: not held again for someone else.
    expect((await backfillReturnedUnits(db, secret, now + 41 * MIN, 3)).held).toBe(0);
  });

  it("does nothing when backfill is off, the campaign is not in presale, or the return is old", async () => {
    const off = await setup({ backfill: false });
    expect((await backfillReturnedUnits(db, secret, off.now, 3)).held).toBe(0);
    expect(await holdsOf(off.c.id)).toHaveLength(0);

    const old = await setup();
    expect((await backfillReturnedUnits(db, secret, old.now + BACKFILL_WINDOW_MS, 3)).held).toBe(0);
    expect(await holdsOf(old.c.id)).toHaveLength(0);

    const paused = await setup();
    await ok(patchCampaign(paused.c.id, { status: "paused" }));
    expect((await backfillReturnedUnits(db, secret, paused.now, 3)).held).toBe(0);
    expect(await holdsOf(paused.c.id)).toHaveLength(0);
  });

  it("holds nothing when the unit was sold meanwhile or nobody is left in line", async () => {
    const sold = await setup();
    await env.DB.prepare("UPDATE variants SET remaining = 0 WHERE id = ?").bind(sold.black).run();
    expect((await backfillReturnedUnits(db, secret, sold.now, 3)).held).toBe(0);
    expect(await holdsOf(sold.c.id)).toHaveLength(0);
    const waves = await env.DB.prepare("SELECT count(*) AS n FROM waves WHERE campaign_id = ?")
      .bind(sold.c.id)
      .first<{ n: number }>();
    expect(waves!.n).toBe(0);

    const alone = await setup({ people: 1 });
    expect(await backfillReturnedUnits(db, secret, alone.now, 3)).toEqual({ held: 1, skipped: 0 });
    expect(await remainingOf(alone.black)).toBe(9);
  });

  it("the person left the line between the read and the batch: the whole batch is undone", async () => {
    const { c, black, people, now } = await setup({ people: 1 });
    // Unsubscribes right after being picked: the invite statements skip them.
    const { backfillStatements, nextReturnedUnit } = await import(
      "../../src/domain/preorders/backfill"
    );
    const unit = await nextReturnedUnit(db, now);
    expect(unit?.signupId).toBe(people[0]);
    const stmts = await backfillStatements(db, secret, unit!, now);
    await env.DB.prepare("UPDATE signups SET unsubscribed_at = ? WHERE id = ?")
      .bind(now, people[0])
      .run();
    await expect(db.batch(stmts as [never, ...never[]])).rejects.toThrow();
    expect(await holdsOf(c.id)).toHaveLength(0);
    expect(await remainingOf(black)).toBe(10);
    expect(await outboxOf(c.id, "invitation")).toHaveLength(0);
  });

  it("the invitee's order claims the held unit (not another from stock); the hold is not released", async () => {
    const { c, black, people, now } = await setup();
    // Real time, so the order (which runs at Date.now()) sees the hold unexpired.
    await env.DB.prepare("UPDATE preorders SET cancelled_at = ? WHERE campaign_id = ?")
      .bind(Date.now() - MIN, c.id)
      .run();
    await backfillReturnedUnits(db, secret, Date.now(), 3);
    expect(await remainingOf(black)).toBe(8);
    const person = await env.DB.prepare("SELECT email, token_version FROM signups WHERE id = ?")
      .bind(people[0])
      .first<{ email: string; token_version: number }>();
    const token = await deriveToken(secret, "status", people[0]!, person!.token_version);
    const res = await call(`/v1/campaigns/${c.slug}/preorders`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": `claim-${now}`,
        "CF-Connecting-IP": "198.51.100.7",
      },
      body: JSON.stringify({
        email: person!.email,
        status_token: token,
        items: [{ variant_id: black, quantity: 1 }],
      }),
    });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as { id: string; status: string };
    expect(placed.status).toBe("reserved");
    expect(await remainingOf(black)).toBe(8);
    const mine = (await holdsOf(c.id)).find((h) => h.signup_id === people[0])!;
    expect(mine.status).toBe("claimed");
    await releaseExpiredHolds(db, Date.now() + 31 * MIN);
    expect((await holdsOf(c.id)).find((h) => h.signup_id === people[0])!.status).toBe("claimed");
    // The other hold went back: 8 + 1.
    expect(await remainingOf(black)).toBe(9);
  });

  it("runs from the scheduled handler within one invocation's D1 budget", async () => {
    const { c, now } = await setup();
    const { db: guarded, usage } = guardD1(env.DB);
    const ctx = createExecutionContext();
    await scheduled(
      createScheduledController({ scheduledTime: now, cron: "* * * * *" }),
      { ...env, DB: guarded },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(usage.queries).toBeLessThanOrEqual(50);
    expect(usage.maxParams).toBeLessThanOrEqual(100);
    // One unit a minute (the budget is shared): the second comes next run.
    expect(await holdsOf(c.id)).toHaveLength(1);
  });
});
