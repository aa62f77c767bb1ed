import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminHeaders, call, client, expectProblem, json, lastUsage, ok } from "../helpers/client";

const admin = client(adminHeaders());

async function newKey(role: "owner" | "editor" | "viewer", name = `${role} key`) {
  return ok(admin.v1.admin["api-keys"].$post({ json: { name, role } }), 201);
}

describe("admin authentication", () => {
  it("refuses a request without a token (401 with WWW-Authenticate)", async () => {
    const res = await call("/v1/admin/api-keys");
    await expectProblem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("refuses a wrong token and a malformed Authorization header", async () => {
    await expectProblem(
      await call("/v1/admin/api-keys", { headers: adminHeaders("nope") }),
      401,
      "unauthorized",
    );
    await expectProblem(
      await call("/v1/admin/api-keys", { headers: { Authorization: `Basic ${env.ADMIN_TOKEN}` } }),
      401,
      "unauthorized",
    );
    await expectProblem(
      await call("/v1/admin/api-keys", { headers: adminHeaders(`${env.ADMIN_TOKEN}x`) }),
      401,
      "unauthorized",
    );
  });

  it("accepts the bootstrap ADMIN_TOKEN as owner", async () => {
    const res = await admin.v1.admin["api-keys"].$get();
    expect(res.status).toBe(200);
  });
});

describe("API keys", () => {
  it("creates a key shown once, stored only as a keyed hash", async () => {
    const created = await newKey("editor", "CI deploys");
    expect(created.key).toMatch(/^psk_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const listed = await ok(admin.v1.admin["api-keys"].$get());
    const row = listed.items.find((k) => k.id === created.id);
    expect(row).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const stored = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE id = ?")
      .bind(created.id)
      .first<{ key_hash: string }>();
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.key_hash).not.toContain(created.key.slice(4));
  });

  it("authenticates with the key and honours its role", async () => {
    const viewer = await newKey("viewer");
    const asViewer = client(adminHeaders(viewer.key));
    expect((await asViewer.v1.admin["audit-log"].$get({ query: {} })).status).toBe(200);
    // A viewer may not write, and may not manage keys at all.
    await expectProblem(
      await asViewer.v1.admin["api-keys"].$post({ json: { name: "x", role: "owner" } }),
      403,
      "forbidden",
    );
    await expectProblem(await asViewer.v1.admin["api-keys"].$get(), 403, "forbidden");
    const editor = await newKey("editor");
    await expectProblem(
      await client(adminHeaders(editor.key)).v1.admin["api-keys"].$get(),
      403,
      "forbidden",
    );
  });

  it("a revoked key stops working at once; revoking twice is harmless", async () => {
    const k = await newKey("owner");
    const asKey = client(adminHeaders(k.key));
    expect((await asKey.v1.admin["api-keys"].$get()).status).toBe(200);
    const body = await ok(admin.v1.admin["api-keys"][":id"].$delete({ param: { id: k.id } }));
    expect(body.revoked_at).not.toBeNull();
    await expectProblem(await asKey.v1.admin["api-keys"].$get(), 401, "unauthorized");
    expect((await admin.v1.admin["api-keys"][":id"].$delete({ param: { id: k.id } })).status).toBe(
      200,
    );
    await expectProblem(
      await admin.v1.admin["api-keys"][":id"].$delete({ param: { id: "key_doesnotexist" } }),
      404,
      "not_found",
    );
    // The log names the key, and records the one revocation that happened.
    const log = await ok(admin.v1.admin["audit-log"].$get({ query: { limit: "100" } }));
    const about = log.items.filter((e) => e.target_id === k.id).map((e) => e.action);
    expect(about.sort()).toEqual(["api_key.create", "api_key.revoke"]);
  });

  it("a key cannot be created already expired", async () => {
    const res = await admin.v1.admin["api-keys"].$post({
      json: {
        name: "stale",
        role: "viewer",
        expires_at: new Date(Date.now() - 1_000).toISOString(),
      },
    });
    const p = await expectProblem(res, 422, "validation_failed");
    expect(JSON.stringify(p.errors)).toContain("expires_at");
  });

  it("an expired key is refused", async () => {
    const res = await admin.v1.admin["api-keys"].$post({
      json: {
        name: "short",
        role: "owner",
        expires_at: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    const k = await ok(res, 201);
    await env.DB.prepare("UPDATE api_keys SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, k.id)
      .run();
    await expectProblem(
      await client(adminHeaders(k.key)).v1.admin["api-keys"].$get(),
      401,
      "unauthorized",
    );
  });

  it("rejects bad bodies with clear problems and writes nothing", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM api_keys").first<{
      n: number;
    }>();
    const headers = adminHeaders();
    await expectProblem(
      await call("/v1/admin/api-keys", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: "{nope",
      }),
      400,
      "malformed_body",
    );
    await expectProblem(
      await call("/v1/admin/api-keys", {
        method: "POST",
        headers: { ...headers, "Content-Type": "text/plain" },
        body: "name=x",
      }),
      415,
      "unsupported_media_type",
    );
    await expectProblem(
      await call("/v1/admin/api-keys", json({ name: "x".repeat(70_000), role: "owner" }, headers)),
      413,
      "payload_too_large",
    );
    const unknown = await expectProblem(
      await call("/v1/admin/api-keys", json({ name: "x", role: "owner", admin: true }, headers)),
      422,
      "validation_failed",
    );
    expect(JSON.stringify(unknown.errors)).toContain("admin");
    const wrongType = await expectProblem(
      await call("/v1/admin/api-keys", json({ name: 42, role: "root" }, headers)),
      422,
      "validation_failed",
    );
    const paths = (wrongType.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(["name", "role"]);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM api_keys").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe("members", () => {
  it("owner adds, changes and removes members; duplicates conflict", async () => {
    const email = `Ops.${crypto.randomUUID()}@Example.com`;
    const m = await ok(
      admin.v1.admin.members.$post({ json: { email, role: "editor", name: "Ops" } }),
      201,
    );
    expect(m.email).toBe(email.toLowerCase());
    await expectProblem(
      await admin.v1.admin.members.$post({ json: { email: email.toUpperCase(), role: "viewer" } }),
      409,
      "conflict",
    );
    const patched = await ok(
      admin.v1.admin.members[":id"].$patch({
        param: { id: m.id },
        json: { role: "viewer", disabled: true },
      }),
    );
    expect(patched).toMatchObject({ role: "viewer", disabled: true });
    expect((await admin.v1.admin.members[":id"].$delete({ param: { id: m.id } })).status).toBe(204);
    await expectProblem(
      await admin.v1.admin.members[":id"].$delete({ param: { id: m.id } }),
      404,
      "not_found",
    );
  });

  it("an editor cannot manage members", async () => {
    const editor = await newKey("editor");
    await expectProblem(
      await client(adminHeaders(editor.key)).v1.admin.members.$post({
        json: { email: "a@b.co", role: "owner" },
      }),
      403,
      "forbidden",
    );
  });
});

describe("audit log", () => {
  it("records each admin change with actor, action, HMAC'd IP and request id", async () => {
    const res = await call(
      "/v1/admin/api-keys",
      json(
        { name: "audited", role: "viewer" },
        { ...adminHeaders(), "CF-Connecting-IP": "203.0.113.7" },
      ),
    );
    const key = (await res.json()) as { id: string };
    const requestId = res.headers.get("x-request-id");
    const log = await ok(
      admin.v1.admin["audit-log"].$get({ query: { action: "api_key.create", limit: "100" } }),
    );
    const entry = log.items.find((e) => e.request_id === requestId);
    expect(entry).toMatchObject({
      actor_type: "admin_token",
      action: "api_key.create",
      target_type: "api_key",
      target_id: key.id,
    });
    expect(entry?.ip_hmac).toMatch(/^[0-9a-f]+$/);
    expect(JSON.stringify(log)).not.toContain("203.0.113.7");
    expect(key.id).toBeTruthy();
  });

  it("paginates without duplicates and stays within D1 limits", async () => {
    for (let i = 0; i < 5; i++)
      await admin.v1.admin["api-keys"].$post({ json: { name: `p${i}`, role: "viewer" } });
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const body = await ok(
        admin.v1.admin["audit-log"].$get({ query: { limit: "2", ...(cursor ? { cursor } : {}) } }),
      );
      expect(lastUsage!.queries).toBeLessThanOrEqual(2);
      for (const item of body.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
    await expectProblem(
      await call("/v1/admin/audit-log?cursor=garbage!!", { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
  });
});
