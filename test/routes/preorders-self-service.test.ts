import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deriveToken } from "../../src/lib/tokens";
import { patchCampaign } from "../helpers/campaign-fixtures";
import { ok } from "../helpers/client";
import { adminJson } from "./admin-preorders-helpers";
import {
  bearer,
  inviteRow,
  type Loose,
  mailOf,
  order,
  orderBody,
  orderRow,
  orderTokenOf,
  personalInvite,
  presale,
  remaining,
  send,
  sharedInvite,
  signupWithToken,
  verifyTokenOf,
} from "./preorders-helpers";

const tokenOf = (manageUrl: string) => manageUrl.split("/o/")[1]!;

async function placed(extra: Parameters<typeof presale>[0] = {}) {
  const c = await presale(extra);
  const { token, email } = await signupWithToken(c.id);
  const r = await order(
    c.slug,
    orderBody(
      [
        [c.black, 2],
        [c.white, 1],
      ],
      { status_token: token },
      email,
    ),
  );
  expect(r.status, r.text).toBe(201);
  return {
    c,
    id: r.body.id as string,
    token: tokenOf(r.body.manage_url),
    statusToken: token,
    email,
  };
}

const getOrder = async (id: string, init: RequestInit = {}) => {
  const { res } = await send(`/v1/preorders/${id}`, init);
  return { res, body: (await res.json()) as Loose };
};
const cancelApi = async (id: string, init: RequestInit = {}) => {
  const { res } = await send(`/v1/preorders/${id}/cancel`, { method: "POST", ...init });
  return { res, body: (await res.json()) as Loose };
};

describe("GET /v1/preorders/{id}", () => {
  it("answers the owner (Bearer: the order token from manage_url) with the order", async () => {
    const { id, token, email } = await placed({ expected_ship_date: "2027-03-01" });
    expect(token).toBe(await orderTokenOf(id));
    const { res, body } = await getOrder(id, bearer(token));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body).toMatchObject({
      id,
      status: "reserved",
      total: 2 * 4900 + 5900,
      currency: "USD",
      email,
      can_cancel: true,
      expected_ship_date: "2027-03-01",
      cancel_allowed_until: null,
    });
    expect(body.items).toHaveLength(2);
  });

  it("401 without a token, and for another order's token, a status token, a verify token or a forged one", async () => {
    const a = await placed();
    const b = await placed();
    const forged = await deriveToken("another-secret-0123456789abcdefghijkl", "order", a.id, 1);
    const revoked = await orderTokenOf(a.id, 2);
    const refused = [
      {},
      bearer(b.token),
      bearer(a.statusToken),
      bearer(await verifyTokenOf(a.id)),
      bearer(forged),
      bearer(revoked),
      bearer("' OR 1=1 --"),
    ];
    for (const init of refused) {
      const { res, body } = await getOrder(a.id, init);
      expect(res.status, JSON.stringify(init)).toBe(401);
      expect(body.code).toBe("unauthorized");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(JSON.stringify(body)).not.toContain(a.email);
    }
  });
});

describe("POST /v1/preorders/{id}/cancel", () => {
  it("cancels: exactly the units and the invite use come back, a cancellation email, one batch", async () => {
    const c = await presale({ invite_only: true });
    const invite = await sharedInvite(c.id, { maxUses: 2 });
    const r = await order(c.slug, orderBody([[c.black, 2]], { invite_code: invite.code }));
    expect(r.status, r.text).toBe(201);
    const other = await order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code }));
    expect(other.status).toBe(201);
    expect(await remaining(c.black)).toBe(7);
    expect((await inviteRow(invite.id))!.uses).toBe(2);

    const { res, body } = await cancelApi(r.body.id, bearer(tokenOf(r.body.manage_url)));
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      status: "cancelled",
      cancelled_by: "customer",
      can_cancel: false,
    });
    expect(await remaining(c.black)).toBe(9);
    expect((await inviteRow(invite.id))!.uses).toBe(1);
    const row = await orderRow(r.body.id);
    expect(row).toMatchObject({ status: "cancelled", cancelled_by: "customer" });
    const released = await env.DB.prepare(
      "SELECT released_at FROM invite_redemptions WHERE preorder_id = ?",
    )
      .bind(r.body.id)
      .first<{ released_at: number | null }>();
    expect(released!.released_at).not.toBeNull();
    const mail = (await mailOf(c.id)).filter((m) => m.template === "order_cancelled");
    expect(mail).toHaveLength(1);
    expect(mail[0]!.payload).toMatchObject({
      orderId: r.body.id,
      cancelledBy: "customer",
      total: 9800,
    });
    const audit = await env.DB.prepare(
      "SELECT actor_type, action FROM audit_log WHERE target_id = ?",
    )
      .bind(r.body.id)
      .first();
    expect(audit).toEqual({ actor_type: "customer", action: "preorder.cancel" });

    // A second cancel is a 409 and returns nothing twice.
    const again = await cancelApi(r.body.id, bearer(tokenOf(r.body.manage_url)));
    expect(again.res.status).toBe(409);
    expect(again.body.code).toBe("conflict");
    expect(await remaining(c.black)).toBe(9);
    expect((await inviteRow(invite.id))!.uses).toBe(1);
  });

  it("a personal code's use comes back: its owner can order again", async () => {
    const c = await presale({ invite_only: true });
    const { signup, email } = await signupWithToken(c.id);
    const invite = await personalInvite(c.id, signup.id);
    const r = await order(c.slug, orderBody([[c.black, 1]], { invite_code: invite.code }, email));
    await cancelApi(r.body.id, bearer(tokenOf(r.body.manage_url)));
    expect((await inviteRow(invite.id))!.uses).toBe(0);
    const again = await order(
      c.slug,
      orderBody([[c.black, 1]], { invite_code: invite.code }, email),
    );
    expect(again.status, again.text).toBe(201);
  });

  it("five cancels at once: one succeeds, the units come back once", async () => {
    const { c, id, token } = await placed();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => cancelApi(id, bearer(token))),
    );
    expect(replies.filter((r) => r.res.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.res.status === 409)).toHaveLength(4);
    expect(await remaining(c.black)).toBe(10);
    expect(await remaining(c.white)).toBe(5);
    expect((await mailOf(c.id)).filter((m) => m.template === "order_cancelled")).toHaveLength(1);
  });

  it("409 past the campaign's cancel deadline, and for fulfilled orders", async () => {
    const { c, id, token } = await placed({ cancel_allowed_until: "2099-01-01T00:00:00Z" });
    await ok(
      patchCampaign(c.id, { cancel_allowed_until: new Date(Date.now() - 1000).toISOString() }),
    );
    const late = await cancelApi(id, bearer(token));
    expect(late.res.status).toBe(409);
    expect(late.body.detail).toMatch(/no longer allows/);
    expect((await getOrder(id, bearer(token))).body.can_cancel).toBe(false);

    const f = await placed();
    await env.DB.prepare("UPDATE preorders SET status = 'fulfilled', fulfilled_at = 1 WHERE id = ?")
      .bind(f.id)
      .run();
    const done = await cancelApi(f.id, bearer(f.token));
    expect(done.res.status).toBe(409);
    expect(await remaining(f.c.black)).toBe(8);
  });

  it("a ship-date change reopens the right to cancel past the deadline", async () => {
    const { c, id, token } = await placed({ cancel_allowed_until: "2099-01-01T00:00:00Z" });
    await ok(
      patchCampaign(c.id, { cancel_allowed_until: new Date(Date.now() - 1000).toISOString() }),
    );
    expect((await getOrder(id, bearer(token))).body.can_cancel).toBe(false);
    const moved = await adminJson("POST", `/v1/admin/campaigns/${c.id}/ship-date`, {
      expected_ship_date: "2031-06-01",
    });
    expect(moved.status).toBe(200);
    expect((await getOrder(id, bearer(token))).body.can_cancel).toBe(true);
    const cancelled = await cancelApi(id, bearer(token));
    expect(cancelled.res.status).toBe(200);
    expect(await remaining(c.black)).toBe(10);
  });

  it("401 with another order's token: nobody cancels someone else's order", async () => {
    const a = await placed();
    const b = await placed();
    expect((await cancelApi(a.id, bearer(b.token))).res.status).toBe(401);
    expect((await orderRow(a.id))!.status).toBe("reserved");
  });
});
