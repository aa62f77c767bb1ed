import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { auditRows, newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json, lastUsage } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES } from "../helpers/d1-guard";
import { seedSignups } from "../helpers/signup-seed";
import {
  bodyOf,
  inviteRowsText,
  makeCodes,
  postInvites,
  setInvite,
  type WireInvite,
} from "./invites-fixtures";

let viewer: Record<string, string>;
let editor: Record<string, string>;

async function apiKey(role: string) {
  const res = await call("/v1/admin/api-keys", json({ name: role, role }, adminHeaders()));
  return adminHeaders(((await res.json()) as { key: string }).key);
}

beforeAll(async () => {
  viewer = await apiKey("viewer");
  editor = await apiKey("editor");
});

const list = async (
  campaignId: string,
  query = "",
  headers: Record<string, string> = adminHeaders(),
) => {
  const res = await call(`/v1/admin/campaigns/${campaignId}/invites${query}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: WireInvite[]; next_cursor: string | null };
};

describe("auth", () => {
  it("401 without a token, 403 for a viewer on writes, viewers may list", async () => {
    const c = await newCampaign();
    await expectProblem(postInvites(c.id, { kind: "shared", count: 1 }, {}), 401, "unauthorized");
    await expectProblem(call(`/v1/admin/campaigns/${c.id}/invites`), 401, "unauthorized");
    await expectProblem(postInvites(c.id, { kind: "shared", count: 1 }, viewer), 403, "forbidden");
    const [code] = await makeCodes(c.id, { kind: "shared", count: 1 });
    const revoke = `/v1/admin/invites/${code?.id}/revoke`;
    await expectProblem(call(revoke, { method: "POST" }), 401, "unauthorized");
    await expectProblem(call(revoke, { method: "POST", headers: viewer }), 403, "forbidden");
    expect((await list(c.id, "", viewer)).items).toHaveLength(1);
    expect((await postInvites(c.id, { kind: "shared", count: 1 }, editor)).status).toBe(201);
  });
});

describe("POST /v1/admin/campaigns/{id}/invites (shared, inline)", () => {
  it("201 with the plaintext once; only hashes are stored; audited; within D1 limits", async () => {
    const c = await newCampaign();
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const items = await makeCodes(c.id, {
      kind: "shared",
      count: 100,
      max_uses: 10,
      per_email_limit: 2,
      expires_at: expires,
      label: "Partner newsletter",
    });
    expect(lastUsage?.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    expect(lastUsage?.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    expect(items).toHaveLength(100);
    expect(new Set(items.map((i) => i.code)).size).toBe(100);
    expect(items[0]).toMatchObject({
      kind: "shared",
      status: "active",
      max_uses: 10,
      uses_left: 10,
      per_email_limit: 2,
      expires_at: expires,
      label: "Partner newsletter",
      signup_id: null,
    });
    for (const i of items) {
      expect(i.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-.$/);
      expect(i.hint).toBe(`${i.code.slice(0, 4)}-…-${i.code.slice(-1)}`);
    }
    const stored = await inviteRowsText(c.id);
    for (const i of items) expect(stored).not.toContain(bodyOf(i.code));
    const audit = (await auditRows(c.id)).filter((a) => a.action === "invite.create");
    expect(audit).toHaveLength(1);
    expect(audit[0]?.changes).toMatchObject({ kind: "shared", count: 100, max_uses: 10 });
    expect(JSON.stringify(audit)).not.toContain(bodyOf(items[0]?.code ?? "x"));
  });

  it("stores SQL-looking labels verbatim", async () => {
    const c = await newCampaign();
    const label = "x'); DROP TABLE invite_codes; --";
    const [code] = await makeCodes(c.id, { kind: "shared", count: 1, label });
    expect(code?.label).toBe(label);
    expect((await list(c.id)).items[0]?.label).toBe(label);
  });

  it.each([
    ["unknown field", { kind: "shared", count: 1, colour: "red" }, "colour"],
    ["no count", { kind: "shared" }, "count"],
    ["count 0", { kind: "shared", count: 0 }, "count"],
    ["count past the maximum", { kind: "shared", count: 100_001 }, "count"],
    ["signup_ids on shared", { kind: "shared", count: 1, signup_ids: ["sgn_x"] }, "signup_ids"],
    [
      "per-email above max uses",
      { kind: "shared", count: 1, per_email_limit: 3 },
      "per_email_limit",
    ],
    [
      "expiry in the past",
      { kind: "shared", count: 1, expires_at: "2020-01-01T00:00:00Z" },
      "expires_at",
    ],
    ["bad kind", { kind: "vip", count: 1 }, "kind"],
    ["personal without signups", { kind: "personal" }, "signup_ids"],
    ["personal max_uses 2", { kind: "personal", signup_ids: ["s"], max_uses: 2 }, "max_uses"],
    [
      "personal per-email",
      { kind: "personal", signup_ids: ["s"], per_email_limit: 1 },
      "per_email_limit",
    ],
  ])("422 for %s, and nothing is written", async (_name, body, path) => {
    const c = await newCampaign();
    const problem = await expectProblem(postInvites(c.id, body), 422, "validation_failed");
    expect(JSON.stringify(problem.errors)).toContain(path);
    expect((await list(c.id)).items).toEqual([]);
  });

  it("404 for an unknown campaign, 415 for a non-JSON body, 400 for broken JSON", async () => {
    await expectProblem(postInvites("cmp_nope", { kind: "shared", count: 1 }), 404, "not_found");
    const c = await newCampaign();
    const url = `/v1/admin/campaigns/${c.id}/invites`;
    const headers = { ...adminHeaders(), "Content-Type": "text/plain" };
    await expectProblem(
      call(url, { method: "POST", headers, body: "x" }),
      415,
      "unsupported_media_type",
    );
    const jsonHeaders = { ...adminHeaders(), "Content-Type": "application/json" };
    await expectProblem(
      call(url, { method: "POST", headers: jsonHeaders, body: "{" }),
      400,
      "malformed_body",
    );
  });
});

describe("personal codes by hand", () => {
  it("one per signup, bound to it, idempotent; marks them invited", async () => {
    const c = await newCampaign();
    const ids = await seedSignups(c.id, [{ status: "confirmed" }, { status: "confirmed" }]);
    const first = await makeCodes(c.id, { kind: "personal", signup_ids: ids });
    expect(first.map((i) => i.signup_id)).toEqual(ids);
    expect(first[0]).toMatchObject({ kind: "personal", max_uses: 1, status: "active" });
    const again = await makeCodes(c.id, {
      kind: "personal",
      signup_ids: [ids[1], ids[0]],
      count: 2,
    });
    expect(again.map((i) => [i.id, i.code])).toEqual(
      [first[1], first[0]].map((i) => [i?.id, i?.code]),
    );
    expect((await list(c.id, "?kind=personal")).items).toHaveLength(2);
    const { results } = await env.DB.prepare(
      "SELECT invited_at FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL",
    )
      .bind(c.id)
      .all();
    expect(results).toHaveLength(2);
    const stored = await inviteRowsText(c.id);
    for (const i of first) expect(stored).not.toContain(bodyOf(i.code));
  });

  it("1000 signups in one request stay within D1 limits", async () => {
    const c = await newCampaign();
    const ids = await seedSignups(
      c.id,
      Array.from({ length: 1000 }, () => ({ status: "confirmed" as const })),
    );
    const items = await makeCodes(c.id, { kind: "personal", signup_ids: ids });
    expect(items).toHaveLength(1000);
    expect(lastUsage?.queries).toBeLessThanOrEqual(10);
    expect(lastUsage?.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
  });

  it("422 for signups of another campaign or erased ones, writing nothing", async () => {
    const c = await newCampaign();
    const other = await newCampaign();
    const [mine] = await seedSignups(c.id, [{ status: "confirmed" }]);
    const [erased] = await seedSignups(c.id, [{ erased: true }]);
    const [theirs] = await seedSignups(other.id, [{ status: "confirmed" }]);
    const body = { kind: "personal", signup_ids: [mine, theirs, erased, "sgn_' OR 1=1 --"] };
    const problem = await expectProblem(postInvites(c.id, body), 422, "validation_failed");
    expect(problem.errors).toEqual([
      { path: "signup_ids.1", message: "Unknown" },
      { path: "signup_ids.2", message: "Unknown" },
      { path: "signup_ids.3", message: "Unknown" },
    ]);
    expect((await list(c.id)).items).toEqual([]);
  });
});

describe("GET /v1/admin/campaigns/{id}/invites", () => {
  it("lists uses, status, hint, label, kind, expiry; filters; pages; never plaintext", async () => {
    const c = await newCampaign();
    const items = await makeCodes(c.id, { kind: "shared", count: 5, max_uses: 3, label: "fair" });
    const [a, b, d] = items as [WireInvite, WireInvite, WireInvite];
    await setInvite(a.id, "uses = 3");
    await setInvite(b.id, "expires_at = 1000");
    await setInvite(d.id, "uses = 1");
    await call(`/v1/admin/invites/${items[3]?.id}/revoke`, {
      method: "POST",
      headers: adminHeaders(),
    });

    const all = await list(c.id);
    expect(all.items).toHaveLength(5);
    const text = JSON.stringify(all);
    for (const i of items) expect(text).not.toContain(bodyOf(i.code));
    expect(all.items.every((i) => i.code === undefined)).toBe(true);
    const byId = new Map(all.items.map((i) => [i.id, i]));
    expect(byId.get(a.id)).toMatchObject({
      status: "used_up",
      uses: 3,
      uses_left: 0,
      hint: a.hint,
    });
    expect(byId.get(b.id)).toMatchObject({
      status: "expired",
      expires_at: "1970-01-01T00:00:01.000Z",
    });
    expect(byId.get(d.id)).toMatchObject({
      status: "active",
      uses: 1,
      uses_left: 2,
      label: "fair",
    });

    const status = async (s: string) => (await list(c.id, `?status=${s}`)).items.map((i) => i.id);
    expect(await status("used_up")).toEqual([a.id]);
    expect(await status("expired")).toEqual([b.id]);
    expect(await status("revoked")).toEqual([items[3]?.id]);
    expect((await status("active")).sort()).toEqual([d.id, items[4]?.id].sort());
    expect((await list(c.id, "?kind=personal")).items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(c.id, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.id));
  });

  it("422 for a bad filter or cursor, 404 for an unknown campaign", async () => {
    const c = await newCampaign();
    const get = (q: string) =>
      call(`/v1/admin/campaigns/${c.id}/invites${q}`, { headers: adminHeaders() });
    await expectProblem(get("?status=gone"), 422, "validation_failed");
    await expectProblem(get("?cursor=%27%20OR%201%3D1"), 422, "validation_failed");
    await expectProblem(
      call("/v1/admin/campaigns/cmp_nope/invites", { headers: adminHeaders() }),
      404,
      "not_found",
    );
  });
});

describe("POST /v1/admin/invites/{id}/revoke", () => {
  it("revokes once (idempotent, one audit row); 404 for unknown ids", async () => {
    const c = await newCampaign();
    const [code] = await makeCodes(c.id, { kind: "shared", count: 1 });
    const revoke = () =>
      call(`/v1/admin/invites/${code?.id}/revoke`, { method: "POST", headers: editor });
    const first = (await (await revoke()).json()) as WireInvite;
    expect(first).toMatchObject({ id: code?.id, status: "revoked" });
    expect(first.revoked_at).not.toBeNull();
    const second = await revoke();
    expect(second.status).toBe(200);
    expect(((await second.json()) as WireInvite).revoked_at).toBe(first.revoked_at);
    const audit = (await auditRows(c.id)).filter((a) => a.action === "invite.revoke");
    expect(audit).toHaveLength(1);
    await expectProblem(
      call("/v1/admin/invites/inv_nope/revoke", { method: "POST", headers: adminHeaders() }),
      404,
      "not_found",
    );
  });
});
