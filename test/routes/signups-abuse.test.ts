import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { CAMPAIGN_SIGNUPS_PER_MINUTE } from "../../src/domain/signups/submit";
import { expectProblem } from "../helpers/client";
import {
  type EnvOverrides,
  openCampaign,
  outboxRows,
  send,
  signup,
  signupByEmail,
  signupRows,
  validBody,
} from "./signups-helpers";

const SHOP = "https://shop.example.com";

describe("origin check", () => {
  it("403 origin_not_allowed for a foreign origin, storing nothing", async () => {
    const c = await openCampaign({ allowed_origins: [SHOP] });
    const { res } = await signup(c.slug, validBody(), { Origin: "https://evil.example" });
    await expectProblem(res, 403, "origin_not_allowed");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await signupRows(c.id)).toHaveLength(0);
    // A preflight from it is refused too.
    const pre = await send(`/v1/campaigns/${c.slug}/signups`, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(pre.res.status).toBe(403);
  });

  it("echoes an allowed origin with Vary: Origin and answers its preflight", async () => {
    const c = await openCampaign({ allowed_origins: [SHOP] });
    const { res } = await signup(c.slug, validBody(), { Origin: SHOP });
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("vary")).toMatch(/Origin/);
    const pre = await send(`/v1/campaigns/${c.slug}/signups`, {
      method: "OPTIONS",
      headers: {
        Origin: SHOP,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(pre.res.status).toBe(204);
    expect(pre.res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(pre.res.headers.get("access-control-allow-methods")).toBe("POST");
    expect(pre.res.headers.get("access-control-allow-headers")).toMatch(/Content-Type/i);
    expect(pre.res.headers.get("vary")).toMatch(/Origin/);
    expect(pre.usage.queries).toBe(0); // served from the cache the signup filled
  });

  it("lets our own origin (the hosted page) and origin-less clients through", async () => {
    const c = await openCampaign();
    const own = await signup(c.slug, validBody(), { Origin: "https://presale.test" });
    expect(own.res.status).toBe(202);
    const curl = await signup(c.slug, validBody());
    expect(curl.res.status).toBe(202);
    expect(curl.res.headers.get("access-control-allow-origin")).toBeNull();
    expect(await signupRows(c.id)).toHaveLength(2);
  });
});

describe("rate limits", () => {
  it("429 with Retry-After when the per-IP burst limiter says no, storing nothing", async () => {
    const c = await openCampaign();
    const refuse: RateLimit = { limit: async () => ({ success: false }) };
    const { res } = await signup(c.slug, validBody(), {}, { RL_PUBLIC: refuse });
    await expectProblem(res, 429, "rate_limited");
    expect(res.headers.get("retry-after")).toBe("10");
    expect(await signupRows(c.id)).toHaveLength(0);
  });

  it("a flood from one IP gets 429s from the real (simulated) binding", async () => {
    const c = await openCampaign();
    // RL_PUBLIC allows 60 per 10 s window; 130 requests span at most two windows,
    // so one of them sees at least 65. Empty bodies: the limit runs before validation.
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++) {
      const { res } = await signup(c.slug, {}, { "CF-Connecting-IP": "192.0.2.99" });
      statuses.push(res.status);
    }
    expect(statuses[0]).toBe(422);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect((await signup(c.slug, {}, { "CF-Connecting-IP": "192.0.2.100" })).res.status).toBe(422);
  });

  it("429 with Retry-After past the per-campaign limit, storing nothing", async () => {
    const c = await openCampaign();
    const now = Date.now();
    for (const start of [
      Math.floor(now / 60_000) * 60_000,
      (Math.floor(now / 60_000) + 1) * 60_000,
    ]) {
      await env.DB.prepare(
        "INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES (?, ?, ?, ?)",
      )
        .bind(`signups:campaign:${c.id}`, start, CAMPAIGN_SIGNUPS_PER_MINUTE, start + 60_000)
        .run();
    }
    const { res } = await signup(c.slug, validBody());
    await expectProblem(res, 429, "rate_limited");
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(await signupRows(c.id)).toHaveLength(0);
    expect(await outboxRows(c.id)).toHaveLength(0);
  });
});

describe("Turnstile (against the siteverify stand-in, Cloudflare's test secrets)", () => {
  const url = () => inject("fakeTurnstileUrl");
  const withSecret = (secret: string, path = "/siteverify") => ({
    TURNSTILE_SECRET_KEY: secret,
    TURNSTILE_VERIFY_URL: `${url()}${path}`,
  });
  const PASS = "1x0000000000000000000000000000000AA";
  const FAIL = "2x0000000000000000000000000000000AA";
  const SPENT = "3x0000000000000000000000000000000AA";
  const turnstileCampaign = () =>
    openCampaign({ turnstile_enabled: true, turnstile_site_key: "1x00000000000000000000AA" });

  it("passes with a valid token and sends siteverify the client IP", async () => {
    const c = await turnstileCampaign();
    const body = validBody({ turnstile_token: "XXXX.DUMMY.TOKEN.XXXX" });
    const { res } = await signup(
      c.slug,
      body,
      { "CF-Connecting-IP": "203.0.113.7" },
      withSecret(PASS),
    );
    expect(res.status).toBe(202);
    expect(await signupRows(c.id)).toHaveLength(1);
    const seen = (await (await fetch(`${url()}/__requests`)).json()) as { remoteip?: string }[];
    expect(seen.some((r) => r.remoteip === "203.0.113.7")).toBe(true);
  });

  it("fails closed: missing token, failed check, spent token (replay), error reply, timeout", async () => {
    const c = await turnstileCampaign();
    const token = { turnstile_token: "XXXX.DUMMY.TOKEN.XXXX" };
    const cases: [Record<string, unknown>, EnvOverrides, string][] = [
      [{}, withSecret(PASS), "missing"],
      [token, withSecret(FAIL), "invalid"],
      [token, withSecret(SPENT), "expired_or_used"],
      [token, withSecret(PASS, "/broken/siteverify"), "unavailable"],
      [token, withSecret(PASS, "/slow/siteverify"), "unavailable"],
    ];
    for (const [extra, overrides, reason] of cases) {
      const started = Date.now();
      const { res } = await signup(c.slug, validBody(extra), {}, overrides);
      const problem = await expectProblem(res, 403, "turnstile_failed");
      expect(problem.reason).toBe(reason);
      expect(Date.now() - started).toBeLessThan(6000);
    }
    expect(await signupRows(c.id)).toHaveLength(0);
  });

  it("fails closed when the server has no secret configured", async () => {
    const c = await turnstileCampaign();
    const { res } = await signup(
      c.slug,
      validBody({ turnstile_token: "t" }),
      {},
      {
        TURNSTILE_SECRET_KEY: "",
      },
    );
    await expectProblem(res, 500, "misconfigured");
    expect(await signupRows(c.id)).toHaveLength(0);
  });
});

describe("targeting", () => {
  it("marks people outside the audience rules, with the same reply", async () => {
    const c = await openCampaign({
      audience_rules: { allowed_domains: ["acme.example"], countries: ["UZ"] },
    });
    const inside = await signup(c.slug, validBody({ email: "a@acme.example" }), {
      "CF-IPCountry": "UZ",
    });
    const sub = await signup(c.slug, validBody({ email: "b@mail.acme.example" }), {
      "CF-IPCountry": "uz",
    });
    const wrongDomain = await signup(c.slug, validBody({ email: "c@other.example" }), {
      "CF-IPCountry": "UZ",
    });
    const wrongCountry = await signup(c.slug, validBody({ email: "d@acme.example" }), {
      "CF-IPCountry": "KZ",
    });
    const noCountry = await signup(c.slug, validBody({ email: "e@acme.example" }));
    for (const s of [inside, sub, wrongDomain, wrongCountry, noCountry])
      expect(s.res.status).toBe(202);
    const audience = async (email: string) => (await signupByEmail(c.id, email))!.audience;
    expect(await audience("a@acme.example")).toBe("inside");
    expect(await audience("b@mail.acme.example")).toBe("inside");
    expect(await audience("c@other.example")).toBe("outside_audience");
    expect(await audience("d@acme.example")).toBe("outside_audience");
    expect(await audience("e@acme.example")).toBe("outside_audience");
  });

  it("allow_list_only: a stranger is outside, an imported person stays as imported", async () => {
    const c = await openCampaign({ audience_rules: { allow_list_only: true } });
    await signup(c.slug, validBody({ email: "stranger@example.com" }));
    expect((await signupByEmail(c.id, "stranger@example.com"))!.audience).toBe("outside_audience");
  });
});
