import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import {
  CODE_SYMBOLS,
  codeHint,
  inviteStatus,
  newSharedCode,
  parseInviteCode,
} from "../../src/domain/invites/codes";
import { findInviteForOrder, type InviteFacts, judgeInvite } from "../../src/domain/invites/lookup";
import { issuePersonalCodeStatements, personalCodeOf } from "../../src/domain/invites/personal";
import { formatCode } from "../../src/lib/base32";
import { codeLookupHash, derivePersonalCode } from "../../src/lib/tokens";
import { newCampaign } from "../helpers/campaign-fixtures";
import { seedSignups } from "../helpers/signup-seed";

const db = createDb(env.DB);
const settings = { TOKEN_SECRET: env.TOKEN_SECRET };
const NOW = Date.UTC(2026, 0, 1);
const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-Z*~$=]$/;

describe("code format", () => {
  it("shared codes are 12 random symbols + a check symbol, grouped by 4", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { body, code } = newSharedCode();
      expect(body).toHaveLength(CODE_SYMBOLS);
      expect(code).toMatch(FORMAT);
      expect(code).toBe(formatCode(body));
      seen.add(body);
    }
    expect(seen.size).toBe(2000);
  });

  it("the hint shows the first group and the check symbol only", () => {
    const { body, code } = newSharedCode();
    const hint = codeHint(body);
    expect(hint).toBe(`${code.slice(0, 4)}-…-${code.slice(-1)}`);
    expect(hint).not.toContain(body.slice(4, 8));
  });
});

describe("normalisation", () => {
  // A body with every ambiguous pair in it: 1 (typed I or L) and 0 (typed O).
  const body = "10AB1C0DE1F0";
  const code = formatCode(body);

  it.each([
    ["as shown", code],
    ["lower case", code.toLowerCase()],
    ["no dashes", code.replaceAll("-", "")],
    ["spaces instead of dashes", code.replaceAll("-", " ")],
    ["extra spaces around", `  ${code}  `],
    ["I for 1, O for 0", code.replaceAll("1", "I").replaceAll("0", "O")],
    ["l for 1, o for 0, lower case", code.toLowerCase().replaceAll("1", "l").replaceAll("0", "o")],
    ["typographic dashes", code.replaceAll("-", "\u2013")],
  ])("%s reads as the same code", (_name, typed) => {
    expect(parseInviteCode(typed)).toEqual({ ok: true, body });
  });

  it("a wrong symbol or two swapped ones is a typo (check symbol)", () => {
    const { body: b, code: c } = newSharedCode();
    const wrong = (b[0] === "Z" ? "Y" : "Z") + c.slice(1);
    expect(parseInviteCode(wrong)).toEqual({ ok: false, reason: "checksum" });
    for (let i = 0; i < b.length - 1; i++) {
      if (b[i] === b[i + 1]) continue;
      const swapped = b.slice(0, i) + b[i + 1] + b[i] + b.slice(i + 2);
      expect(parseInviteCode(swapped + c.slice(-1))).toEqual({ ok: false, reason: "checksum" });
    }
  });

  it("a symbol left out or typed twice is a typo too", () => {
    expect(parseInviteCode(code.replace("AB", "A"))).toEqual({ ok: false, reason: "checksum" });
    expect(parseInviteCode(code.replace("AB", "ABB"))).toEqual({ ok: false, reason: "checksum" });
  });

  it.each([
    ["empty", ""],
    ["a word", "hello"],
    ["not symbols", "hello world!"],
    ["U inside", "UUUU-UUUU-UUUU-U"],
    ["way too long", "A".repeat(65)],
    ["SQL", "' OR 1=1 --"],
    ["a 13-symbol body with a valid check", formatCode("ABCDEFGHJKMNP")],
  ])("%s is malformed", (_name, typed) => {
    expect(parseInviteCode(typed)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("status and verdicts", () => {
  const row = { revokedAt: null, expiresAt: null, uses: 0, maxUses: 2 };
  it("derives active / used_up / expired / revoked, in that precedence", () => {
    expect(inviteStatus(row, NOW)).toBe("active");
    expect(inviteStatus({ ...row, expiresAt: NOW }, NOW)).toBe("expired");
    expect(inviteStatus({ ...row, expiresAt: NOW + 1 }, NOW)).toBe("active");
    expect(inviteStatus({ ...row, uses: 2, expiresAt: NOW - 1 }, NOW)).toBe("used_up");
    expect(inviteStatus({ ...row, uses: 2, revokedAt: 1 }, NOW)).toBe("revoked");
  });

  const facts = (over: Partial<InviteFacts["invite"]>, extra: Partial<InviteFacts> = {}) =>
    ({
      invite: {
        kind: "shared",
        revokedAt: null,
        expiresAt: null,
        uses: 0,
        maxUses: 5,
        perEmailLimit: null,
        issuedToSignupId: null,
        ...over,
      },
      ownerEmail: null,
      ownerErased: false,
      issuerEmail: null,
      emailUses: 0,
      ...extra,
    }) as InviteFacts;

  it("personal codes belong to one email; referrer codes are not for the referrer", () => {
    const personal = facts({ kind: "personal", maxUses: 1 }, { ownerEmail: "a@x.io" });
    expect(judgeInvite(personal, "b@x.io", NOW)).toMatchObject({ reason: "not_for_this_email" });
    expect(judgeInvite(personal, "a@x.io", NOW)).toMatchObject({ ok: true, usesLeft: 1 });
    expect(judgeInvite(personal, null, NOW)).toMatchObject({ ok: true });
    const erased = facts({ kind: "personal", maxUses: 1 }, { ownerErased: true });
    expect(judgeInvite(erased, null, NOW)).toMatchObject({ reason: "invalid" });
    const handout = facts({ issuedToSignupId: "sgn_1", maxUses: 1 }, { issuerEmail: "r@x.io" });
    expect(judgeInvite(handout, "r@x.io", NOW)).toMatchObject({ reason: "not_for_this_email" });
    expect(judgeInvite(handout, "friend@x.io", NOW)).toMatchObject({ ok: true });
  });

  it("a shared code's per-email limit caps uses_left and then reads used_up", () => {
    const f = facts({ uses: 1, perEmailLimit: 2 }, { emailUses: 1 });
    expect(judgeInvite(f, "a@x.io", NOW)).toMatchObject({ ok: true, usesLeft: 1 });
    expect(judgeInvite(f, null, NOW)).toMatchObject({ ok: true, usesLeft: 4 });
    const spent = facts({ uses: 2, perEmailLimit: 2 }, { emailUses: 2 });
    expect(judgeInvite(spent, "a@x.io", NOW)).toMatchObject({ reason: "used_up" });
  });
});

describe("issuePersonalCodeStatements", () => {
  it("one code per signup, set-based, idempotent; only keyed hashes stored", async () => {
    const c = await newCampaign();
    const other = await newCampaign();
    const ids = await seedSignups(c.id, [
      { status: "confirmed" },
      { status: "confirmed" },
      { erased: true },
    ]);
    const [foreign] = await seedSignups(other.id, [{ status: "confirmed" }]);
    const people = [...ids, foreign as string].map((id) => ({ id }));
    for (let round = 0; round < 2; round++) {
      const stmts = await issuePersonalCodeStatements(db, settings, { id: c.id }, people, NOW);
      expect(stmts).toHaveLength(1);
      await db.batch(stmts as [(typeof stmts)[0]]);
    }
    const { results } = await env.DB.prepare(
      "SELECT * FROM invite_codes WHERE campaign_id = ? ORDER BY signup_id",
    )
      .bind(c.id)
      .all<{ signup_id: string; code_hash: string; max_uses: number; kind: string }>();
    expect(results.map((r) => r.signup_id).sort()).toEqual(ids.slice(0, 2).sort());
    for (const r of results) {
      const { body } = await derivePersonalCode(env.TOKEN_SECRET, c.id, r.signup_id, 1);
      expect(r.code_hash).toBe(await codeLookupHash(env.TOKEN_SECRET, body));
      expect(JSON.stringify(r)).not.toContain(body);
      expect(r).toMatchObject({ kind: "personal", max_uses: 1 });
    }
  });

  it("findInviteForOrder finds a personal code as typed, for its owner only", async () => {
    const c = await newCampaign();
    const [id] = await seedSignups(c.id, [{ status: "confirmed", email: "Owner@Example.com" }]);
    const stmts = await issuePersonalCodeStatements(db, settings, c, [{ id: id as string }], NOW);
    await db.batch(stmts as [(typeof stmts)[0]]);
    const code = await personalCodeOf(settings, {
      campaignId: c.id,
      signupId: id!,
      tokenVersion: 1,
    });
    const typed = code.toLowerCase().replaceAll("-", " ");
    const mine = await findInviteForOrder(db, settings, c.id, typed, "owner@example.com", NOW);
    expect(mine).toMatchObject({ ok: true, usesLeft: 1, invite: { signupId: id } });
    const theirs = await findInviteForOrder(db, settings, c.id, code, "other@example.com", NOW);
    expect(theirs).toMatchObject({ ok: false, reason: "not_for_this_email" });
    const elsewhere = await findInviteForOrder(db, settings, "cmp_other", code, null, NOW);
    expect(elsewhere).toMatchObject({ ok: false, reason: "invalid", typo: false });
    const wrongCheck = `${code.slice(0, -1)}${code.endsWith("*") ? "~" : "*"}`;
    const typo = await findInviteForOrder(db, settings, c.id, wrongCheck, null, NOW);
    expect(typo).toMatchObject({ ok: false, reason: "invalid", typo: true });
  });
});
