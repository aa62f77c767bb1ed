import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { formatCode } from "../../src/lib/base32";
import { newCampaign } from "../helpers/campaign-fixtures";
import { expectProblem, lastUsage } from "../helpers/client";
import { D1_MAX_QUERIES } from "../helpers/d1-guard";
import { seedSignups } from "../helpers/signup-seed";
import {
  bodyOf,
  checkCode,
  checkJson,
  makeCodes,
  nextIp,
  openCampaign,
  setInvite,
} from "./invites-fixtures";

let orders = 0;
/** A use of the code by `email`, as a pre-order would record it. */
async function redeem(campaignId: string, inviteId: string, email: string) {
  const order = `ord_check_${++orders}`;
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO preorders (id, campaign_id, email, email_normalized, status, total, currency,
         created_at, updated_at) VALUES (?, ?, ?, ?, 'reserved', 4900, 'USD', 1, 1)`,
    ).bind(order, campaignId, email, email.toLowerCase()),
    env.DB.prepare(
      "INSERT INTO invite_redemptions (id, invite_id, preorder_id, email_normalized, created_at) VALUES (?, ?, ?, ?, 1)",
    ).bind(`ird_${order}`, inviteId, order, email.toLowerCase()),
    env.DB.prepare("UPDATE invite_codes SET uses = uses + 1 WHERE id = ?").bind(inviteId),
  ]);
}

describe("POST /v1/campaigns/{slug}/invites/check", () => {
  it("a live shared code is valid, as typed in any spelling", async () => {
    const c = await openCampaign();
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const items = await makeCodes(c.id, {
      kind: "shared",
      count: 20,
      max_uses: 3,
      expires_at: expires,
    });
    // Most 12-symbol bodies hold a 0 or a 1, which people may type as O, I or L.
    const code = items.find((i) => /[01]/.test(bodyOf(i.code)))?.code ?? (items[0]?.code as string);
    const spellings = [
      code,
      code.toLowerCase(),
      code.replaceAll("-", " "),
      code.replaceAll("-", ""),
      code.replaceAll("1", "I").replaceAll("0", "O"),
      code.toLowerCase().replaceAll("1", "l").replaceAll("0", "o"),
    ];
    for (const typed of spellings) {
      expect(await checkJson(c.slug, { code: typed })).toEqual({
        valid: true,
        uses_left: 3,
        expires_at: expires,
      });
    }
    const res = await checkCode(c.slug, { code });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(lastUsage?.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
  });

  it("unknown, malformed and other campaigns' codes are all `invalid`; a typo says so", async () => {
    const c = await openCampaign();
    const other = await openCampaign();
    const [theirs] = await makeCodes(other.id, { kind: "shared", count: 1 });
    const invalid = { valid: false, reason: "invalid" };
    expect(await checkJson(c.slug, { code: theirs?.code })).toEqual(invalid);
    expect(await checkJson(c.slug, { code: formatCode("ABCDEFGHJKMN") })).toEqual(invalid);
    for (const junk of ["", "hello", "' OR 1=1 --", "x".repeat(256), "<script>"]) {
      expect(await checkJson(c.slug, { code: junk })).toEqual(invalid);
    }
    const [mine] = await makeCodes(c.id, { kind: "shared", count: 1 });
    const code = mine?.code as string;
    const typo = `${code[0] === "Z" ? "Y" : "Z"}${code.slice(1)}`;
    expect(await checkJson(c.slug, { code: typo })).toEqual({ ...invalid, typo: true });
  });

  it("expired, revoked and used-up codes answer their reason", async () => {
    const c = await openCampaign();
    const [expired, revoked, used, both] = await makeCodes(c.id, { kind: "shared", count: 4 });
    await setInvite(expired?.id as string, "expires_at = 1");
    await setInvite(revoked?.id as string, `revoked_at = ${Date.now()}`);
    await setInvite(used?.id as string, "uses = max_uses");
    await setInvite(both?.id as string, `uses = max_uses, revoked_at = ${Date.now()}`);
    const reason = async (code?: string) => (await checkJson(c.slug, { code })).reason;
    expect(await reason(expired?.code)).toBe("expired");
    expect(await reason(revoked?.code)).toBe("revoked");
    expect(await reason(used?.code)).toBe("used_up");
    expect(await reason(both?.code)).toBe("revoked");
  });

  it("a personal code is refused for another email (not_for_this_email)", async () => {
    const c = await openCampaign();
    const [id] = await seedSignups(c.id, [{ status: "confirmed", email: "Owner@Example.com" }]);
    const [mine] = await makeCodes(c.id, { kind: "personal", signup_ids: [id] });
    const code = mine?.code as string;
    expect(await checkJson(c.slug, { code, email: "other@example.com" })).toEqual({
      valid: false,
      reason: "not_for_this_email",
    });
    expect(await checkJson(c.slug, { code, email: " OWNER@example.com " })).toEqual({
      valid: true,
      uses_left: 1,
      expires_at: null,
    });
    expect(await checkJson(c.slug, { code })).toMatchObject({ valid: true });
  });

  it("a shared code's per-email limit counts that email's uses only", async () => {
    const c = await openCampaign();
    const [shared] = await makeCodes(c.id, {
      kind: "shared",
      count: 1,
      max_uses: 5,
      per_email_limit: 2,
    });
    const id = shared?.id as string;
    const code = shared?.code as string;
    await redeem(c.id, id, "a@example.com");
    expect(await checkJson(c.slug, { code, email: "a@example.com" })).toMatchObject({
      valid: true,
      uses_left: 1,
    });
    await redeem(c.id, id, "A@example.com");
    expect(await checkJson(c.slug, { code, email: "a@example.com" })).toEqual({
      valid: false,
      reason: "used_up",
    });
    expect(await checkJson(c.slug, { code, email: "b@example.com" })).toMatchObject({
      valid: true,
      uses_left: 2,
    });
    expect(await checkJson(c.slug, { code })).toMatchObject({ valid: true, uses_left: 3 });
  });

  it("validates input: 422 for unknown fields or a bad email, 404 for unknown or draft campaigns", async () => {
    const c = await openCampaign();
    const [code] = await makeCodes(c.id, { kind: "shared", count: 1 });
    const body = { code: code?.code };
    await expectProblem(checkCode(c.slug, { ...body, admin: true }), 422, "validation_failed");
    await expectProblem(checkCode(c.slug, { ...body, email: "nope" }), 422, "validation_failed");
    await expectProblem(checkCode(c.slug, { email: "a@example.com" }), 422, "validation_failed");
    await expectProblem(checkCode(c.slug, { code: 42 }), 422, "validation_failed");
    await expectProblem(checkCode("no-such-campaign", body), 404, "not_found");
    const draft = await newCampaign();
    await expectProblem(checkCode(draft.slug, body), 404, "not_found");
  });

  it("browser posts from a foreign origin are refused before anything runs", async () => {
    const c = await openCampaign();
    const [code] = await makeCodes(c.id, { kind: "shared", count: 1 });
    const headers = { "CF-Connecting-IP": nextIp(), Origin: "https://evil.example" };
    await expectProblem(
      checkCode(c.slug, { code: code?.code }, headers),
      403,
      "origin_not_allowed",
    );
    const own = { "CF-Connecting-IP": nextIp(), Origin: "https://presale.test" };
    expect((await checkCode(c.slug, { code: code?.code }, own)).status).toBe(200);
  });
});
