import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { campaigns, outboxEmails, signups } from "../../src/db/schema";
import { deriveToken } from "../../src/lib/tokens";
import { call } from "../helpers/client";

const db = createDb(env.DB);
let n = 0;

async function makeCampaign(defaultLocale: "en" | "uz" = "en") {
  const [row] = await db
    .insert(campaigns)
    .values({
      slug: `unsub-${Date.now().toString(36)}-${++n}`,
      name: "Aurora <Lamp> & Co",
      currency: "USD",
      status: "presale",
      defaultLocale,
    })
    .returning();
  return row!;
}

async function makeSignup(campaignId: string, opts: { locale?: "en" | "uz"; email?: string } = {}) {
  const email = opts.email ?? `person${++n}@Example.com`;
  const [row] = await db
    .insert(signups)
    .values({
      campaignId,
      email,
      emailNormalized: email.toLowerCase(),
      locale: opts.locale ?? "en",
      referralCode: `R${Date.now().toString(36)}${n}`.toUpperCase(),
      score: Date.now(),
      consentAt: Date.now(),
    })
    .returning();
  return row!;
}

const tokenFor = (signupId: string, version = 1) =>
  deriveToken(env.TOKEN_SECRET, "unsubscribe", signupId, version);

async function signupRow(id: string) {
  return env.DB.prepare("SELECT unsubscribed_at, token_version FROM signups WHERE id = ?")
    .bind(id)
    .first<{ unsubscribed_at: number | null; token_version: number }>();
}

async function auditCount(signupId: string) {
  const row = await env.DB.prepare(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'signup.unsubscribe' AND target_id = ?",
  )
    .bind(signupId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** RFC 8058 §3.1: what a mail client sends; no cookies, no Origin, no Referer. */
const oneClick = (body: BodyInit | null = "List-Unsubscribe=One-Click", type?: string) => ({
  method: "POST",
  headers: type ? { "Content-Type": type } : ({} as Record<string, string>),
  body,
  redirect: "manual" as const,
});

let campaign: Awaited<ReturnType<typeof makeCampaign>>;
beforeAll(async () => {
  campaign = await makeCampaign();
});

describe("GET /unsubscribe/{token}", () => {
  it("shows a page with a POST form and never unsubscribes by itself", async () => {
    const s = await makeSignup(campaign.id, { email: "jane.doe@example.com" });
    const token = await tokenFor(s.id);
    for (let i = 0; i < 3; i++) {
      const res = await call(`/unsubscribe/${token}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      expect(html).toMatch(/<form method="post"/);
      expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
      expect(html).toContain("Aurora &lt;Lamp&gt; &amp; Co");
      // Masked: the owner recognises it, a forwarded link does not give it away.
      expect(html).toContain("j•••@example.com");
      expect(html).not.toContain("jane.doe@example.com");
      expect(html).toContain('<meta name="robots" content="noindex, nofollow"');
    }
    // A HEAD (link scanners) changes nothing either.
    await call(`/unsubscribe/${token}`, { method: "HEAD" });
    expect((await signupRow(s.id))?.unsubscribed_at).toBeNull();
    expect(await auditCount(s.id)).toBe(0);
  });

  it("speaks the signup's language unless ?locale= says otherwise", async () => {
    const s = await makeSignup(campaign.id, { locale: "uz" });
    const token = await tokenFor(s.id);
    const uz = await call(`/unsubscribe/${token}`, { headers: { "Accept-Language": "en" } });
    const uzHtml = await uz.text();
    expect(uzHtml).toContain('lang="uz"');
    expect(uzHtml).toContain("Obunani bekor qilish");
    const en = await call(`/unsubscribe/${token}?locale=en`);
    const enHtml = await en.text();
    expect(enHtml).toContain('lang="en"');
    expect(enHtml).toContain("Unsubscribe from");
  });

  it("says so when already unsubscribed (no button)", async () => {
    const s = await makeSignup(campaign.id);
    const token = await tokenFor(s.id);
    await call(`/unsubscribe/${token}`, oneClick());
    const html = await (await call(`/unsubscribe/${token}`)).text();
    expect(html).toContain("already unsubscribed");
    expect(html).not.toContain("<form");
  });
});

describe("POST /unsubscribe/{token} (RFC 8058 one-click)", () => {
  it("unsubscribes with the form body, no cookies, no Origin: 200 page, never a redirect", async () => {
    const s = await makeSignup(campaign.id);
    const token = await tokenFor(s.id);
    const res = await call(
      `/unsubscribe/${token}`,
      oneClick("List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("You are unsubscribed");
    const row = await signupRow(s.id);
    expect(row?.unsubscribed_at).toBeTypeOf("number");
    expect(await auditCount(s.id)).toBe(1);
    const audit = await env.DB.prepare(
      "SELECT actor_type, actor_id, campaign_id FROM audit_log WHERE action = 'signup.unsubscribe' AND target_id = ?",
    )
      .bind(s.id)
      .first();
    expect(audit).toMatchObject({
      actor_type: "customer",
      actor_id: s.id,
      campaign_id: campaign.id,
    });
  });

  it("accepts an empty body, multipart, and a cross-site Origin", async () => {
    const a = await makeSignup(campaign.id);
    const resA = await call(`/unsubscribe/${await tokenFor(a.id)}`, oneClick(null));
    expect(resA.status).toBe(200);
    expect((await signupRow(a.id))?.unsubscribed_at).toBeTypeOf("number");

    const b = await makeSignup(campaign.id);
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const resB = await call(`/unsubscribe/${await tokenFor(b.id)}`, {
      method: "POST",
      body: form,
      headers: { Origin: "https://mail.example.net" },
      redirect: "manual",
    });
    expect(resB.status).toBe(200);
    expect((await signupRow(b.id))?.unsubscribed_at).toBeTypeOf("number");
  });

  it("is idempotent: a second POST is still 200 and keeps the first time and audit row", async () => {
    const s = await makeSignup(campaign.id);
    const token = await tokenFor(s.id);
    expect((await call(`/unsubscribe/${token}`, oneClick())).status).toBe(200);
    const first = (await signupRow(s.id))?.unsubscribed_at;
    const again = await call(`/unsubscribe/${token}`, oneClick());
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("You are unsubscribed");
    expect((await signupRow(s.id))?.unsubscribed_at).toBe(first);
    expect(await auditCount(s.id)).toBe(1);
  });

  it("answers in the person's language", async () => {
    const s = await makeSignup(campaign.id, { locale: "uz" });
    const res = await call(`/unsubscribe/${await tokenFor(s.id)}`, oneClick());
    const html = await res.text();
    expect(html).toContain('lang="uz"');
    expect(html).toContain("Obunangiz bekor qilindi");
  });

  it("stops queued list mail of that campaign at once; transactional mail and other campaigns go on", async () => {
    const other = await makeCampaign();
    const s = await makeSignup(campaign.id, { email: "both@example.com" });
    const s2 = await makeSignup(other.id, { email: "both@example.com" });
    const rows = await db
      .insert(outboxEmails)
      .values([
        { template: "invitation", category: "list", toEmail: s.email, signupId: s.id },
        { template: "order_receipt", category: "transactional", toEmail: s.email, signupId: s.id },
        { template: "broadcast", category: "list", toEmail: s2.email, signupId: s2.id },
      ])
      .returning({ id: outboxEmails.id });
    await call(`/unsubscribe/${await tokenFor(s.id)}`, oneClick());
    const statuses = await Promise.all(
      rows.map((r) =>
        env.DB.prepare("SELECT status, last_error FROM outbox_emails WHERE id = ?")
          .bind(r.id)
          .first<{ status: string; last_error: string | null }>(),
      ),
    );
    expect(statuses[0]?.status).toBe("suppressed");
    expect(statuses[0]?.last_error).toMatch(/unsubscribed/);
    expect(statuses[1]?.status).toBe("queued");
    expect(statuses[2]?.status).toBe("queued");
    expect((await signupRow(s2.id))?.unsubscribed_at).toBeNull();
  });
});

describe("invalid and revoked tokens", () => {
  it("a revoked token (older token_version) gets the same 404 page as garbage, and changes nothing", async () => {
    const s = await makeSignup(campaign.id);
    const old = await tokenFor(s.id, 1);
    await env.DB.prepare("UPDATE signups SET token_version = 2 WHERE id = ?").bind(s.id).run();
    const garbage = "bm90LWEtdG9rZW4.AAAAAAAAAAAAAAAAAAAAAA";
    const unknown = await tokenFor("sgn_doesnotexist00000000000000");
    const wrongPurpose = await deriveToken(env.TOKEN_SECRET, "status", s.id, 2);

    const bodies: string[] = [];
    for (const token of [old, garbage, unknown, wrongPurpose, "x".repeat(500)]) {
      for (const init of [undefined, oneClick()]) {
        const res = await call(`/unsubscribe/${token}`, init);
        expect(res.status).toBe(404);
        expect(res.headers.get("content-type")).toMatch(/^text\/html/);
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
        const html = await res.text();
        expect(html).not.toMatch(/@|example\.com|Aurora/);
        bodies.push(html.replace(/nonce-[^'"]+|nonce="[^"]+"/g, ""));
      }
    }
    // Every refusal reads the same: nothing tells whether the address exists.
    expect(new Set(bodies).size).toBe(1);
    expect((await signupRow(s.id))?.unsubscribed_at).toBeNull();

    // The current version still works.
    const fresh = await call(`/unsubscribe/${await tokenFor(s.id, 2)}`, oneClick());
    expect(fresh.status).toBe(200);
  });

  it("an erased signup's link is a 404", async () => {
    const s = await makeSignup(campaign.id);
    await env.DB.prepare(
      "UPDATE signups SET erased_at = 1, email = NULL, email_normalized = NULL WHERE id = ?",
    )
      .bind(s.id)
      .run();
    const res = await call(`/unsubscribe/${await tokenFor(s.id)}`, oneClick());
    expect(res.status).toBe(404);
  });
});
