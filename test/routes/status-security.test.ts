import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deriveToken } from "../../src/lib/tokens";
import { call, expectProblem } from "../helpers/client";
import {
  bearer,
  formPost,
  makeCampaign,
  makeSignup,
  signupRow,
  statusJson,
  tokenFor,
} from "./status-fixtures";

async function expect401(init: RequestInit) {
  const res = await call("/v1/status", init);
  const body = await expectProblem(res, 401, "unauthorized");
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
  return body;
}

async function expect404Page(token: string) {
  const res = await call(`/s/${encodeURIComponent(token)}`);
  expect(res.status).toBe(404);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  const html = await res.text();
  expect(html).not.toContain("in line");
  return html;
}

describe("status tokens", () => {
  it("401 without a token, with a malformed one or another scheme", async () => {
    await expect401({});
    await expect401({ headers: { Authorization: "Bearer" } });
    await expect401({ headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    await expect401(bearer("not-a-token"));
    await expect401(bearer("x".repeat(5000)));
    await expect401(bearer("' OR 1=1 --"));
  });

  it("refuses tokens made for another purpose or with another secret", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    for (const purpose of ["confirm", "unsubscribe", "order", "verify", "login"] as const) {
      const token = await tokenFor(s.id, purpose);
      await expect401(bearer(token));
      await expect404Page(token);
    }
    const forged = await deriveToken(`${env.TOKEN_SECRET}-other`, "status", s.id, 1);
    await expect401(bearer(forged));
    await expect404Page(forged);
    // The admin token is not a status token either.
    await expect401(bearer(env.ADMIN_TOKEN));
  });

  it("a revoked token (version bumped) stops working; the new one works", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    await env.DB.prepare("UPDATE signups SET token_version = 2 WHERE id = ?").bind(s.id).run();
    const old = await tokenFor(s.id, "status", 1);
    await expect401(bearer(old));
    await expect404Page(old);
    expect((await statusJson(s.id, 2)).position).toBe(1);
    // A token from the future (version 3) is no better.
    await expect401(bearer(await tokenFor(s.id, "status", 3)));
  });

  it("an erased signup's token is dead, even at its current version", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    await env.DB.prepare(
      "UPDATE signups SET erased_at = 1, email = NULL, email_normalized = NULL WHERE id = ?",
    )
      .bind(s.id)
      .run();
    await expect401(bearer(await tokenFor(s.id)));
    await expect404Page(await tokenFor(s.id));
  });

  it("a token for an id that does not exist is a 401 / 404 like any other", async () => {
    const token = await tokenFor("sgn_doesnotexist");
    await expect401(bearer(token));
    await expect404Page(token);
  });

  it("hostile path tokens get the 404 page, never an error", async () => {
    for (const t of ["..", "%2e%2e%2fadmin", "🙂", "a.b.c", "' OR '1'='1", "<script>x</script>"]) {
      const res = await call(`/s/${t}`);
      expect([404]).toContain(res.status);
      expect(await res.text()).not.toContain("<script>x</script>");
    }
  });
});

describe("status page forms", () => {
  it("posts from another site are refused and change nothing", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    const token = await tokenFor(s.id);
    for (const step of ["unsubscribe", "delete"]) {
      for (const origin of ["https://evil.example", "null"]) {
        const res = await call(`/s/${token}/${step}`, formPost("confirm=yes", { Origin: origin }));
        expect(res.status).toBe(403);
        expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      }
    }
    const row = await signupRow(s.id);
    expect(row?.unsubscribed_at).toBeNull();
    expect(row?.erased_at).toBeNull();
  });

  it("a wrong content type gets 415, an oversized body 413; nothing changes", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    const token = await tokenFor(s.id);
    const res = await call(
      `/s/${token}/delete`,
      formPost("confirm=yes", { "Content-Type": "text/plain" }),
    );
    await expectProblem(res, 415, "unsupported_media_type");
    const big = await call(`/s/${token}/delete`, formPost(`confirm=yes&x=${"a".repeat(5000)}`));
    await expectProblem(big, 413, "payload_too_large");
    expect((await signupRow(s.id))?.erased_at).toBeNull();
  });

  it("invalid tokens get the 404 page on the forms too", async () => {
    const c = await makeCampaign();
    const s = await makeSignup(c.id);
    const confirmToken = await tokenFor(s.id, "confirm");
    for (const step of ["unsubscribe", "delete"]) {
      const res = await call(`/s/${confirmToken}/${step}`, formPost("confirm=yes"));
      expect(res.status).toBe(404);
    }
    const row = await signupRow(s.id);
    expect(row?.unsubscribed_at).toBeNull();
    expect(row?.erased_at).toBeNull();
  });
});
