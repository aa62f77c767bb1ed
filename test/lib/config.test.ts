import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadSettings, SettingsError } from "../../src/config";
import worker from "../../src/index";

const base = {
  ADMIN_TOKEN: "a".repeat(32),
  TOKEN_SECRET: "s".repeat(40),
  PUBLIC_URL: "https://presale.example.com/",
  EMAIL_FROM: "Presale <hi@example.com>",
};

describe("settings", () => {
  it("parses and normalises valid settings, with defaults", () => {
    const s = loadSettings({ ...base } as unknown as Env);
    expect(s.PUBLIC_URL).toBe("https://presale.example.com");
    expect(s.EMAIL_PROVIDER).toBe("log");
    expect(s.TURNSTILE_VERIFY_URL).toMatch(/^https:\/\/challenges\.cloudflare\.com\//);
    expect(s.RESEND_API_KEY).toBeUndefined();
  });

  it("fails fast naming every bad setting", () => {
    const bad = {
      ...base,
      ADMIN_TOKEN: "short",
      PUBLIC_URL: "not a url",
      EMAIL_PROVIDER: "resend",
    };
    let error: unknown;
    try {
      loadSettings(bad as unknown as Env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const msg = (error as Error).message;
    expect(msg).toContain("ADMIN_TOKEN");
    expect(msg).toContain("PUBLIC_URL");
    expect(msg).toContain("RESEND_API_KEY is required when EMAIL_PROVIDER=resend");
  });

  it("a misconfigured worker answers 500 misconfigured without leaking the reason", async () => {
    const res = await worker.fetch(
      new Request("https://presale.test/healthz"),
      { ...env, TOKEN_SECRET: "" },
      { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext,
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as { code: string; detail?: string };
    expect(body.code).toBe("misconfigured");
    expect(JSON.stringify(body)).not.toContain("TOKEN_SECRET");
  });
});
