import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deriveToken } from "../../src/lib/tokens";
import { bodyOf, checkJson, inviteRowsText } from "./invites-fixtures";
import { openCampaign, send, signup, signupByEmail, uniqueEmail } from "./signups-helpers";

/**
 * Per-referrer quotas wired end to end: confirming (POST /confirm/{token})
 * issues the campaign's K hand-out codes in the confirm batch, and the
 * status page and GET /v1/status show their plaintext.
 */

const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-.$/;

interface WireShared {
  code: string;
  hint: string;
  status: string;
  uses_left: number;
  expires_at: string | null;
}
interface WireStatus {
  status: string;
  codes_to_share: { count: number; active: number; codes: WireShared[] };
}

async function pendingSignup(quota: number) {
  const c = await openCampaign({ referral_invite_quota: quota });
  const email = uniqueEmail("quota");
  await signup(c.slug, { email, consent: true });
  const row = (await signupByEmail(c.id, email))!;
  const token = (purpose: "confirm" | "status") =>
    deriveToken(env.TOKEN_SECRET, purpose, row.id, row.token_version);
  return { c, email, row, token };
}

const confirm = async (token: string) => send(`/confirm/${token}`, { method: "POST" });

async function statusOf(token: string) {
  const sent = await send("/v1/status", { headers: { Authorization: `Bearer ${token}` } });
  expect(sent.res.status).toBe(200);
  return { body: (await sent.res.json()) as WireStatus, roundTrips: sent.roundTrips };
}

async function issuedCount(signupId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM invite_codes WHERE issued_to_signup_id = ?",
  )
    .bind(signupId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("per-referrer codes on confirm", () => {
  it("confirming issues K codes in the confirm batch; status shows their plaintext; each checks valid", async () => {
    const { c, row, token } = await pendingSignup(2);
    const before = await statusOf(await token("status"));
    expect(before.body.codes_to_share).toEqual({ count: 0, active: 0, codes: [] });

    const first = await confirm(await token("confirm"));
    expect(first.res.status).toBe(303);
    expect(first.roundTrips).toBe(2); // find the signup, then one batch
    expect(await issuedCount(row.id)).toBe(2);

    const { body, roundTrips } = await statusOf(await token("status"));
    expect(roundTrips).toBe(1);
    expect(body.status).toBe("confirmed");
    expect(body.codes_to_share.count).toBe(2);
    expect(body.codes_to_share.active).toBe(2);
    const codes = body.codes_to_share.codes;
    expect(new Set(codes.map((x) => x.code)).size).toBe(2);
    for (const x of codes) {
      expect(x.code).toMatch(FORMAT);
      expect(x).toMatchObject({ status: "active", uses_left: 1, expires_at: null });
      expect(x.hint.startsWith(x.code.slice(0, 4))).toBe(true);
      expect(await checkJson(c.slug, { code: x.code, email: "friend@example.com" })).toEqual({
        valid: true,
        uses_left: 1,
        expires_at: null,
      });
    }

    // Only keyed hashes and hints are stored.
    const stored = await inviteRowsText(c.id);
    for (const x of codes) {
      expect(stored).not.toContain(bodyOf(x.code));
      expect(stored).not.toContain(x.code);
    }

    // The page lists them, each in a field with a copy button.
    const page = await send(`/s/${await token("status")}`);
    const html = await page.res.text();
    for (const [i, x] of codes.entries()) {
      expect(html).toContain(`value="${x.code}"`);
      expect(html).toContain(`data-copy="#share-code-${i}"`);
    }
  });

  it("confirming again issues no more, and the codes stay the same", async () => {
    const { row, token } = await pendingSignup(2);
    await confirm(await token("confirm"));
    const once = (await statusOf(await token("status"))).body.codes_to_share.codes;
    const again = await confirm(await token("confirm"));
    expect(again.res.status).toBe(303);
    expect(await issuedCount(row.id)).toBe(2);
    const twice = (await statusOf(await token("status"))).body.codes_to_share.codes;
    expect(twice.map((x) => x.code)).toEqual(once.map((x) => x.code));
  });

  it("a quota of 0 issues none", async () => {
    const { row, token } = await pendingSignup(0);
    expect((await confirm(await token("confirm"))).res.status).toBe(303);
    expect(await issuedCount(row.id)).toBe(0);
    const { body } = await statusOf(await token("status"));
    expect(body.status).toBe("confirmed");
    expect(body.codes_to_share).toEqual({ count: 0, active: 0, codes: [] });
  });

  it("a rejected signup is confirmed but gets no codes", async () => {
    const { row, token } = await pendingSignup(2);
    await env.DB.prepare("UPDATE signups SET review = 'rejected' WHERE id = ?").bind(row.id).run();
    expect((await confirm(await token("confirm"))).res.status).toBe(303);
    expect(await issuedCount(row.id)).toBe(0);
  });

  it("a revoked confirm token (token_version bumped) confirms nothing and issues nothing", async () => {
    const { row, token } = await pendingSignup(2);
    const stale = await token("confirm");
    await env.DB.prepare("UPDATE signups SET token_version = token_version + 1 WHERE id = ?")
      .bind(row.id)
      .run();
    expect((await confirm(stale)).res.status).toBe(404);
    expect(await issuedCount(row.id)).toBe(0);
  });
});

describe("per-referrer codes without double opt-in", () => {
  it("a signup confirmed at once gets its K codes right after the reply", async () => {
    const c = await openCampaign({ referral_invite_quota: 3, double_opt_in: false });
    const email = uniqueEmail("instant");
    const sent = await signup(c.slug, { email, consent: true });
    expect(sent.res.status).toBe(202);
    const row = (await signupByEmail(c.id, email))!;
    expect(row.status).toBe("confirmed");
    expect(await issuedCount(row.id)).toBe(3);
    const status = await statusOf(
      await deriveToken(env.TOKEN_SECRET, "status", row.id, row.token_version),
    );
    expect(status.body.codes_to_share.codes).toHaveLength(3);
    for (const shared of status.body.codes_to_share.codes) expect(shared.code).toMatch(FORMAT);
    // Signing up again (a known address) issues nothing more.
    await signup(c.slug, { email, consent: true });
    expect(await issuedCount(row.id)).toBe(3);
  });
});
