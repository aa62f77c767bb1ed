import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import {
  INVITE_CHECKS_PER_CAMPAIGN_PER_HOUR,
  INVITE_CHECKS_PER_IP_PER_HOUR,
} from "../../src/domain/invites/check";
import { randomCode } from "../../src/lib/base32";
import { expectProblem, json } from "../helpers/client";
import { D1_MAX_PARAMS } from "../helpers/d1-guard";
import {
  bodyOf,
  callWithEnv,
  checkCode,
  makeCodes,
  nextIp,
  openCampaign,
} from "./invites-fixtures";

const HOUR = 3_600_000;
const allowAll: RateLimit = { limit: async () => ({ success: true }) };

describe("guessing", () => {
  it("10,000 random guesses from one client: 0 valid codes, 429s after the threshold", {
    timeout: 120_000,
  }, async () => {
    const c = await openCampaign();
    const live = await makeCodes(c.id, { kind: "shared", count: 100, max_uses: 1000 });
    const quiet = vi.spyOn(console, "log").mockImplementation(() => {});
    const ip = "203.0.113.66";
    const statuses: number[] = [];
    let valid = 0;
    let retryAfterMissing = 0;
    const started = Date.now();
    try {
      for (let batch = 0; batch < 40; batch++) {
        const replies = await Promise.all(
          Array.from({ length: 250 }, () =>
            checkCode(c.slug, { code: randomCode().code }, { "CF-Connecting-IP": ip }),
          ),
        );
        for (const res of replies) {
          statuses.push(res.status);
          if (res.status === 200) {
            if (((await res.json()) as { valid: boolean }).valid) valid++;
          } else {
            await res.body?.cancel();
            if (!res.headers.get("retry-after")) retryAfterMissing++;
          }
        }
      }
    } finally {
      quiet.mockRestore();
    }
    const answered = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    expect(statuses).toHaveLength(10_000);
    expect(valid).toBe(0);
    expect(answered + limited).toBe(10_000);
    // The burst binding allows 10 per 10 s window; the hourly counter 60 in all.
    const windows = Math.ceil((Date.now() - started) / 10_000) + 1;
    expect(answered).toBeLessThanOrEqual(Math.min(10 * windows, INVITE_CHECKS_PER_IP_PER_HOUR));
    expect(limited).toBeGreaterThan(9_900);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(retryAfterMissing).toBe(0);
    // The real codes still work from another client.
    const res = await checkCode(c.slug, { code: live[0]?.code });
    expect(await res.json()).toMatchObject({ valid: true });
  });

  it(`past ${INVITE_CHECKS_PER_IP_PER_HOUR} checks an hour from one IP, the D1 counter says 429`, async () => {
    const c = await openCampaign();
    const ip = "198.51.100.23";
    const send = () =>
      callWithEnv(
        `/v1/campaigns/${c.slug}/invites/check`,
        json({ code: randomCode().code }, { "CF-Connecting-IP": ip }),
        { RL_SENSITIVE: allowAll },
      );
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < INVITE_CHECKS_PER_IP_PER_HOUR + 10; i += 10) {
      const out = await Promise.all(Array.from({ length: 10 }, send));
      for (const { res, usage } of out) {
        statuses.push(res.status);
        expect(usage.queries).toBeLessThanOrEqual(5);
        expect(usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
        last = res;
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(INVITE_CHECKS_PER_IP_PER_HOUR);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const body = await expectProblem(last as Response, 429, "rate_limited");
    expect(body.code).toBe("rate_limited");
    const wait = Number(last?.headers.get("retry-after"));
    const hourLeft = Math.ceil((HOUR - (Date.now() % HOUR)) / 1000);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(hourLeft + 1);
    // Another client is still answered.
    const other = await callWithEnv(
      `/v1/campaigns/${c.slug}/invites/check`,
      json({ code: randomCode().code }, { "CF-Connecting-IP": nextIp() }),
      { RL_SENSITIVE: allowAll },
    );
    expect(other.res.status).toBe(200);
  });

  it("past the campaign's hourly ceiling, every client gets 429 (for that campaign only)", async () => {
    const c = await openCampaign();
    const other = await openCampaign();
    const windowStart = Math.floor(Date.now() / HOUR) * HOUR;
    await env.DB.prepare(
      "INSERT INTO rate_counters (key, window_start, count, expires_at) VALUES (?, ?, ?, ?)",
    )
      .bind(
        `invite_check:campaign:${c.id}`,
        windowStart,
        INVITE_CHECKS_PER_CAMPAIGN_PER_HOUR,
        windowStart + HOUR,
      )
      .run();
    const res = await checkCode(c.slug, { code: randomCode().code });
    await expectProblem(res, 429, "rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await checkCode(other.slug, { code: randomCode().code })).status).toBe(200);
  });

  it("rate counters never hold a raw IP, and guesses never reach a log", async () => {
    const c = await openCampaign();
    const [code] = await makeCodes(c.id, { kind: "shared", count: 1 });
    const lines: string[] = [];
    const spy = vi
      .spyOn(console, "log")
      .mockImplementation((line) => void lines.push(String(line)));
    try {
      await checkCode(c.slug, { code: code?.code }, { "CF-Connecting-IP": "192.0.2.201" });
    } finally {
      spy.mockRestore();
    }
    expect(lines.join("\n")).not.toContain(bodyOf(code?.code ?? ""));
    expect(lines.join("\n")).not.toContain("192.0.2.201");
    const { results } = await env.DB.prepare(
      "SELECT key FROM rate_counters WHERE key LIKE '%192.0.2%'",
    ).all();
    expect(results).toEqual([]);
  });
});
