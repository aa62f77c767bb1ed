import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { outboxInsert } from "../../src/email/outbox";
import { call } from "../helpers/client";
import {
  bearer,
  db,
  formPost,
  makeCampaign,
  makeSignup,
  signupRow,
  statusJson,
  tokenFor,
} from "./status-fixtures";

async function auditRows(signupId: string) {
  const { results } = await env.DB.prepare(
    "SELECT action, actor_type, actor_id, changes, ip_hmac FROM audit_log WHERE target_id = ? ORDER BY created_at, rowid",
  )
    .bind(signupId)
    .all<{
      action: string;
      actor_type: string;
      actor_id: string;
      changes: string;
      ip_hmac: string;
    }>();
  return results;
}

describe("POST /s/{token}/unsubscribe", () => {
  it("first shows a confirm page, and only the confirmed post unsubscribes", async () => {
    const c = await makeCampaign({ name: "Aurora" });
    const s = await makeSignup(c.id, { email: "jane@example.com" });
    const token = await tokenFor(s.id);
    await db.batch([
      outboxInsert(
        db,
        {
          template: "broadcast",
          to: s.email!,
          signupId: s.id,
          campaignId: c.id,
          payload: {} as never,
        },
        Date.now(),
      ),
    ]);

    for (const init of [formPost(""), formPost("confirm=no"), { method: "POST" }]) {
      const ask = await call(`/s/${token}/unsubscribe`, init);
      expect(ask.status).toBe(200);
      expect(ask.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await ask.text();
      expect(html).toContain("Stop emails about Aurora?");
      expect(html).toContain('name="confirm" value="yes"');
      expect(html).toContain(`action="/s/${token}/unsubscribe?locale=en"`);
    }
    expect((await signupRow(s.id))?.unsubscribed_at).toBeNull();

    const done = await call(`/s/${token}/unsubscribe`, formPost("confirm=yes"));
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain("you will get no more invitations");
    expect(html).toContain("You are unsubscribed");
    expect(html).not.toContain(`/s/${token}/unsubscribe?`);
    expect((await signupRow(s.id))?.unsubscribed_at).not.toBeNull();
    // Still in line; the JSON says so too.
    expect(await statusJson(s.id)).toMatchObject({ unsubscribed: true, position: 1 });
    // Queued list mail does not go out after the click.
    const mail = await env.DB.prepare("SELECT status FROM outbox_emails WHERE signup_id = ?")
      .bind(s.id)
      .first<{ status: string }>();
    expect(mail?.status).toBe("suppressed");

    // Repeating it changes nothing and leaves one audit row, made by the customer.
    await call(`/s/${token}/unsubscribe`, formPost("confirm=yes"));
    const audit = (await auditRows(s.id)).filter((r) => r.action === "signup.unsubscribe");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: "customer", actor_id: s.id });
  });

  it("keeps the language in the confirm step", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id, { locale: "uz" });
    const token = await tokenFor(s.id);
    const html = await (await call(`/s/${token}/unsubscribe`, formPost(""))).text();
    expect(html).toContain('lang="uz"');
    expect(html).toContain(`action="/s/${token}/unsubscribe?locale=uz"`);
  });
});

describe("POST /s/{token}/delete", () => {
  it("asks first; the confirmed post erases, and the link dies", async () => {
    const c = await makeCampaign({ name: "Aurora" });
    const referrer = await makeSignup(c.id);
    const s = await makeSignup(c.id, {
      email: "Jane.Doe@Example.com",
      name: "Jane Doe",
      referredBy: referrer.id,
      creditedAt: Date.now(),
    });
    await env.DB.prepare("UPDATE signups SET verified_referrals = 1 WHERE id = ?")
      .bind(referrer.id)
      .run();
    const token = await tokenFor(s.id);

    const ask = await call(`/s/${token}/delete`, formPost(""));
    expect(ask.status).toBe(200);
    const askHtml = await ask.text();
    expect(askHtml).toContain("Delete your data for Aurora?");
    expect(askHtml).toContain("This cannot be undone");
    expect(askHtml).toContain('name="confirm" value="yes"');
    expect((await signupRow(s.id))?.erased_at).toBeNull();

    const done = await call(`/s/${token}/delete`, formPost("confirm=yes"));
    expect(done.status).toBe(200);
    expect(done.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await done.text();
    expect(html).toContain("Your data was deleted");
    expect(html).not.toContain("Jane");
    expect(html).not.toContain(token);

    const row = await signupRow(s.id);
    expect(row).toMatchObject({
      email: null,
      email_normalized: null,
      name: null,
      answers: "{}",
      ip_hmac: null,
      utm_source: null,
      referrer: null,
      landing_url: null,
      token_version: 2,
      status: "confirmed",
    });
    expect(row?.erased_at).not.toBeNull();
    // Counts stay: the referrer keeps its credit.
    expect((await signupRow(referrer.id))?.verified_referrals).toBe(1);

    // Every link of the signup is dead now.
    expect((await call("/v1/status", bearer(token))).status).toBe(401);
    expect((await call(`/s/${token}`)).status).toBe(404);
    expect((await call(`/s/${token}/delete`, formPost("confirm=yes"))).status).toBe(404);
    expect((await call(`/unsubscribe/${await tokenFor(s.id, "unsubscribe", 1)}`)).status).toBe(404);

    const audit = (await auditRows(s.id)).filter((r) => r.action === "signup.erase");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: "customer", actor_id: s.id });
    // The person's own IP HMAC is not kept, even on the record of their action.
    expect(audit[0]?.ip_hmac).toBeNull();
    expect(audit[0]?.changes).not.toMatch(/jane/i);
  });

  it("the same address can sign up again afterwards (the unique slot is free)", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id, { email: "again@example.com" });
    await call(`/s/${await tokenFor(s.id)}/delete`, formPost("confirm=yes"));
    const again = await makeSignup(c.id, { email: "again@example.com" });
    expect((await statusJson(again.id)).position).toBe(1);
  });
});
