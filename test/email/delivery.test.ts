/**
 * Delivery against the fake Resend (scripts/fake-resend.mjs) through the real
 * `resend` SDK: faults, idempotency, backoff, the send rate. Time is a fake
 * clock passed into the drain, so hours of backoff run in milliseconds.
 */
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { outboxEmails } from "../../src/db/schema";
import { EMAIL_MAX_ATTEMPTS } from "../../src/email/drain";
import { outboxInsert, outboxInsertMany, retryEmail } from "../../src/email/outbox";
import { estimateDrainSeconds, Pacer } from "../../src/email/pacing";
import { resendProvider } from "../../src/email/providers/resend";
import {
  db,
  drainAll,
  FakeClock,
  fakeResend,
  guardedDrain,
  outboxRow,
  resendSettings,
  type SeededSignup,
  seedCampaign,
  seedSignups,
  statusCounts,
  T0,
  uniqueKey,
} from "./helpers";

let campaign: { id: string; slug: string };
let people: SeededSignup[];

beforeAll(async () => {
  campaign = await seedCampaign();
  people = await seedSignups(campaign.id, 1000);
});

/** Queue one status_link (transactional) per person, set-based. */
async function queueStatusLinks(who: SeededSignup[], at = T0) {
  const ids: string[] = [];
  for (let i = 0; i < who.length; i += 400) {
    const statements = outboxInsertMany(
      db,
      {
        template: "status_link",
        campaignId: campaign.id,
        payload: { position: null, peopleAhead: null },
        rows: who.slice(i, i + 400).map((p) => ({ to: p.email, signupId: p.id })),
      },
      at,
    );
    for (const s of statements) await s;
  }
  const rows = await db
    .select({ id: outboxEmails.id })
    .from(outboxEmails)
    .where(eq(outboxEmails.createdAt, at));
  ids.push(...rows.map((r) => r.id));
  return ids;
}

describe("1000 messages against a faulty provider", () => {
  it("all end sent, each delivered exactly once, with 30% 500s and some 429s", async () => {
    const key = uniqueKey("thousand");
    const fake = fakeResend(key);
    // 30% of requests fail with 500; half of those AFTER delivering (the reply is
    // lost: only the idempotency key prevents a second delivery); 5% get 429.
    await fake.faults({
      fail500: 0.3,
      fail500Delivered: 0.5,
      rate429: 0.05,
      retryAfterSeconds: 2,
      seed: 7,
    });
    const ids = await queueStatusLinks(people, T0 + 1);
    expect(ids).toHaveLength(1000);

    const clock = new FakeClock(T0 + 1);
    const settings = resendSettings(key);
    // Batches of 20 make ~50+ provider calls, so the faults hit many of them.
    const run = await drainAll(clock, { settings, batchSize: 20, random: () => 0.5 });

    expect(await statusCounts(ids)).toEqual({ sent: 1000 });
    const { deliveries, byKey, statuses } = await fake.deliveries();
    // Exactly one delivery per message: no recipient twice, none missing.
    const recipients = deliveries.map((d) => d.to);
    expect(new Set(recipients).size).toBe(1000);
    expect(recipients).toHaveLength(1000);
    expect(new Set(recipients)).toEqual(new Set(people.map((p) => p.email)));
    // No idempotency key was ever delivered twice (a batch key delivers its batch once).
    const sizes = new Map<string, number>();
    for (const d of deliveries) sizes.set(d.key ?? "", (sizes.get(d.key ?? "") ?? 0) + 1);
    for (const [k, n] of Object.entries(byKey)) expect(n).toBe(sizes.get(k));
    expect(deliveries.every((d) => d.key)).toBe(true);
    // The faults really happened.
    expect(statuses["500"] ?? 0).toBeGreaterThan(5);
    expect(statuses["429"] ?? 0).toBeGreaterThan(0);
    // Every provider id is the one the fake issued for that recipient.
    const rows = await db
      .select({ to: outboxEmails.toEmail, pid: outboxEmails.providerMessageId })
      .from(outboxEmails)
      .where(inArray(outboxEmails.id, ids.slice(0, 90)));
    const issued = new Map(deliveries.map((d) => [d.to, d.id]));
    for (const r of rows) expect(r.pid).toBe(issued.get(r.to as string));
    // Each drain stayed within one invocation's D1 budget.
    expect(run.maxQueries).toBeLessThanOrEqual(10);
  });
});

describe("retries and permanent failures", () => {
  it("a message failing past the limit ends failed; retryEmail requeues it and it sends", async () => {
    const key = uniqueKey("limit");
    const fake = fakeResend(key);
    await fake.faults({ fail500: 1 });
    const [person] = await seedSignups(campaign.id, 1);
    const id = `eml_limit${Date.now()}`;
    await outboxInsert(
      db,
      {
        id,
        template: "status_link",
        to: person!.email,
        campaignId: campaign.id,
        signupId: person!.id,
        payload: { position: 3, peopleAhead: 2 },
      },
      T0,
    );
    const clock = new FakeClock(T0);
    const settings = resendSettings(key);
    const run = await drainAll(clock, { settings });
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: "failed", attempts: EMAIL_MAX_ATTEMPTS });
    expect(row!.lastError).toMatch(/gave up after 8 attempts: 500 internal_server_error/);
    expect(run.results.filter((r) => r.calls > 0)).toHaveLength(EMAIL_MAX_ATTEMPTS);
    // Backoff grew between attempts: the whole run took minutes of (fake) time.
    expect(clock.t - T0).toBeGreaterThan(10 * 60_000);

    await fake.faults({ fail500: 0 });
    expect(await retryEmail(db, id, clock.t)).toBe("requeued");
    expect(await outboxRow(id)).toMatchObject({ status: "queued", attempts: 0, lastError: null });
    expect(await retryEmail(db, id, clock.t)).toBe("not_failed");
    expect(await retryEmail(db, "eml_nope", clock.t)).toBe("not_found");
    await drainAll(clock, { settings });
    expect(await outboxRow(id)).toMatchObject({ status: "sent", attempts: 1 });
    expect((await fake.deliveries()).deliveries).toHaveLength(1);
  });

  it("a 422 is permanent at once; in a batch only the invalid message fails", async () => {
    const key = uniqueKey("invalid");
    const fake = fakeResend(key);
    const good = await seedSignups(campaign.id, 3);
    const bad = "not-an-address";
    const ids = ["a", "b", "c", "d"].map((s) => `eml_inv${s}${Date.now()}`);
    const insertBad = outboxInsert(
      db,
      {
        id: ids[3],
        template: "status_link",
        to: bad,
        campaignId: campaign.id,
        signupId: good[0]!.id,
        payload: { position: 1, peopleAhead: 0 },
      },
      T0,
    );
    await db.batch([
      insertBad,
      ...good.map((p, i) =>
        outboxInsert(
          db,
          {
            id: ids[i],
            template: "status_link",
            to: p.email,
            campaignId: campaign.id,
            signupId: p.id,
            payload: { position: 1, peopleAhead: 0 },
          },
          T0,
        ),
      ),
    ]);
    const clock = new FakeClock(T0);
    const r = await guardedDrain({ clock, settings: resendSettings(key), pacer: new Pacer(100) });
    expect(r).toMatchObject({ claimed: 4, sent: 3, failed: 1 });
    const failed = await outboxRow(ids[3]!);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed!.lastError).toMatch(
      /rejected by resend: 422 validation_error: Invalid `to` field/,
    );
    const { deliveries, statuses } = await fake.deliveries();
    expect(deliveries.map((d) => d.to).sort()).toEqual(good.map((p) => p.email).sort());
    // One rejected batch, then the four singly: three accepted, one 422.
    expect(statuses).toEqual({ "200": 3, "422": 2 });
  });

  it("a 429 reschedules after retry-after without burning attempts", async () => {
    const key = uniqueKey("ratelimited");
    const fake = fakeResend(key);
    await fake.faults({ rate429: 1, retryAfterSeconds: 30 });
    const [person] = await seedSignups(campaign.id, 1);
    const id = `eml_429${Date.now()}`;
    await outboxInsert(
      db,
      {
        id,
        template: "status_link",
        to: person!.email,
        signupId: person!.id,
        payload: { position: 1, peopleAhead: 0 },
      },
      T0,
    );
    const clock = new FakeClock(T0);
    const settings = resendSettings(key);
    for (let i = 0; i < 3; i++) {
      const r = await guardedDrain({ clock, settings, pacer: new Pacer(100) });
      expect(r).toMatchObject({ claimed: 1, calls: 1, deferred: 1 });
      const row = await outboxRow(id);
      expect(row).toMatchObject({
        status: "queued",
        attempts: 0,
        nextAttemptAt: r.callTimes[0]! + 30_000,
      });
      expect(row!.lastError).toMatch(/429 rate_limit_exceeded/);
      // Not due yet: a drain before retry-after claims nothing.
      expect((await guardedDrain({ clock, settings })).claimed).toBe(0);
      clock.t += 30_000;
    }
    await fake.faults({ rate429: 0 });
    await guardedDrain({ clock, settings });
    expect(await outboxRow(id)).toMatchObject({ status: "sent", attempts: 1 });
  });
});

describe("the send rate", () => {
  it("holds EMAIL_SEND_RATE provider calls per second, and the ETA matches", async () => {
    const key = uniqueKey("rate");
    const fake = fakeResend(key);
    await fake.faults({ latencyMs: 0 });
    const who = await seedSignups(campaign.id, 60);
    await queueStatusLinks(who, T0 + 2);
    const clock = new FakeClock(T0 + 2);
    const settings = resendSettings(key, { EMAIL_SEND_RATE: 2 });
    const pacer = new Pacer(2);
    // Batches of 5: 12 calls, which at 2/s must take at least 5.5 s of clock time.
    const run = await drainAll(clock, { settings, pacer, batchSize: 5 });
    const times = run.results.flatMap((r) => r.callTimes);
    expect(times).toHaveLength(12);
    // No window of one second holds more than 2 calls.
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(2);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(5_500);
    expect((await fake.deliveries()).deliveries).toHaveLength(60);
    // 12 calls at 525 ms, plus one drain gap.
    expect(estimateDrainSeconds(60, 2, 5)).toBe(8);
    // 100 calls (52.5 s) in 20 drains of 500.
    expect(estimateDrainSeconds(10_000, 2)).toBe(73);
    expect(estimateDrainSeconds(0, 2)).toBe(0);
  });

  it("the provider maps network failures to an ambiguous retry", async () => {
    const provider = resendProvider("re_x", "http://127.0.0.1:9");
    const outcome = await provider.send(
      [
        {
          rowId: "eml_x",
          from: "a@example.com",
          to: "b@example.com",
          subject: "s",
          html: "<p>h</p>",
          text: "h",
          meta: { template: "status_link", links: {} },
        },
      ],
      "eml_x",
    );
    expect(outcome).toMatchObject({
      kind: "retry",
      ambiguous: true,
      rateLimited: false,
      status: null,
    });
  });
});
