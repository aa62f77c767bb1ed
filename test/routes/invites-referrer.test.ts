import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { InviteCode } from "../../src/db/schema";
import {
  issueReferrerCodes,
  referrerCodesFor,
  referrerCodeViews,
} from "../../src/domain/invites/quota";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, ok } from "../helpers/client";
import { seedSignups } from "../helpers/signup-seed";
import { bodyOf, checkJson, inviteRowsText, openCampaign, setInvite } from "./invites-fixtures";

const db = createDb(env.DB);
const settings = { TOKEN_SECRET: env.TOKEN_SECRET };
const NOW = Date.now();
const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-.$/;

async function issuedRows(signupId: string) {
  return db.query.inviteCodes.findMany({
    where: (t, { eq }) => eq(t.issuedToSignupId, signupId),
  }) as Promise<InviteCode[]>;
}

describe("per-referrer quotas", () => {
  it("a confirmed signup gets K single-use codes to hand out, once, re-derivable", async () => {
    const c = await openCampaign({ referral_invite_quota: 3 });
    const campaign = { id: c.id, referralInviteQuota: 3 };
    const [referrer] = await seedSignups(c.id, [
      { status: "confirmed", email: "referrer@example.com" },
    ]);
    const id = referrer as string;

    const first = await issueReferrerCodes(db, settings, campaign, id, NOW);
    expect(first.map((x) => x.slot)).toEqual([0, 1, 2]);
    for (const x of first) expect(x.code).toMatch(FORMAT);
    const again = await issueReferrerCodes(db, settings, campaign, id, NOW);
    expect(again.map((x) => x.code)).toEqual(first.map((x) => x.code));
    const derived = await referrerCodesFor(settings, campaign, { id });
    expect(derived.map((x) => x.code)).toEqual(first.map((x) => x.code));

    const rows = await issuedRows(id);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r).toMatchObject({ kind: "shared", maxUses: 1, signupId: null, label: "referral" });
    }
    const stored = await inviteRowsText(c.id);
    for (const x of first) expect(stored).not.toContain(bodyOf(x.code));

    // Raising the quota issues only the new slots.
    const more = await issueReferrerCodes(
      db,
      settings,
      { ...campaign, referralInviteQuota: 5 },
      id,
      NOW,
    );
    expect(more.slice(0, 3).map((x) => x.code)).toEqual(first.map((x) => x.code));
    expect(more).toHaveLength(5);
    expect(await issuedRows(id)).toHaveLength(5);
  });

  it("friends may use them once; the referrer may not use their own", async () => {
    const c = await openCampaign({ referral_invite_quota: 2 });
    const campaign = { id: c.id, referralInviteQuota: 2 };
    const [id] = await seedSignups(c.id, [{ status: "confirmed", email: "Ref@Example.com" }]);
    const [a, b] = await issueReferrerCodes(db, settings, campaign, id as string, NOW);
    expect(await checkJson(c.slug, { code: a?.code, email: "friend@example.com" })).toEqual({
      valid: true,
      uses_left: 1,
      expires_at: null,
    });
    expect(await checkJson(c.slug, { code: a?.code, email: "ref@example.com" })).toEqual({
      valid: false,
      reason: "not_for_this_email",
    });
    const rows = await issuedRows(id as string);
    const used = rows.find((r) => r.codeHint === b?.hint) as InviteCode;
    await setInvite(used.id, "uses = 1");
    expect(await checkJson(c.slug, { code: b?.code })).toEqual({ valid: false, reason: "used_up" });

    const views = await referrerCodeViews(
      settings,
      campaign,
      { id: id as string },
      await issuedRows(id as string),
      NOW,
    );
    expect(views.map((v) => [v.code, v.status, v.usesLeft])).toEqual([
      [a?.code, "active", 1],
      [b?.code, "used_up", 0],
    ]);
  });

  it("pending, rejected or erased signups, or a quota of 0, get none", async () => {
    const c = await openCampaign({ referral_invite_quota: 3 });
    const campaign = { id: c.id, referralInviteQuota: 3 };
    const ids = await seedSignups(c.id, [
      { status: "pending" },
      { status: "confirmed", review: "rejected" },
      { status: "confirmed", erased: true },
      { status: "confirmed" },
    ]);
    for (const id of ids.slice(0, 3)) {
      expect(await issueReferrerCodes(db, settings, campaign, id, NOW)).toEqual([]);
    }
    const none = { ...campaign, referralInviteQuota: 0 };
    expect(await issueReferrerCodes(db, settings, none, ids[3] as string, NOW)).toEqual([]);
    const other = await openCampaign();
    const foreign = { id: other.id, referralInviteQuota: 3 };
    expect(await issueReferrerCodes(db, settings, foreign, ids[3] as string, NOW)).toEqual([]);
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM invite_codes WHERE campaign_id IN (?, ?)",
    )
      .bind(c.id, other.id)
      .all<{ n: number }>();
    expect(results[0]?.n).toBe(0);
  });

  it("admins see hand-out codes in the list, with who holds them", async () => {
    const c = await openCampaign();
    await ok(patchCampaign(c.id, { referral_invite_quota: 1 }));
    const [id] = await seedSignups(c.id, [{ status: "confirmed" }]);
    const [code] = await issueReferrerCodes(
      db,
      settings,
      { id: c.id, referralInviteQuota: 1 },
      id as string,
      NOW,
    );
    const res = await call(`/v1/admin/campaigns/${c.id}/invites`, { headers: adminHeaders() });
    const page = (await res.json()) as { items: Record<string, unknown>[] };
    expect(page.items).toEqual([
      expect.objectContaining({ kind: "shared", issued_to_signup_id: id, hint: code?.hint }),
    ]);
    expect(JSON.stringify(page)).not.toContain(bodyOf(code?.code ?? ""));
  });
});
