import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CONSENT_FORM_VERSION } from "../../src/domain/signups/create";
import { hmacIp } from "../../src/lib/crypto";
import { newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { expectProblem, ok } from "../helpers/client";
import {
  kicks,
  openCampaign,
  outboxRows,
  send,
  signup,
  signupForm,
  signupRows,
  uniqueEmail,
  validBody,
} from "./signups-helpers";

describe("POST /v1/campaigns/{slug}/signups (JSON)", () => {
  it("202 pending; stores the signup with consent, source and HMAC'd IP, and queues the confirm email", async () => {
    const c = await openCampaign();
    const ip = "203.0.113.45";
    const { res } = await signup(
      c.slug,
      {
        email: "  Jane.Doe@EXAMPLE.com ",
        name: "Jane",
        locale: "uz",
        consent: true,
        answers: { why: "For my desk" },
        utm_source: "newsletter",
        utm_campaign: "launch",
        referrer: "https://news.example.org/post",
        landing_url: "https://shop.example.com/lamp?utm_source=newsletter",
      },
      { "CF-Connecting-IP": ip, "CF-IPCountry": "UZ" },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "pending" });
    expect(res.headers.get("cache-control")).toBe("no-store");

    const [row] = await signupRows(c.id);
    expect(row).toMatchObject({
      email: "Jane.Doe@example.com",
      email_normalized: "jane.doe@example.com",
      name: "Jane",
      locale: "uz",
      status: "pending",
      review: "ok",
      audience: "inside",
      consent_form_version: CONSENT_FORM_VERSION,
      consent_locale: "uz",
      consent_source: "form",
      utm_source: "newsletter",
      utm_campaign: "launch",
      referrer: "https://news.example.org/post",
      landing_url: "https://shop.example.com/lamp?utm_source=newsletter",
      country: "UZ",
      verified_referrals: 0,
      referred_by_signup_id: null,
    });
    expect(JSON.parse(row!.answers)).toEqual({ why: "For my desk" });
    expect(row!.referral_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(row!.consent_at).toBeGreaterThan(Date.now() - 60_000);
    expect(row!.score).toBe(row!.created_at);
    expect(row!.ip_hmac).toBe(await hmacIp(env.TOKEN_SECRET, ip));
    expect(JSON.stringify(row)).not.toContain(ip);

    const mail = await outboxRows(c.id);
    expect(mail).toHaveLength(1);
    expect(kicks.at(-1)).toEqual({ type: "email_drain" });
    expect(mail[0]).toMatchObject({
      template: "signup_confirm",
      category: "transactional",
      to_email: "Jane.Doe@example.com",
      locale: "uz",
      signup_id: row!.id,
    });
  });

  it("is one D1 round trip once the campaign is cached, within D1's limits", async () => {
    const c = await openCampaign();
    await signup(c.slug, validBody());
    const sent = await signup(c.slug, validBody());
    expect(sent.res.status).toBe(202);
    expect(sent.roundTrips).toBe(1);
    expect(sent.usage.queries).toBe(3); // counter (+ campaign state), upsert, outbox
    expect(sent.usage.maxParams).toBeLessThanOrEqual(30);
  });

  it("negotiates the locale: body, then Accept-Language, then the campaign default", async () => {
    const c = await openCampaign({ default_locale: "uz" });
    await signup(c.slug, validBody({ email: "a@example.com" }));
    await signup(c.slug, validBody({ email: "b@example.com" }), { "Accept-Language": "en-GB" });
    await signup(c.slug, validBody({ email: "c@example.com", locale: "en" }), {
      "Accept-Language": "uz",
    });
    const rows = await signupRows(c.id);
    expect(rows.map((r) => [r.email, r.locale])).toEqual([
      ["a@example.com", "uz"],
      ["b@example.com", "en"],
      ["c@example.com", "en"],
    ]);
  });

  it("stores hostile-looking text verbatim", async () => {
    const c = await openCampaign();
    const name = "Robert'); DROP TABLE signups;-- <script>";
    expect((await signup(c.slug, validBody({ name, answers: { why: name } }))).res.status).toBe(
      202,
    );
    const [row] = await signupRows(c.id);
    expect(row!.name).toBe(name);
    expect(JSON.parse(row!.answers).why).toBe(name);
  });

  it("refuses drafts (404) and paused or closed campaigns (409 campaign_closed), storing nothing", async () => {
    const draft = await newCampaign();
    await expectProblem((await signup(draft.slug, validBody())).res, 404, "not_found");
    await expectProblem((await signup("no-such-campaign", validBody())).res, 404, "not_found");

    const c = await openCampaign();
    expect((await signup(c.slug, validBody())).res.status).toBe(202); // now cached
    await ok(patchCampaign(c.id, { status: "paused" }));
    await expectProblem((await signup(c.slug, validBody())).res, 409, "campaign_closed");
    await ok(patchCampaign(c.id, { status: "closed" }));
    await expectProblem((await signup(c.slug, validBody())).res, 409, "campaign_closed");
    expect(await signupRows(c.id)).toHaveLength(1);
  });

  it("applies a change made after the campaign was cached (the batch re-checks the version)", async () => {
    const c = await openCampaign();
    expect((await signup(c.slug, validBody())).res.status).toBe(202);
    await ok(
      patchCampaign(c.id, {
        questions: [{ key: "size", label: { en: "Size" }, type: "text", required: true }],
      }),
    );
    const res = (await signup(c.slug, validBody())).res;
    const body = await expectProblem(res, 422, "validation_failed");
    expect(body.errors).toEqual([{ path: "answers.size", message: expect.any(String) }]);
    expect((await signup(c.slug, validBody({ answers: { size: "M" } }))).res.status).toBe(202);
  });
});

describe("signup input errors", () => {
  it("422 with per-field paths, storing nothing", async () => {
    const c = await openCampaign();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ email: "not-an-email", consent: true }, ["email"]],
      [{ email: "a@b", consent: true }, ["email"]],
      [{ email: `${"x".repeat(65)}@example.com`, consent: true }, ["email"]],
      [{ email: uniqueEmail(), consent: false }, ["consent"]],
      [{ email: uniqueEmail() }, ["consent"]],
      [{ email: uniqueEmail(), consent: true, unknown_field: 1 }, ["(body)"]],
      [{ email: uniqueEmail(), consent: true, answers: { nope: "x" } }, ["answers.nope"]],
      [{ email: uniqueEmail(), consent: true, answers: { why: "x".repeat(201) } }, ["answers.why"]],
      [{ email: uniqueEmail(), consent: true, name: "two\nlines" }, ["name"]],
      [{ email: "bad", consent: false, answers: { why: 5 } }, ["answers.why"]],
    ];
    for (const [body, paths] of cases) {
      const problem = await expectProblem(
        (await signup(c.slug, body)).res,
        422,
        "validation_failed",
      );
      const got = (problem.errors as { path: string }[]).map((e) => e.path);
      for (const p of paths) expect(got, JSON.stringify(body)).toContain(p);
    }
    expect(await signupRows(c.id)).toHaveLength(0);
    expect(await outboxRows(c.id)).toHaveLength(0);
  });

  it("415 for other content types, 400 for broken JSON, 413 for huge bodies", async () => {
    const c = await openCampaign();
    const path = `/v1/campaigns/${c.slug}/signups`;
    const plain = await send(path, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "CF-Connecting-IP": "192.0.2.1" },
      body: "email=a@example.com",
    });
    const refused = await expectProblem(plain.res, 415, "unsupported_media_type");
    expect(refused.detail).toContain("multipart/form-data");
    // A multipart form (a file-upload form, or FormData from a script) is a form too.
    const multipart = new FormData();
    multipart.set("email", uniqueEmail("multi"));
    multipart.set("consent", "on");
    const other = await openCampaign();
    const viaFormData = await send(`/v1/campaigns/${other.slug}/signups`, {
      method: "POST",
      headers: { Accept: "application/json", "CF-Connecting-IP": "192.0.2.4" },
      body: multipart,
    });
    expect(viaFormData.res.status).toBe(202);
    expect(await signupRows(other.id)).toHaveLength(1);
    const broken = await send(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": "192.0.2.2" },
      body: "{ nope",
    });
    await expectProblem(broken.res, 400, "malformed_body");
    const huge = await signup(c.slug, validBody({ name: "x".repeat(70_000) }));
    await expectProblem(huge.res, 413, "payload_too_large");
    const empty = await send(path, {
      method: "POST",
      headers: { "CF-Connecting-IP": "192.0.2.3" },
    });
    await expectProblem(empty.res, 422, "validation_failed");
    expect(await signupRows(c.id)).toHaveLength(0);
  });
});

describe("HTML form posts", () => {
  const questions = [
    {
      key: "size",
      label: { en: "Size" },
      type: "single_choice" as const,
      required: true,
      options: [
        { value: "s", label: { en: "Small" } },
        { value: "m", label: { en: "Medium" } },
      ],
    },
    {
      key: "colours",
      label: { en: "Colours" },
      type: "multi_choice" as const,
      options: [
        { value: "red", label: { en: "Red" } },
        { value: "blue", label: { en: "Blue" } },
      ],
    },
    { key: "gift", label: { en: "A gift?" }, type: "checkbox" as const },
  ];

  it("303 to the localized thank-you page; answers[key] fields become answers", async () => {
    const c = await openCampaign({ questions });
    const { res } = await signupForm(c.slug, [
      ["email", "form@example.com"],
      ["name", ""],
      ["locale", "uz"],
      ["consent", "on"],
      ["answers[size]", "m"],
      ["answers[colours][]", "red"],
      ["answers[colours][]", "blue"],
      ["answers[gift]", "on"],
      ["website", ""],
      ["utm_source", "poster"],
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/c/${c.slug}/thanks?locale=uz`);
    const [row] = await signupRows(c.id);
    expect(row).toMatchObject({
      email: "form@example.com",
      name: null,
      locale: "uz",
      utm_source: "poster",
    });
    expect(JSON.parse(row!.answers)).toEqual({ size: "m", colours: ["red", "blue"], gift: true });
  });

  it("answers JSON to a form post that asks for it", async () => {
    const c = await openCampaign({ questions });
    const { res } = await signupForm(
      c.slug,
      [
        ["email", "json-form@example.com"],
        ["consent", "on"],
        ["answers[size]", "s"],
      ],
      { Accept: "application/json" },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "pending" });
  });

  it("shows the form again with the errors (422 HTML), keeping what was typed", async () => {
    const c = await openCampaign({ questions });
    const { res } = await signupForm(c.slug, [
      ["email", "typed@example"],
      ["name", "Kept Name"],
      ["answers[size]", "xl"],
    ]);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('href="#f-email"');
    expect(html).toContain('href="#q-size"');
    expect(html).toContain('href="#f-consent"');
    expect(html).toContain('value="Kept Name"');
    expect(html).toContain('aria-invalid="true"');
    const unknown = await signupForm(c.slug, [
      ["email", "x@example.com"],
      ["consent", "on"],
      ["answers[size]", "s"],
      ["surprise", "1"],
    ]);
    expect(unknown.res.status).toBe(422);
    expect(unknown.res.headers.get("content-type")).toMatch(/^text\/html/);
    // The stray field is named, so whoever wired the form can fix it.
    expect(await unknown.res.text()).toContain("does not know: “surprise”");
    expect(await signupRows(c.id)).toHaveLength(0);
  });
});
