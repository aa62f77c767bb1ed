import { describe, expect, it } from "vitest";
import { newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { ok } from "../helpers/client";
import {
  openCampaign,
  send,
  signup,
  signupByEmail,
  signupForm,
  uniqueEmail,
} from "./signups-helpers";

const questions = [
  {
    key: "size",
    label: { en: "Size", uz: "Oʻlcham" },
    help: { en: "Pick one" },
    type: "single_choice" as const,
    required: true,
    options: [
      { value: "s", label: { en: "Small", uz: "Kichik" } },
      { value: "m", label: { en: "Medium" } },
    ],
  },
  { key: "note", label: { en: "Anything else?" }, type: "text" as const, max_length: 500 },
];

describe("GET /c/{slug}", () => {
  it("renders the signup form that works without JavaScript, with accessible labels and a hidden honeypot", async () => {
    const c = await openCampaign({ name: "Aurora <Lamp>", description: "Warm light", questions });
    const { res } = await send(
      `/c/${c.slug}?ref=abcd-efgh&utm_source=poster&utm_medium=print&fbclid=x`,
      {
        headers: { Referer: "https://news.example.org/" },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain("Aurora &lt;Lamp&gt;");
    expect(html).toContain("Warm light");
    expect(html).toContain(`<form method="post" action="/v1/campaigns/${c.slug}/signups"`);
    expect(html).toMatch(/<label for="f-email">/);
    expect(html).toContain('id="f-email" name="email"');
    expect(html).toContain(
      '<input type="checkbox" id="f-consent" name="consent" value="on" required',
    );
    expect(html).toContain("<legend>Size");
    expect(html).toContain('name="answers[size]" value="s"');
    expect(html).toContain('name="answers[note]"');
    // Honeypot: hidden from sight, from screen readers and from the tab order.
    expect(html).toMatch(
      /<div class="visually-hidden" aria-hidden="true"><label for="f-website">[^<]*<\/label><input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off"/,
    );
    // Where the visitor came from rides along.
    expect(html).toContain('name="referral_code" value="ABCDEFGH"');
    expect(html).toContain('name="utm_source" value="poster"');
    expect(html).toContain('name="utm_medium" value="print"');
    expect(html).toContain('name="referrer" value="https://news.example.org/"');
    expect(html).toContain('name="landing_url"');
    // Switching language keeps the referral and the campaign tags, not other noise.
    expect(html).toContain(
      `href="/c/${c.slug}?locale=uz&amp;ref=ABCDEFGH&amp;utm_source=poster&amp;utm_medium=print"`,
    );
    expect(html).not.toContain("<script");
  });

  it("speaks the visitor's language: ?locale=, then Accept-Language, then the campaign default", async () => {
    const c = await openCampaign({ questions, default_locale: "uz" });
    const byDefault = await (await send(`/c/${c.slug}`)).res.text();
    expect(byDefault).toContain('<html lang="uz"');
    expect(byDefault).toContain("Oʻlcham");
    expect(byDefault).toContain('name="locale" value="uz"');
    const browser = await (
      await send(`/c/${c.slug}`, { headers: { "Accept-Language": "en-US" } })
    ).res.text();
    expect(browser).toContain('<html lang="en"');
    const chosen = await (
      await send(`/c/${c.slug}?locale=uz`, { headers: { "Accept-Language": "en" } })
    ).res.text();
    expect(chosen).toContain('<html lang="uz"');
  });

  it("posts end to end: the form's fields make a signup and land on the thank-you page", async () => {
    const c = await openCampaign({ questions });
    const email = uniqueEmail("e2e");
    const sent = await signupForm(
      c.slug,
      [
        ["locale", "en"],
        ["utm_source", "poster"],
        ["email", email],
        ["name", ""],
        ["answers[size]", "s"],
        ["answers[note]", ""],
        ["website", ""],
        ["consent", "on"],
      ],
      { Origin: "https://presale.test" },
    );
    expect(sent.res.status).toBe(303);
    const thanks = await send(sent.res.headers.get("location")!);
    expect(thanks.res.status).toBe(200);
    expect(await thanks.res.text()).toContain("Check your inbox");
    expect(await signupByEmail(c.id, email)).toMatchObject({ utm_source: "poster", locale: "en" });
  });

  it("404 page for drafts and unknown slugs; no form while paused", async () => {
    const draft = await newCampaign();
    for (const slug of [draft.slug, "nope-nope"]) {
      const { res } = await send(`/c/${slug}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    }
    const c = await openCampaign();
    await ok(patchCampaign(c.id, { status: "paused" }));
    const { res } = await send(`/c/${c.slug}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Sign-ups are closed");
    expect(html).not.toContain("<form");
  });

  it("loads Turnstile from Cloudflare only when the campaign turns it on, allowed by the CSP", async () => {
    const c = await openCampaign({
      turnstile_enabled: true,
      turnstile_site_key: "1x00000000000000000000AA",
    });
    const { res } = await send(`/c/${c.slug}`);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' https:\/\/challenges\.cloudflare\.com/);
    expect(csp).toMatch(/frame-src https:\/\/challenges\.cloudflare\.com/);
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    expect(html).toContain('<script src="https://challenges.cloudflare.com/turnstile/v0/api.js"');
    expect(html).toContain('class="cf-turnstile" data-sitekey="1x00000000000000000000AA"');
  });

  it("a failed form post shows the notice for a closed campaign (409) and rate limits (429)", async () => {
    const c = await openCampaign();
    await signup(c.slug, { email: uniqueEmail(), consent: true });
    const refuse: RateLimit = { limit: async () => ({ success: false }) };
    const limited = await signupForm(
      c.slug,
      [
        ["email", "x@example.com"],
        ["consent", "on"],
      ],
      {},
      {
        RL_PUBLIC: refuse,
      },
    );
    // The burst limiter runs before the form is read: a problem, not a page.
    expect(limited.res.status).toBe(429);
    await ok(patchCampaign(c.id, { status: "paused" }));
    const closed = await signupForm(c.slug, [
      ["email", "x@example.com"],
      ["consent", "on"],
    ]);
    expect(closed.res.status).toBe(409);
    const html = await closed.res.text();
    expect(html).toContain("not taking sign-ups right now");
  });
});

describe("GET /c/{slug}/thanks", () => {
  it("says to check the inbox, in the chosen language", async () => {
    const c = await openCampaign({ name: "Lamp" });
    const en = await send(`/c/${c.slug}/thanks?locale=en`);
    expect(en.res.status).toBe(200);
    const html = await en.res.text();
    expect(html).toContain("Check your inbox");
    expect(html).toContain(`href="/c/${c.slug}?locale=en"`);
    const uz = await (await send(`/c/${c.slug}/thanks?locale=uz`)).res.text();
    expect(uz).toContain("Pochtangizni tekshiring");
    expect((await send("/c/nope-nope/thanks")).res.status).toBe(404);
  });
});
