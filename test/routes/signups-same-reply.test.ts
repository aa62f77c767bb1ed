/**
 * One code path for every address (CONTRACT.md "Public routes"): the reply
 * never tells whether an address is new, known, unsubscribed, suppressed,
 * outside the audience, flagged, or a bot's honeypot post.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RESEND_THROTTLE_MS } from "../../src/domain/signups/create";
import {
  openCampaign,
  outboxRows,
  replyShape,
  signup,
  signupByEmail,
  signupForm,
  signupRows,
} from "./signups-helpers";

async function unsubscribe(campaignId: string, email: string) {
  await env.DB.prepare(
    "UPDATE signups SET unsubscribed_at = 1 WHERE campaign_id = ? AND email_normalized = ?",
  )
    .bind(campaignId, email)
    .run();
}

async function suppress(email: string) {
  await env.DB.prepare(
    "INSERT INTO suppressions (id, email_normalized, reason, created_at) VALUES (?, ?, 'bounce', 1)",
  )
    .bind(`sup_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`, email)
    .run();
}

/** Moves the re-send throttle back as if the last email went out `ms` ago. */
async function ageLastEmail(campaignId: string, email: string, ms: number) {
  await env.DB.prepare(
    "UPDATE signups SET last_status_email_at = last_status_email_at - ? WHERE campaign_id = ? AND email_normalized = ?",
  )
    .bind(ms, campaignId, email)
    .run();
}

describe("the same reply for every address", () => {
  it("identical status, body and headers: new, known, unsubscribed, suppressed, outside audience, flagged, honeypot", async () => {
    const c = await openCampaign({ audience_rules: { blocked_domains: ["blocked.example"] } });
    const body = (email: string, extra: Record<string, unknown> = {}) => ({
      email,
      consent: true,
      ...extra,
    });
    await signup(c.slug, body("known@example.com"));
    await signup(c.slug, body("unsub@example.com"));
    await unsubscribe(c.id, "unsub@example.com");
    await suppress("bounced@example.com");

    const cases = {
      new: body("new@example.com"),
      known: body("known@example.com"),
      knownOtherCase: body("KNOWN@Example.com"),
      unsubscribed: body("unsub@example.com"),
      suppressed: body("bounced@example.com"),
      outside: body("someone@blocked.example"),
      flagged: body("throwaway@mailinator.com"),
      honeypot: body("bot@example.com", { website: "https://spam.example" }),
    };
    const shapes: Record<string, Awaited<ReturnType<typeof replyShape>>> = {};
    for (const [name, b] of Object.entries(cases)) {
      shapes[name] = await replyShape((await signup(c.slug, b)).res);
    }
    expect(shapes.new!.status).toBe(202);
    expect(shapes.new!.body).toBe('{"status":"pending"}');
    for (const [name, shape] of Object.entries(shapes)) expect(shape, name).toEqual(shapes.new);

    // And the same redirect for the form versions.
    const formShapes = [];
    for (const email of ["new-form@example.com", "known@example.com", "x@blocked.example"]) {
      const sent = await signupForm(c.slug, [
        ["email", email],
        ["consent", "on"],
      ]);
      formShapes.push(await replyShape(sent.res));
    }
    expect(formShapes[0]!.status).toBe(303);
    expect(formShapes[1]).toEqual(formShapes[0]);
    expect(formShapes[2]).toEqual(formShapes[0]);

    // What happened underneath differs, and only the email says so.
    const rows = await signupRows(c.id);
    expect(rows.map((r) => r.email_normalized).sort()).toEqual(
      [
        "bounced@example.com",
        "known@example.com",
        "new-form@example.com",
        "new@example.com",
        "someone@blocked.example",
        "throwaway@mailinator.com",
        "unsub@example.com",
        "x@blocked.example",
      ].sort(),
    );
    expect((await signupByEmail(c.id, "someone@blocked.example"))!.audience).toBe(
      "outside_audience",
    );
    expect(await signupByEmail(c.id, "throwaway@mailinator.com")).toMatchObject({
      review: "flagged",
      review_reason: "disposable_domain",
    });
    expect(await signupByEmail(c.id, "bot@example.com")).toBeNull();
  });
});

describe("a known address", () => {
  it("never gets a second row; its link is re-sent at most once per throttle window", async () => {
    const c = await openCampaign();
    const email = "repeat@example.com";
    await signup(c.slug, { email, consent: true });
    // Just signed up: the confirm email went out, so repeats are throttled.
    await signup(c.slug, { email: "Repeat@EXAMPLE.com", consent: true });
    await signup(c.slug, { email, consent: true });
    expect(await signupRows(c.id)).toHaveLength(1);
    expect((await outboxRows(c.id)).map((m) => m.template)).toEqual(["signup_confirm"]);

    await ageLastEmail(c.id, email, RESEND_THROTTLE_MS + 1000);
    await signup(c.slug, { email, consent: true });
    await signup(c.slug, { email, consent: true });
    expect((await outboxRows(c.id)).map((m) => m.template)).toEqual([
      "signup_confirm",
      "signup_confirm",
    ]);

    // Once confirmed, a repeat gets the status link (with the place in line).
    await env.DB.prepare(
      "UPDATE signups SET status = 'confirmed', confirmed_at = 1 WHERE campaign_id = ?",
    )
      .bind(c.id)
      .run();
    await ageLastEmail(c.id, email, RESEND_THROTTLE_MS + 1000);
    await signup(c.slug, { email, consent: true, name: "Changed" });
    const mail = await outboxRows(c.id);
    expect(mail.map((m) => m.template)).toEqual([
      "signup_confirm",
      "signup_confirm",
      "status_link",
    ]);
    expect(JSON.parse(mail[2]!.payload)).toEqual({
      position: 1,
      peopleAhead: 0,
      verifiedReferrals: 0,
    });
    // A repeat changes nothing else about the row.
    expect((await signupByEmail(c.id, email))!.name).toBeNull();
  });

  it("concurrent repeats send one email", async () => {
    const c = await openCampaign();
    const email = "race@example.com";
    await signup(c.slug, { email, consent: true });
    await ageLastEmail(c.id, email, RESEND_THROTTLE_MS + 1000);
    await Promise.all(Array.from({ length: 5 }, () => signup(c.slug, { email, consent: true })));
    expect(await outboxRows(c.id)).toHaveLength(2);
  });

  it("a honeypot post stores nothing and queues nothing", async () => {
    const c = await openCampaign();
    const sent = await signupForm(c.slug, [
      ["email", "bot@example.com"],
      ["consent", "on"],
      ["website", "http://spam.example"],
    ]);
    expect(sent.res.status).toBe(303);
    expect(await signupRows(c.id)).toHaveLength(0);
    expect(await outboxRows(c.id)).toHaveLength(0);
  });
});
