import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deriveToken } from "../../src/lib/tokens";
import {
  mailOf,
  order,
  orderBody,
  orderRow,
  orderTokenOf,
  presale,
  remaining,
  send,
  signupWithToken,
  uniqueEmail,
  verifyTokenOf,
} from "./preorders-helpers";

const page = (path: string, init: RequestInit = {}) => send(path, init).then((s) => s.res);
const post = (path: string, headers: Record<string, string> = {}) =>
  page(path, { method: "POST", headers: { Origin: "https://presale.test", ...headers } });

async function pending(extra: Parameters<typeof presale>[0] = {}) {
  const c = await presale(extra);
  const email = uniqueEmail("Pending.Person");
  const r = await order(c.slug, orderBody([[c.black, 2]], { locale: "uz" }, email));
  expect(r.body.status).toBe("pending_verification");
  return { c, id: r.body.id as string, email };
}

describe("GET /o/{token}", () => {
  it("shows status, items, total, ship date and the cancel button, with no referrer", async () => {
    const c = await presale({ expected_ship_date: "2027-03-01", name: "Lamp <b>Pro</b>" });
    const { token, email } = await signupWithToken(c.id);
    const r = await order(c.slug, orderBody([[c.black, 2]], { status_token: token }, email));
    const res = await page(`/o/${await orderTokenOf(r.body.id)}?locale=en`);
    expect(res.status).toBe(200);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("Lamp &lt;b&gt;Pro&lt;/b&gt;");
    expect(html).toContain(r.body.id);
    expect(html).toContain("Reserved");
    expect(html).toContain("$98.00");
    expect(html).toContain("March 1, 2027");
    expect(html).toContain('action="/o/');
    expect(html).toContain("Cancel my pre-order");
    expect(html).not.toContain("<script>");
  });

  it("speaks the order's language (uz) unless ?locale= says otherwise; pending shows the deadline", async () => {
    const { id, email } = await pending();
    const token = await orderTokenOf(id);
    const uz = await (await page(`/o/${token}`)).text();
    expect(uz).toContain('<html lang="uz"');
    expect(uz).toContain("Elektron pochtangiz tasdiqlanishi kutilmoqda");
    expect(uz).not.toContain(email); // masked
    const en = await (await page(`/o/${token}?locale=en`)).text();
    expect(en).toContain("Check your inbox");
  });

  it("404 page for a status token, a verify token, a revoked, forged or erased order token", async () => {
    const { c, id } = await pending();
    const { signup } = await signupWithToken(c.id);
    const statusToken = await deriveToken(env.TOKEN_SECRET, "status", signup.id, 1);
    const forged = await deriveToken("another-secret-0123456789abcdefghijkl", "order", id, 1);
    for (const t of [
      statusToken,
      await verifyTokenOf(id),
      await orderTokenOf(id, 2),
      forged,
      "..%2F..",
      "x".repeat(500),
    ]) {
      const res = await page(`/o/${t}`);
      expect(res.status, t).toBe(404);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    await env.DB.prepare(
      "UPDATE preorders SET erased_at = 1, email = NULL, email_normalized = NULL WHERE id = ?",
    )
      .bind(id)
      .run();
    expect((await page(`/o/${await orderTokenOf(id)}`)).status).toBe(404);
  });
});

describe("POST /o/{token}/cancel", () => {
  it("cancels and 303s back to the page, which says so and has no button any more", async () => {
    const { c, id } = await pending();
    const token = await orderTokenOf(id);
    const res = await post(`/o/${token}/cancel?locale=en`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/o/${token}?locale=en&notice=cancelled`);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await remaining(c.black)).toBe(10);
    const html = await (await page(res.headers.get("location")!)).text();
    expect(html).toContain("Your pre-order is cancelled");
    expect(html).not.toContain("Cancel my pre-order");
    // Again: the page with a 409 saying it can no longer be cancelled.
    const again = await post(`/o/${token}/cancel?locale=en`);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("can no longer be cancelled");
    expect(await remaining(c.black)).toBe(10);
  });

  it("refuses a post from another site (403) and an unknown token (404)", async () => {
    const { id } = await pending();
    const token = await orderTokenOf(id);
    expect((await post(`/o/${token}/cancel`, { Origin: "https://evil.example" })).status).toBe(403);
    expect((await post(`/o/${await verifyTokenOf(id)}/cancel`)).status).toBe(404);
    expect((await orderRow(id))!.status).toBe("pending_verification");
  });
});

describe("GET and POST /verify/{token}", () => {
  it("GET shows a button and never verifies; POST verifies, sends the receipt, 303s to the order", async () => {
    const { c, id } = await pending({ cancel_allowed_until: "2099-01-01T00:00:00Z" });
    const verify = await verifyTokenOf(id);
    for (let i = 0; i < 2; i++) {
      const res = await page(`/verify/${verify}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await res.text();
      expect(html).toContain('<form method="post"');
      expect(html).toContain("Buyurtmani tasdiqlash");
    }
    expect((await orderRow(id))!.status).toBe("pending_verification");

    const res = await page(`/verify/${verify}`, { method: "POST" });
    expect(res.status).toBe(303);
    const orderToken = await orderTokenOf(id);
    expect(res.headers.get("location")).toBe(`/o/${orderToken}?locale=uz&notice=verified`);
    const row = await orderRow(id);
    expect(row).toMatchObject({ status: "reserved", hold_expires_at: null });
    expect(row!.verified_at).not.toBeNull();
    const templates = (await mailOf(c.id)).map((m) => m.template);
    expect(templates).toEqual(["order_verify", "order_receipt"]);

    // A repeat changes nothing and lands on the order page again.
    const again = await page(`/verify/${verify}`, { method: "POST" });
    expect(again.status).toBe(303);
    expect((await mailOf(c.id)).map((m) => m.template)).toEqual(["order_verify", "order_receipt"]);
    expect(await (await page(`/verify/${verify}?locale=en`)).text()).toContain(
      "Your email is confirmed",
    );
  });

  it("an unproven order in someone's name cannot block their proven one, nor pass the cap later", async () => {
    // Black: at most 2 per customer.
    const c = await presale();
    const { token, email } = await signupWithToken(c.id);
    const stranger = await order(c.slug, orderBody([[c.black, 2]], { locale: "en" }, email));
    expect(stranger.body.status).toBe("pending_verification");
    // The owner, proven by their status token, still gets their two.
    const owner = await order(c.slug, orderBody([[c.black, 2]], { status_token: token }, email));
    expect(owner.status, owner.text).toBe(201);
    expect(owner.body.status).toBe("reserved");
    // A third, proven: over the cap, counted over proven orders only.
    const more = await order(c.slug, orderBody([[c.black, 1]], { status_token: token }, email));
    expect(more.status).toBe(409);
    expect(more.body).toMatchObject({ code: "limit_exceeded", already_ordered: 2 });
    // Another unproven one: every live order of the email counts.
    const again = await order(c.slug, orderBody([[c.black, 1]], {}, email));
    expect(again.body.code).toBe("limit_exceeded");
    // Confirming the stranger's order now would make four: refused, nothing changes.
    const res = await page(`/verify/${await verifyTokenOf(stranger.body.id)}`, { method: "POST" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("notice=verify_over_limit");
    expect((await orderRow(stranger.body.id))!.status).toBe("pending_verification");
    const templates = (await mailOf(c.id)).map((m) => m.template);
    expect(templates.filter((t) => t === "order_receipt")).toHaveLength(1);
    const shown = await (await page(res.headers.get("location")!)).text();
    expect(shown).toContain("already hold the most this campaign allows");
    expect(await remaining(c.black)).toBe(6);
  });

  it("past its deadline the order cannot be verified any more", async () => {
    const { c, id } = await pending();
    await env.DB.prepare("UPDATE preorders SET hold_expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, id)
      .run();
    const verify = await verifyTokenOf(id);
    expect(await (await page(`/verify/${verify}?locale=en`)).text()).toContain(
      "can no longer be confirmed",
    );
    const res = await page(`/verify/${verify}`, { method: "POST" });
    expect(res.status).toBe(303);
    expect((await orderRow(id))!.status).toBe("pending_verification");
    expect((await mailOf(c.id)).map((m) => m.template)).toEqual(["order_verify"]);
  });

  it("404 for an order token or a status token used as a verify link", async () => {
    const { c, id } = await pending();
    const { signup } = await signupWithToken(c.id);
    for (const t of [
      await orderTokenOf(id),
      await deriveToken(env.TOKEN_SECRET, "status", signup.id, 1),
    ]) {
      expect((await page(`/verify/${t}`)).status).toBe(404);
      expect((await page(`/verify/${t}`, { method: "POST" })).status).toBe(404);
    }
    expect((await orderRow(id))!.status).toBe("pending_verification");
  });
});
