import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { inviteCodes } from "../../src/db/schema";
import { issueReferrerCodes } from "../../src/domain/invites/quota";
import { codeLookupHash, derivePersonalCode } from "../../src/lib/tokens";
import { call, lastUsage } from "../helpers/client";
import {
  BOOST,
  bearer,
  db,
  HOUR,
  type Loose,
  makeCampaign,
  makeSignup,
  positionOf,
  statusJson,
  tokenFor,
} from "./status-fixtures";

const T = Date.UTC(2026, 0, 1);

describe("GET /v1/status and /s/{token}", () => {
  it("the page and the JSON agree, in one D1 round trip", async () => {
    const c = await makeCampaign({ name: "Aurora <Lamp>" });
    await makeSignup(c.id, { at: T });
    await makeSignup(c.id, { at: T + 1000 });
    const me = await makeSignup(c.id, { at: T + 2000, email: "jane.doe@example.com" });
    const token = await tokenFor(me.id);

    const res = await call("/v1/status", bearer(token));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    // Two reads in one batch: the signup with its place, and its invite codes.
    expect(lastUsage?.queries).toBe(2);
    const body = (await res.json()) as Loose;
    expect(body).toMatchObject({
      status: "confirmed",
      review: "ok",
      audience: "inside",
      unsubscribed: false,
      in_line: true,
      position: 3,
      people_ahead: 2,
      referral_code: me.referralCode,
      referral_url: `https://presale.test/c/${c.slug}?ref=${me.referralCode}`,
      verified_referrals: 0,
      referral_boost_seconds: 86_400,
      invite: null,
      codes_to_share: { count: 0, active: 0, codes: [] },
      campaign: { name: "Aurora <Lamp>", slug: c.slug, status: "waitlist" },
      signed_up_at: new Date(T + 2000).toISOString(),
    });
    expect(JSON.stringify(body)).not.toContain("jane.doe");

    const page = await call(`/s/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(lastUsage?.queries).toBe(2);
    const html = await page.text();
    expect(html).toContain("You are number 3 in line");
    expect(html).toContain("People ahead of you: 2");
    expect(html).toContain(`value="https://presale.test/c/${c.slug}?ref=${me.referralCode}"`);
    expect(html).toContain("Aurora &lt;Lamp&gt;");
    expect(html).toContain("moves you up by 1 day");
    expect(html).toContain("j•••@example.com");
    expect(html).not.toContain("jane.doe@example.com");
    expect(html).toContain(`action="/s/${token}/unsubscribe?locale=en"`);
    expect(html).toContain(`action="/s/${token}/delete?locale=en"`);
    expect(html).toContain('<script src="/assets/copy.js?v=1" defer');
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it("speaks the signup's language unless ?locale= says otherwise", async () => {
    const c = await makeCampaign();
    const me = await makeSignup(c.id, { locale: "uz" });
    const token = await tokenFor(me.id);
    const uz = await (await call(`/s/${token}`, { headers: { "Accept-Language": "en" } })).text();
    expect(uz).toContain('lang="uz"');
    expect(uz).toContain("Siz navbatda 1-oʻrindasiz");
    const en = await (await call(`/s/${token}?locale=en`)).text();
    expect(en).toContain('lang="en"');
    expect(en).toContain("You are number 1 in line");
  });

  it("ties go to the earlier signup, then the smaller id", async () => {
    const c = await makeCampaign();
    const late = await makeSignup(c.id, { at: T + 5000 });
    const early = await makeSignup(c.id, { at: T });
    const b = await makeSignup(c.id, { at: T + 1000, id: "sgn_tie_b" });
    const a = await makeSignup(c.id, { at: T + 1000, id: "sgn_tie_a" });
    expect(await positionOf(early.id)).toBe(1);
    expect(await positionOf(a.id)).toBe(2);
    expect(await positionOf(b.id)).toBe(3);
    expect(await positionOf(late.id)).toBe(4);
  });

  it("positions follow confirmations and referral credits (one boost per verified referral)", async () => {
    const c = await makeCampaign();
    const first = await makeSignup(c.id, { at: T });
    const second = await makeSignup(c.id, { at: T + 10 * HOUR });
    const me = await makeSignup(c.id, { at: T + 30 * HOUR });
    expect((await statusJson(me.id)).people_ahead).toBe(2);

    // A friend signs up with my code (pending); confirming it credits me: 30 h − 24 h = 6 h.
    const friend = await makeSignup(c.id, {
      at: T + 40 * HOUR,
      status: "pending",
      referredBy: me.id,
    });
    expect(await positionOf(friend.id)).toBeNull();
    const confirm = await tokenFor(friend.id, "confirm");
    const res = await call(`/confirm/${confirm}`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(303);
    const mine = await statusJson(me.id);
    expect(mine).toMatchObject({ verified_referrals: 1, position: 2, people_ahead: 1 });
    expect(await positionOf(second.id)).toBe(3);
    expect(await positionOf(first.id)).toBe(1);
    // The friend is now in line too, behind everyone who signed up earlier.
    expect(await positionOf(friend.id)).toBe(4);
  });

  it("pending, flagged, rejected, outside the audience and invited have no position", async () => {
    const c = await makeCampaign();
    await makeSignup(c.id, { at: T });
    const cases = [
      [{ status: "pending" as const }, "pending", "Confirm your email address"],
      [{ review: "flagged" as const }, "confirmed", "being checked"],
      [{ review: "rejected" as const }, "confirmed", "was not accepted"],
      [{ audience: "outside_audience" as const }, "confirmed", "limited audience"],
      [{ invitedAt: T + 5 }, "invited", "You are invited"],
    ] as const;
    for (const [opts, status, text] of cases) {
      const s = await makeSignup(c.id, { at: T + 1, ...opts });
      const body = await statusJson(s.id);
      expect(body, JSON.stringify(opts)).toMatchObject({
        status,
        in_line: false,
        position: null,
        people_ahead: null,
      });
      const html = await (await call(`/s/${await tokenFor(s.id)}`)).text();
      expect(html).toContain(text);
      expect(html).not.toContain("in line</h2>");
    }
    // None of them counts as ahead of a later confirmed signup.
    expect(await positionOf((await makeSignup(c.id, { at: T + 10 })).id)).toBe(2);
  });

  it("a pending signup gets no referral link; referrals off hides it for everyone", async () => {
    const c = await makeCampaign();
    const pending = await makeSignup(c.id, { status: "pending" });
    expect(await statusJson(pending.id)).toMatchObject({ referral_code: null, referral_url: null });
    const off = await makeCampaign({ referralEnabled: false });
    const s = await makeSignup(off.id);
    expect(await statusJson(s.id)).toMatchObject({ referral_code: null, referral_url: null });
    expect(await (await call(`/s/${await tokenFor(s.id)}`)).text()).not.toContain("referral-link");
  });

  it("shows the personal invite code and the hand-out codes, all re-derived", async () => {
    const c = await makeCampaign({ status: "presale", referralInviteQuota: 2 });
    const me = await makeSignup(c.id, { invitedAt: T });
    const [a, b] = await issueReferrerCodes(
      db,
      { TOKEN_SECRET: env.TOKEN_SECRET },
      { id: c.id, referralInviteQuota: 2 },
      me.id,
      Date.now(),
    );
    const personal = await derivePersonalCode(env.TOKEN_SECRET, c.id, me.id, 1);
    const future = Date.now() + 1000 * HOUR;
    await db.insert(inviteCodes).values([
      {
        campaignId: c.id,
        kind: "personal",
        signupId: me.id,
        codeHash: await codeLookupHash(env.TOKEN_SECRET, personal.body),
        codeHint: "XXXX…XXXX",
        expiresAt: future,
      },
    ]);
    await env.DB.prepare("UPDATE invite_codes SET uses = 1 WHERE code_hash = ?")
      .bind(b?.hash)
      .run();
    const body = await statusJson(me.id);
    expect(body.status).toBe("invited");
    expect(body.invite).toEqual({
      code: personal.code,
      status: "active",
      expires_at: new Date(future).toISOString(),
    });
    expect(body.codes_to_share.count).toBe(2);
    expect(body.codes_to_share.active).toBe(1);
    expect(body.codes_to_share.codes).toEqual([
      { code: a?.code, hint: a?.hint, status: "active", uses_left: 1, expires_at: null },
      { code: b?.code, hint: b?.hint, status: "used_up", uses_left: 0, expires_at: null },
    ]);
    const html = await (await call(`/s/${await tokenFor(me.id)}`)).text();
    expect(html).toContain(personal.code);
    expect(html).toContain(`value="${a?.code}"`);
    expect(html).toContain("You have 2 codes to give to friends (1 still unused)");
  });

  it("invited without a code row yet: invited, no code", async () => {
    const c = await makeCampaign();
    const me = await makeSignup(c.id, { invitedAt: T });
    expect(await statusJson(me.id)).toMatchObject({ status: "invited", invite: null });
  });

  it("verified referrals count toward the score by the campaign's boost", async () => {
    const c = await makeCampaign();
    const a = await makeSignup(c.id, { at: T });
    const b = await makeSignup(c.id, { at: T + BOOST - 1, verifiedReferrals: 1 });
    expect(await positionOf(b.id)).toBe(1);
    expect(await positionOf(a.id)).toBe(2);
  });
});
