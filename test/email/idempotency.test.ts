/**
 * Exactly once when replies are lost: a retried call repeats its idempotency
 * key (the batch's rows travel together again), including after a crash that
 * leaves rows in `sending` until the cron sweep requeues them.
 */
import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { outboxEmails } from "../../src/db/schema";
import { batchKey, drainOutbox, OUTBOX_LEASE_MS } from "../../src/email/drain";
import { outboxInsertMany } from "../../src/email/outbox";
import { Pacer } from "../../src/email/pacing";
import { sweepOutbox } from "../../src/email/sweep";
import {
  db,
  FakeClock,
  fakeResend,
  guardedDrain,
  resendSettings,
  type SeededSignup,
  seedCampaign,
  seedSignups,
  statusCounts,
  T0,
  uniqueKey,
} from "./helpers";

let campaign: { id: string; slug: string };
beforeAll(async () => {
  campaign = await seedCampaign();
});

async function queue(people: SeededSignup[], at: number) {
  for (const s of outboxInsertMany(
    db,
    {
      template: "status_link",
      campaignId: campaign.id,
      payload: { position: 2, peopleAhead: 1 },
      rows: people.map((p) => ({ to: p.email, signupId: p.id })),
    },
    at,
  )) {
    await s;
  }
  const rows = await db
    .select({ id: outboxEmails.id })
    .from(outboxEmails)
    .where(eq(outboxEmails.createdAt, at));
  return rows.map((r) => r.id);
}

const noQueue = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue;

describe("lost replies", () => {
  it("a batch whose 500 came after delivery is retried under the same key and delivered once", async () => {
    const key = uniqueKey("lost");
    const fake = fakeResend(key);
    await fake.faults({ fail500: 1, fail500Delivered: 1 });
    const ids = await queue(await seedSignups(campaign.id, 5), T0 + 10);
    const clock = new FakeClock(T0 + 10);
    const settings = resendSettings(key);
    const first = await guardedDrain({ clock, settings, pacer: new Pacer(100) });
    expect(first).toMatchObject({ claimed: 5, calls: 1, retrying: 5 });
    const markers = await db
      .selectDistinct({ m: outboxEmails.providerMessageId, at: outboxEmails.nextAttemptAt })
      .from(outboxEmails)
      .where(eq(outboxEmails.createdAt, T0 + 10));
    expect(markers).toEqual([{ m: `key:${await batchKey(ids)}`, at: expect.any(Number) }]);

    await fake.faults({ fail500: 0 });
    clock.t = markers[0]!.at!;
    // A limit smaller than the batch still claims the whole batch.
    const second = await guardedDrain({ clock, settings, pacer: new Pacer(100), limit: 2 });
    expect(second).toMatchObject({ claimed: 5, calls: 1, sent: 5 });
    expect(await statusCounts(ids)).toEqual({ sent: 5 });
    const { deliveries, statuses } = await fake.deliveries();
    expect(deliveries).toHaveLength(5);
    expect(statuses).toEqual({ "200": 1, "500": 1 });
    // The stored provider ids are the ones from the (replayed) first delivery.
    const stored = await db
      .select({ pid: outboxEmails.providerMessageId })
      .from(outboxEmails)
      .where(eq(outboxEmails.createdAt, T0 + 10));
    expect(new Set(stored.map((r) => r.pid))).toEqual(new Set(deliveries.map((d) => d.id)));
  });

  it("a drain that dies after the provider accepted: the sweep requeues, the retry is deduplicated", async () => {
    const key = uniqueKey("crash");
    const fake = fakeResend(key);
    const ids = await queue(await seedSignups(campaign.id, 4), T0 + 20);
    const clock = new FakeClock(T0 + 20);
    const settings = resendSettings(key);
    // D1 fails on the outcome write: the run ends with its rows still `sending`.
    const dying = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "prepare") {
          return (q: string) => {
            if (/status = j\.value ->> 's'/.test(q)) throw new Error("isolate evicted");
            return target.prepare(q);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    await expect(
      drainOutbox(createDb(dying), env, { clock, settings, queue: null, pacer: new Pacer(100) }),
    ).rejects.toThrow(/Failed to run the query/);
    expect(await statusCounts(ids)).toEqual({ sending: 4 });
    expect((await fake.deliveries()).deliveries).toHaveLength(4);

    // Within the lease nothing happens; past it the sweep requeues and kicks.
    expect(await sweepOutbox(db, noQueue, clock.t + 1000)).toMatchObject({ requeued: 0 });
    clock.t += OUTBOX_LEASE_MS + 1;
    expect(await sweepOutbox(db, noQueue, clock.t)).toMatchObject({ requeued: 4, kicked: true });
    const r = await guardedDrain({ clock, settings, pacer: new Pacer(100) });
    expect(r).toMatchObject({ claimed: 4, calls: 1, sent: 4 });
    expect(await statusCounts(ids)).toEqual({ sent: 4 });
    const { deliveries, statuses } = await fake.deliveries();
    expect(deliveries).toHaveLength(4);
    expect(statuses).toEqual({ "200": 2 });
    const [{ attempts } = { attempts: 0 }] = await db
      .select({ attempts: outboxEmails.attempts })
      .from(outboxEmails)
      .where(eq(outboxEmails.id, ids[0]!));
    expect(attempts).toBe(2);
  });

  it("a single that failed ambiguously is never folded into a batch later", async () => {
    const key = uniqueKey("single");
    const fake = fakeResend(key);
    await fake.faults({ fail500: 1, fail500Delivered: 1 });
    const [lone] = await queue(await seedSignups(campaign.id, 1), T0 + 30);
    const clock = new FakeClock(T0 + 30);
    const settings = resendSettings(key);
    await guardedDrain({ clock, settings, pacer: new Pacer(100) });
    await fake.faults({ fail500: 0 });
    // More mail becomes due at the same time: fresh rows batch, the lone one stays single.
    const [{ at } = { at: 0 }] = await db
      .select({ at: outboxEmails.nextAttemptAt })
      .from(outboxEmails)
      .where(eq(outboxEmails.id, lone!));
    clock.t = at!;
    const others = await queue(await seedSignups(campaign.id, 3), at!);
    const r = await guardedDrain({ clock, settings, pacer: new Pacer(100) });
    expect(r).toMatchObject({ claimed: 4, sent: 4, calls: 2 });
    const { deliveries } = await fake.deliveries();
    expect(deliveries).toHaveLength(4);
    expect(deliveries.filter((d) => d.key === lone)).toHaveLength(1);
    const othersKey = await batchKey(others);
    expect(deliveries.filter((d) => d.key === othersKey)).toHaveLength(3);
    const [n] = await db.all<{ n: number }>(
      sql`SELECT count(*) AS n FROM outbox_emails WHERE provider_message_id LIKE 'key:%'
        AND id IN (SELECT value FROM json_each(${JSON.stringify([lone, ...others])}))`,
    );
    expect(n!.n).toBe(0);
  });
});
