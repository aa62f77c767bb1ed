import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { LAST_CHANCE_MS, sendReminders } from "../../src/domain/preorders/reminders";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { ok } from "../helpers/client";
import { seedSignups } from "../helpers/signup-seed";
import {
  outboxOf,
  presaleCampaign,
  seedOrders,
  variantsOf,
} from "../routes/admin-preorders-helpers";

const db = createDb(env.DB);
const HOUR = 3_600_000;

interface Invitee {
  invitedAgo: number;
  expiresIn?: number | null;
  revoked?: boolean;
  unsubscribed?: boolean;
  suppressed?: boolean;
  ordered?: boolean;
}

/** Signups holding a personal code, invited `invitedAgo` ms before `now`. Returns their ids. */
async function invite(campaignId: string, now: number, people: Invitee[]): Promise<string[]> {
  const ids = await seedSignups(
    campaignId,
    people.map((p) => ({
      status: "confirmed" as const,
      invited: true,
      unsubscribed: p.unsubscribed,
    })),
  );
  const rows = people.map((p, i) => ({
    s: ids[i],
    at: now - p.invitedAgo,
    exp: p.expiresIn == null ? null : now + p.expiresIn,
    rev: p.revoked ? now - 1 : null,
  }));
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE signups SET invited_at = (SELECT j.value ->> 'at' FROM json_each(?1) AS j
         WHERE j.value ->> 's' = signups.id) WHERE id IN (SELECT value ->> 's' FROM json_each(?1))`,
    ).bind(JSON.stringify(rows)),
    env.DB.prepare(
      `INSERT INTO invite_codes (id, campaign_id, kind, signup_id, code_hash, code_hint, max_uses,
         uses, expires_at, revoked_at, created_at, updated_at)
       SELECT 'inv_' || lower(hex(randomblob(13))), ?2, 'personal', j.value ->> 's',
         lower(hex(randomblob(32))), 'ABCD…X', 1, 0, j.value ->> 'exp', j.value ->> 'rev',
         j.value ->> 'at', j.value ->> 'at'
       FROM json_each(?1) AS j`,
    ).bind(JSON.stringify(rows), campaignId),
  ]);
  const emailOf = async (id: string) =>
    (await env.DB.prepare("SELECT email FROM signups WHERE id = ?")
      .bind(id)
      .first<{ email: string }>())!.email;
  const v = await variantsOf(campaignId);
  for (const [i, p] of people.entries()) {
    if (p.suppressed) {
      await env.DB.prepare(
        "INSERT INTO suppressions (id, email_normalized, reason) VALUES ('sup_' || lower(hex(randomblob(13))), lower(?), 'bounce')",
      )
        .bind(await emailOf(ids[i]!))
        .run();
    }
    if (p.ordered) {
      // Ordered (by email, without the status link) and cancelled since: still not nagged.
      await seedOrders(campaignId, [
        {
          email: await emailOf(ids[i]!),
          status: "cancelled",
          items: [{ variantId: v.Black!.id, quantity: 1 }],
        },
      ]);
    }
  }
  return ids;
}

const sentTo = async (campaignId: string, template: string) =>
  (await outboxOf(campaignId, template)).map((m) => m.signup_id).sort();

describe("reminders and last chance", () => {
  it("reminds invited people who have not ordered, once, after the delay", async () => {
    const now = Date.now();
    const c = await presaleCampaign({ reminder_after_hours: 24 });
    const ids = await invite(c.id, now, [
      { invitedAgo: 25 * HOUR },
      { invitedAgo: 2 * HOUR },
      { invitedAgo: 25 * HOUR, ordered: true },
      { invitedAgo: 25 * HOUR, unsubscribed: true },
      { invitedAgo: 25 * HOUR, revoked: true },
      { invitedAgo: 25 * HOUR, suppressed: true },
      { invitedAgo: 25 * HOUR, expiresIn: 30 * 24 * HOUR },
    ]);
    await sendReminders(db, now);
    expect(await sentTo(c.id, "reminder")).toEqual([ids[0], ids[6]].sort());
    expect(await sentTo(c.id, "last_chance")).toEqual([]);
    const mails = await outboxOf(c.id, "reminder");
    expect(mails.every((m) => m.category === "list")).toBe(true);
    const withExpiry = mails.find((m) => m.signup_id === ids[6])!;
    expect(withExpiry.payload).toEqual({ expiresAt: new Date(now + 30 * 24 * HOUR).toISOString() });
    expect(mails.find((m) => m.signup_id === ids[0])!.payload).toEqual({ expiresAt: null });

    // Later runs: nobody twice; the early one gets theirs when due.
    await sendReminders(db, now + 60_000);
    await sendReminders(db, now + 23 * HOUR);
    expect(await sentTo(c.id, "reminder")).toEqual([ids[0], ids[1], ids[6]].sort());
    const counts = await env.DB.prepare("SELECT id, reminder_count FROM signups WHERE id IN (?, ?)")
      .bind(ids[0], ids[2])
      .all<{ id: string; reminder_count: number }>();
    expect(Object.fromEntries(counts.results.map((r) => [r.id, r.reminder_count]))).toEqual({
      [ids[0]!]: 1,
      [ids[2]!]: 0,
    });
  });

  it("sends one last chance in the last day before the invite expires or the campaign closes", async () => {
    const now = Date.now();
    const c = await presaleCampaign({ reminder_after_hours: 24 });
    const ids = await invite(c.id, now, [
      { invitedAgo: 48 * HOUR, expiresIn: 10 * HOUR },
      // Invited within the last day: the invitation was their last chance.
      { invitedAgo: 2 * HOUR, expiresIn: 10 * HOUR },
      { invitedAgo: 48 * HOUR, expiresIn: 30 * HOUR },
    ]);
    await sendReminders(db, now);
    expect(await sentTo(c.id, "last_chance")).toEqual([ids[0]]);
    // The plain reminder is skipped once the last day has begun.
    expect(await sentTo(c.id, "reminder")).toEqual([ids[2]]);
    const [mail] = await outboxOf(c.id, "last_chance");
    expect(mail!.payload).toEqual({
      expiresAt: new Date(now + 10 * HOUR).toISOString(),
      remaining: 15,
    });
    await sendReminders(db, now + 7 * HOUR);
    expect(await sentTo(c.id, "last_chance")).toEqual([ids[0], ids[2]].sort());
    await sendReminders(db, now + 9 * HOUR);
    expect(await outboxOf(c.id, "last_chance")).toHaveLength(2);

    const closing = await presaleCampaign({
      reminder_after_hours: null,
      show_remaining: false,
      closes_at: new Date(now + 12 * HOUR).toISOString(),
    });
    const people = await invite(closing.id, now, [
      { invitedAgo: 72 * HOUR },
      { invitedAgo: 72 * HOUR },
    ]);
    await sendReminders(db, now);
    expect(await sentTo(closing.id, "last_chance")).toEqual([...people].sort());
    expect(await sentTo(closing.id, "reminder")).toEqual([]);
    expect((await outboxOf(closing.id, "last_chance"))[0]!.payload).toEqual({
      expiresAt: new Date(now + 12 * HOUR).toISOString(),
      remaining: null,
    });
  });

  it("stays quiet when reminders are off, the campaign is not selling, or nothing is left", async () => {
    const now = Date.now();
    const off = await presaleCampaign({ reminder_after_hours: 24, reminder_max_count: 0 });
    await invite(off.id, now, [{ invitedAgo: 48 * HOUR, expiresIn: 2 * HOUR }]);
    const paused = await presaleCampaign({ reminder_after_hours: 24 });
    await invite(paused.id, now, [{ invitedAgo: 48 * HOUR }]);
    await ok(patchCampaign(paused.id, { status: "paused" }));
    const soldOut = await presaleCampaign({ reminder_after_hours: 24 });
    await invite(soldOut.id, now, [{ invitedAgo: 48 * HOUR }]);
    await env.DB.prepare("UPDATE variants SET remaining = 0 WHERE campaign_id = ?")
      .bind(soldOut.id)
      .run();

    await sendReminders(db, now);
    for (const c of [off, paused, soldOut]) {
      expect(await outboxOf(c.id, "reminder")).toEqual([]);
      expect(await outboxOf(c.id, "last_chance")).toEqual([]);
    }
    expect(LAST_CHANCE_MS).toBe(24 * HOUR);
  });
});
