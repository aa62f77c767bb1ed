import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { Stmt } from "../../src/domain/campaigns/statements";
import { applyMilestoneRewards, milestoneStatement } from "../../src/domain/milestones";
import { creditReferralStatements } from "../../src/domain/signups/referrals";
import { newCampaign } from "../helpers/campaign-fixtures";
import { seedSignups } from "../helpers/signup-seed";
import { column, openCampaign, scalar } from "../routes/waves-fixtures";

const db = createDb(env.DB);

/** The credit without the signups area's own milestone email, then ours. */
const credit = (ids: string[], now: number): Stmt[] => [
  ...creditReferralStatements(db, ids, now).slice(0, 2),
  milestoneStatement(db, ids, now),
];
const run = (stmts: Stmt[]) => db.batch(stmts as [Stmt, ...Stmt[]]);

/** A referrer in line and `n` confirmed people it referred, not yet credited. */
async function referrer(campaignId: string, n: number, extra: { unsubscribed?: boolean } = {}) {
  const [r] = await seedSignups(campaignId, [{ status: "confirmed", ...extra }]);
  const referred = await seedSignups(
    campaignId,
    Array.from({ length: n }, () => ({ status: "confirmed" as const, referredBy: r })),
  );
  return { id: r as string, referred };
}

const mails = (signupId: string, template: string) =>
  column(
    "SELECT dedupe_key FROM outbox_emails WHERE signup_id = ? AND template = ? ORDER BY dedupe_key",
    signupId,
    template,
  );

describe("referral milestones", () => {
  it("sends each milestone's email once, even when credits race or repeat", async () => {
    const c = await openCampaign("waitlist", { referral_milestones: [1, 2] });
    const r = await referrer(c.id, 2);
    const [a, b] = r.referred as [string, string];
    const now = Date.now();
    await Promise.all([run(credit([a], now)), run(credit([b], now + 1))]);
    await Promise.all([run(credit([a], now + 2)), run(credit([a, b], now + 3))]);
    expect(await scalar("SELECT verified_referrals FROM signups WHERE id = ?", r.id)).toBe(2);
    expect(await mails(r.id, "milestone")).toEqual([`milestone:${r.id}:1`, `milestone:${r.id}:2`]);
    const [payload] = await column<string>(
      "SELECT payload FROM outbox_emails WHERE dedupe_key = ?",
      `milestone:${r.id}:2`,
    );
    expect(JSON.parse(payload as string)).toEqual({ referrals: 2, position: expect.any(Number) });

    // Credited two at once (0 → 2): the highest milestone reached, once.
    const jump = await referrer(c.id, 2);
    await run(credit(jump.referred, now));
    await run(credit(jump.referred, now + 1));
    expect(await mails(jump.id, "milestone")).toEqual([`milestone:${jump.id}:2`]);
  });

  it("invites early on reaching the highest milestone, once under concurrent checks", async () => {
    const c = await openCampaign("waitlist", { referral_milestones: [1, 2] });
    const top = await referrer(c.id, 2);
    const below = await referrer(c.id, 1);
    const unsubscribed = await referrer(c.id, 2, { unsubscribed: true });
    const now = Date.now();
    const all = [...top.referred, ...below.referred, ...unsubscribed.referred];
    await run(credit(all, now));
    const secret = env.TOKEN_SECRET;
    await Promise.all([
      applyMilestoneRewards(db, secret, top.referred, now + 1),
      applyMilestoneRewards(db, secret, all, now + 2),
    ]);
    await applyMilestoneRewards(db, secret, all, now + 3);

    const invited = await column(
      "SELECT id FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL",
      c.id,
    );
    expect(invited).toEqual([top.id]);
    expect(await mails(top.id, "invitation")).toEqual([`invitation:${top.id}`]);
    expect(
      await scalar(
        "SELECT count(*) FROM invite_codes WHERE signup_id = ? AND kind = 'personal'",
        top.id,
      ),
    ).toBe(1);
    expect(
      await scalar(
        "SELECT count(*) FROM audit_log WHERE target_id = ? AND action = 'signup.invite'",
        top.id,
      ),
    ).toBe(1);
    expect(await scalar("SELECT count(*) FROM invite_codes WHERE campaign_id = ?", c.id)).toBe(1);
  });

  it("gives no invite while the campaign is a draft, or without milestones", async () => {
    const draft = await newCampaign({ referral_milestones: [1] });
    const none = await openCampaign();
    const now = Date.now();
    for (const campaignId of [draft.id, none.id]) {
      const r = await referrer(campaignId, 1);
      await run(credit(r.referred, now));
      expect(await applyMilestoneRewards(db, env.TOKEN_SECRET, r.referred, now)).toEqual([]);
      expect(await scalar("SELECT invited_at FROM signups WHERE id = ?", r.id)).toBeNull();
    }
    expect(await applyMilestoneRewards(db, env.TOKEN_SECRET, [], now)).toEqual([]);
  });
});
