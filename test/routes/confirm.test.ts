import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deriveToken } from "../../src/lib/tokens";
import {
  openCampaign,
  outboxRows,
  send,
  signup,
  signupByEmail,
  uniqueEmail,
} from "./signups-helpers";

async function pendingSignup() {
  const c = await openCampaign();
  const email = uniqueEmail("confirm");
  await signup(c.slug, { email, consent: true, locale: "uz" });
  const row = (await signupByEmail(c.id, email))!;
  const token = await deriveToken(env.TOKEN_SECRET, "confirm", row.id, row.token_version);
  return { c, email, row, token };
}

const post = (token: string) => send(`/confirm/${token}`, { method: "POST" });

describe("GET /confirm/{token}", () => {
  it("shows a page with a Confirm button and never confirms (scanners prefetch)", async () => {
    const { c, email, token } = await pendingSignup();
    for (let i = 0; i < 3; i++) {
      const { res } = await send(`/confirm/${token}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      expect(html).toContain('<form method="post">');
      expect(html).toContain('<html lang="uz"');
      expect(html).toContain("c•••@example.com");
      expect(html).not.toContain(email);
    }
    expect((await signupByEmail(c.id, email))!.status).toBe("pending");
    expect((await outboxRows(c.id)).map((m) => m.template)).toEqual(["signup_confirm"]);
    const en = await send(`/confirm/${token}?locale=en`);
    expect(await en.res.text()).toContain('<html lang="en"');
  });
});

describe("POST /confirm/{token}", () => {
  it("confirms, queues the welcome status link and 303s to the status page; a repeat changes nothing", async () => {
    const { c, email, row, token } = await pendingSignup();
    const statusToken = await deriveToken(env.TOKEN_SECRET, "status", row.id, row.token_version);
    const first = await post(token);
    expect(first.res.status).toBe(303);
    expect(first.res.headers.get("location")).toBe(`/s/${statusToken}`);
    expect(first.res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(first.roundTrips).toBe(2); // find the signup, then one batch
    const confirmed = (await signupByEmail(c.id, email))!;
    expect(confirmed.status).toBe("confirmed");
    expect(confirmed.last_status_email_at).not.toBeNull();
    const mail = await outboxRows(c.id);
    expect(mail.map((m) => m.template)).toEqual(["signup_confirm", "status_link"]);
    expect(mail[1]).toMatchObject({ locale: "uz", dedupe_key: `welcome:${row.id}` });
    expect(JSON.parse(mail[1]!.payload)).toEqual({
      position: 1,
      peopleAhead: 0,
      verifiedReferrals: 0,
    });

    const again = await post(token);
    expect(again.res.status).toBe(303);
    expect(again.res.headers.get("location")).toBe(`/s/${statusToken}`);
    expect(await outboxRows(c.id)).toHaveLength(2);
    // The page for a confirmed signup says so, with a button to the status page.
    const page = await (await send(`/confirm/${token}`)).res.text();
    expect(page).toContain('<form method="post">');
  });

  it("404 page for revoked, forged, other-purpose and erased tokens, revealing nothing", async () => {
    const { c, row, token } = await pendingSignup();
    const statusToken = await deriveToken(env.TOKEN_SECRET, "status", row.id, row.token_version);
    const forged = await deriveToken(
      "another-secret-0123456789abcdefghijklmnop",
      "confirm",
      row.id,
      1,
    );
    await env.DB.prepare("UPDATE signups SET token_version = token_version + 1 WHERE id = ?")
      .bind(row.id)
      .run();
    const bodies = new Set<string>();
    for (const bad of [token, forged, statusToken, "garbage", "a".repeat(500), "..%2F..%2Fetc"]) {
      for (const method of ["GET", "POST"]) {
        const { res } = await send(`/confirm/${bad}`, { method });
        expect(res.status, `${method} ${bad}`).toBe(404);
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
        const html = await res.text();
        bodies.add(html.replace(/nonce="[^"]+"/g, ""));
      }
    }
    expect(bodies.size).toBe(1);
    expect((await signupByEmail(c.id, row.email!))!.status).toBe("pending");

    // Erased signups are gone for good, even with a current token.
    const current = await deriveToken(env.TOKEN_SECRET, "confirm", row.id, row.token_version + 1);
    await env.DB.prepare(
      "UPDATE signups SET erased_at = 1, email = NULL, email_normalized = NULL WHERE id = ?",
    )
      .bind(row.id)
      .run();
    expect((await post(current)).res.status).toBe(404);
  });
});
