import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SELF_REFERRAL_WINDOW_MS } from "../../src/domain/signups/referrals";
import { deriveToken } from "../../src/lib/tokens";
import {
  openCampaign,
  outboxRows,
  send,
  signup,
  signupByEmail,
  uniqueEmail,
} from "./signups-helpers";

const HOUR = 3_600_000;

async function confirm(campaignId: string, email: string) {
  const row = (await signupByEmail(campaignId, email))!;
  const token = await deriveToken(env.TOKEN_SECRET, "confirm", row.id, row.token_version);
  const { res } = await send(`/confirm/${token}`, { method: "POST" });
  expect(res.status).toBe(303);
}

/** A referrer (signed up and confirmed from `ip`) and its code. */
async function referrer(c: { id: string; slug: string }, ip = "198.51.100.10") {
  const email = uniqueEmail("referrer");
  await signup(c.slug, { email, consent: true }, { "CF-Connecting-IP": ip });
  await confirm(c.id, email);
  return (await signupByEmail(c.id, email))!;
}

describe("referrals", () => {
  it("credits the referrer only once the referred person confirms, exactly once", async () => {
    const c = await openCampaign({ referral_boost_hours: 24 });
    const ref = await referrer(c);
    const friend = uniqueEmail("friend");
    await signup(c.slug, {
      email: friend,
      consent: true,
      referral_code: ref.referral_code.toLowerCase(),
    });
    const pending = (await signupByEmail(c.id, friend))!;
    expect(pending.referred_by_signup_id).toBe(ref.id);
    expect(pending.review).toBe("ok");
    expect((await signupByEmail(c.id, ref.email!))!.verified_referrals).toBe(0);

    await confirm(c.id, friend);
    const credited = (await signupByEmail(c.id, ref.email!))!;
    expect(credited.verified_referrals).toBe(1);
    expect(credited.score).toBe(ref.score - 24 * HOUR);
    expect((await signupByEmail(c.id, friend))!.referral_credited_at).not.toBeNull();

    await confirm(c.id, friend);
    expect((await signupByEmail(c.id, ref.email!))!.verified_referrals).toBe(1);
  });

  it("without double opt-in, credits at once and sends the welcome with the place in line", async () => {
    const c = await openCampaign({ double_opt_in: false, referral_milestones: [1, 3] });
    const first = uniqueEmail("first");
    await signup(c.slug, { email: first, consent: true }, { "CF-Connecting-IP": "198.51.100.20" });
    const ref = (await signupByEmail(c.id, first))!;
    expect(ref.status).toBe("confirmed");
    const friend = uniqueEmail("friend");
    await signup(c.slug, { email: friend, consent: true, referral_code: ref.referral_code });
    expect((await signupByEmail(c.id, first))!.verified_referrals).toBe(1);

    const mail = await outboxRows(c.id);
    expect(mail.map((m) => [m.template, m.to_email])).toEqual([
      ["status_link", first],
      ["milestone", first],
      ["status_link", friend],
    ]);
    expect(mail[1]).toMatchObject({ category: "list", dedupe_key: `milestone:${ref.id}:1` });
    // The referrer moved up a day; the friend is behind them.
    expect(JSON.parse(mail[2]!.payload)).toEqual({
      position: 2,
      peopleAhead: 1,
      verifiedReferrals: 0,
    });
  });

  it("reaching the campaign's highest milestone invites the referrer early", async () => {
    const c = await openCampaign({ double_opt_in: false, referral_milestones: [1] });
    const first = uniqueEmail("early");
    await signup(c.slug, { email: first, consent: true }, { "CF-Connecting-IP": "198.51.100.21" });
    const ref = (await signupByEmail(c.id, first))!;
    const { res } = await signup(c.slug, {
      email: uniqueEmail("friend"),
      consent: true,
      referral_code: ref.referral_code,
    });
    expect(res.status).toBe(202);
    const invited = await env.DB.prepare("SELECT invited_at FROM signups WHERE id = ?")
      .bind(ref.id)
      .first<{ invited_at: number | null }>();
    expect(invited!.invited_at).not.toBeNull();
    const mine = (await outboxRows(c.id)).filter((m) => m.to_email === first);
    expect(mine.map((m) => m.template)).toEqual(["status_link", "milestone", "invitation"]);
  });

  it("flags a signup from the referrer's own IP (self-referral) and never credits it", async () => {
    const c = await openCampaign();
    const ip = "198.51.100.77";
    const ref = await referrer(c, ip);
    const sock = uniqueEmail("sock");
    await signup(
      c.slug,
      { email: sock, consent: true, referral_code: ref.referral_code },
      {
        "CF-Connecting-IP": `::ffff:${ip}`,
      },
    );
    expect(await signupByEmail(c.id, sock)).toMatchObject({
      review: "flagged",
      review_reason: "self_referral",
      referred_by_signup_id: ref.id,
    });
    await confirm(c.id, sock);
    expect((await signupByEmail(c.id, ref.email!))!.verified_referrals).toBe(0);
    expect((await signupByEmail(c.id, sock))!.referral_credited_at).toBeNull();
  });

  it("the same IP long after the referrer signed up is not self-referral", async () => {
    const c = await openCampaign();
    const ip = "198.51.100.78";
    const ref = await referrer(c, ip);
    await env.DB.prepare("UPDATE signups SET created_at = created_at - ? WHERE id = ?")
      .bind(SELF_REFERRAL_WINDOW_MS + HOUR, ref.id)
      .run();
    const housemate = uniqueEmail("housemate");
    await signup(
      c.slug,
      { email: housemate, consent: true, referral_code: ref.referral_code },
      {
        "CF-Connecting-IP": ip,
      },
    );
    expect((await signupByEmail(c.id, housemate))!.review).toBe("ok");
    await confirm(c.id, housemate);
    expect((await signupByEmail(c.id, ref.email!))!.verified_referrals).toBe(1);
  });

  it("flags disposable domains and does not credit them", async () => {
    const c = await openCampaign();
    const ref = await referrer(c);
    await signup(c.slug, {
      email: "x@sub.mailinator.com",
      consent: true,
      referral_code: ref.referral_code,
    });
    expect(await signupByEmail(c.id, "x@sub.mailinator.com")).toMatchObject({
      review: "flagged",
      review_reason: "disposable_domain",
    });
    await confirm(c.id, "x@sub.mailinator.com");
    expect((await signupByEmail(c.id, ref.email!))!.verified_referrals).toBe(0);
  });

  it("ignores unknown or malformed codes silently, and codes from another campaign", async () => {
    const other = await openCampaign();
    const foreign = await referrer(other);
    const c = await openCampaign();
    for (const code of ["ZZZZZZZZ", "not a code!", "", foreign.referral_code]) {
      const email = uniqueEmail("nocode");
      const { res } = await signup(c.slug, { email, consent: true, referral_code: code });
      expect(res.status).toBe(202);
      expect((await signupByEmail(c.id, email))!.referred_by_signup_id).toBeNull();
    }
  });

  it("records nothing when the campaign turns referrals off", async () => {
    const c = await openCampaign({ referral_enabled: false });
    const ref = await referrer(c);
    const email = uniqueEmail("off");
    await signup(c.slug, { email, consent: true, referral_code: ref.referral_code });
    expect((await signupByEmail(c.id, email))!.referred_by_signup_id).toBeNull();
  });
});
