import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  inviteRow,
  order,
  orderBody,
  orderRow,
  ordersOf,
  personalInvite,
  presale,
  remaining,
  sharedInvite,
  signupWithToken,
  uniqueEmail,
} from "./preorders-helpers";

describe("invites on POST /v1/campaigns/{slug}/preorders", () => {
  it("an invite-only campaign refuses an order without a code: 403 invite_required", async () => {
    const c = await presale({ invite_only: true });
    const r = await order(c.slug, orderBody([[c.black, 1]]));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "invite_required", reason: "missing" });
    expect(await remaining(c.black)).toBe(10);
  });

  it("a personal code proves its owner's email: reserved, linked, its one use consumed", async () => {
    const c = await presale({ invite_only: true });
    const { signup, email } = await signupWithToken(c.id);
    const invite = await personalInvite(c.id, signup.id);
    // Typed loosely: lower case, spaces instead of dashes.
    const typed = invite.code.toLowerCase().replaceAll("-", " ");
    const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: typed }, email));
    expect(r.status, r.text).toBe(201);
    expect(r.body.status).toBe("reserved");
    expect(await orderRow(r.body.id)).toMatchObject({ signup_id: signup.id, invite_id: invite.id });
    expect((await inviteRow(invite.id))!.uses).toBe(1);
    // Used up now: a second order with it is refused.
    const again = await order(
      c.slug,
      orderBody([[c.white, 1]], { invite_code: invite.code }, email),
    );
    expect(again.status).toBe(403);
    expect(again.body.reason).toBe("used_up");
  });

  it("someone else's personal code: 403 not_for_this_email", async () => {
    const c = await presale({ invite_only: true });
    const { signup } = await signupWithToken(c.id);
    const invite = await personalInvite(c.id, signup.id);
    const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code }));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "invite_required", reason: "not_for_this_email" });
    expect((await inviteRow(invite.id))!.uses).toBe(0);
  });

  it("a shared code admits but does not prove the email: pending, one use taken", async () => {
    const c = await presale({ invite_only: true });
    const invite = await sharedInvite(c.id, { maxUses: 10, perEmailLimit: 1 });
    const email = uniqueEmail("shared");
    const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code }, email));
    expect(r.status, r.text).toBe(201);
    expect(r.body.status).toBe("pending_verification");
    expect((await inviteRow(invite.id))!.uses).toBe(1);
    const { results } = await env.DB.prepare(
      "SELECT email_normalized, released_at FROM invite_redemptions WHERE invite_id = ?",
    )
      .bind(invite.id)
      .all();
    expect(results).toEqual([{ email_normalized: email.toLowerCase(), released_at: null }]);
    // Its per-email limit: the same email cannot use it again.
    const again = await order(
      c.slug,
      orderBody([[c.white, 1]], { invite_code: invite.code }, email),
    );
    expect(again.status).toBe(403);
    expect(again.body.reason).toBe("used_up");
  });

  it("unknown, mistyped, expired and revoked codes answer their reason and write nothing", async () => {
    const c = await presale({ invite_only: true });
    const expired = await sharedInvite(c.id, { expiresAt: Date.now() - 1000 });
    const revoked = await sharedInvite(c.id);
    await env.DB.prepare("UPDATE invite_codes SET revoked_at = ? WHERE id = ?")
      .bind(Date.now(), revoked.id)
      .run();
    const cases: [string, string][] = [
      ["0000-0000-0000-0", "invalid"],
      ["' OR 1=1 --", "invalid"],
      [expired.code, "expired"],
      [revoked.code, "revoked"],
    ];
    for (const [code, reason] of cases) {
      const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: code }));
      expect(r.status, code).toBe(403);
      expect(r.body).toMatchObject({ code: "invite_required", reason });
    }
    expect(await ordersOf(c.id)).toEqual([]);
  });

  it("in an open campaign a code is optional, but a bad one is a 422 on invite_code", async () => {
    const c = await presale();
    const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: "0000-0000-0000-0" }));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: "validation_failed", reason: "invalid" });
    expect(r.body.errors[0].path).toBe("invite_code");
    expect(r.body.errors[0].message).toMatch(/does not exist/);
    const { signup, email } = await signupWithToken(c.id);
    const invite = await personalInvite(c.id, signup.id);
    const ok = await order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code }, email));
    expect(ok.body.status).toBe("reserved");
  });

  it("a status token proves only its own email in its own campaign", async () => {
    const c = await presale();
    const other = await presale();
    const { token, email } = await signupWithToken(c.id);
    const elsewhere = await signupWithToken(other.id);
    const wrongEmail = await order(c.slug, orderBody([[c.black, 1]], { status_token: token }));
    expect(wrongEmail.status).toBe(422);
    expect(wrongEmail.body.errors[0].path).toBe("status_token");
    const wrongCampaign = await order(
      c.slug,
      orderBody([[c.black, 1]], { status_token: elsewhere.token }, elsewhere.email),
    );
    expect(wrongCampaign.status).toBe(422);
    // Case of the address does not matter (normalised).
    const r = await order(
      c.slug,
      orderBody([[c.black, 1]], { status_token: token }, email.toUpperCase()),
    );
    expect(r.status, r.text).toBe(201);
    expect(r.body.status).toBe("reserved");
  });

  it("a proven buyer's backfill hold is claimed by their order instead of general stock", async () => {
    const c = await presale({ variants: [{ name: "Lamp", price: 4900, stock: 3 }] });
    const { signup, token, email } = await signupWithToken(c.id);
    const expired = await signupWithToken(c.id);
    // Two units held (taken out of remaining): one for this buyer, one expired.
    await env.DB.prepare("UPDATE variants SET remaining = 1 WHERE id = ?").bind(c.black).run();
    const hold = (signupId: string, expiresAt: number) =>
      env.DB.prepare(
        "INSERT INTO holds (id, campaign_id, variant_id, signup_id, quantity, status, expires_at, created_at) VALUES (?, ?, ?, ?, 1, 'held', ?, 0)",
      )
        .bind(`hld_${signupId}`, c.id, c.black, signupId, expiresAt)
        .run();
    await hold(signup.id, Date.now() + 3_600_000);
    await hold(expired.signup.id, Date.now() - 1);

    const r = await order(c.slug, orderBody([[c.black, 2]], { status_token: token }, email));
    expect(r.status, r.text).toBe(201);
    // Two ordered: one from the hold, one from general stock.
    expect(await remaining(c.black)).toBe(0);
    const rows = await env.DB.prepare(
      "SELECT signup_id, status, preorder_id FROM holds WHERE campaign_id = ? ORDER BY signup_id",
    )
      .bind(c.id)
      .all();
    expect(rows.results).toEqual(
      expect.arrayContaining([
        { signup_id: signup.id, status: "claimed", preorder_id: r.body.id },
        { signup_id: expired.signup.id, status: "held", preorder_id: null },
      ]),
    );
    // An expired hold claims nothing: its owner finds no stock left.
    const late = await order(
      c.slug,
      orderBody([[c.black, 1]], { status_token: expired.token }, expired.email),
    );
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: "sold_out", remaining: 0 });
  });
});
