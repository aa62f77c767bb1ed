import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { outboxEmails } from "../../src/db/schema";
import { derivePersonalCode, deriveToken } from "../../src/lib/tokens";
import { adminHeaders, call, client, expectProblem, json, ok } from "../helpers/client";

const admin = client(adminHeaders());
const db = createDb(env.DB);
let n = 0;
const uniq = (p: string) => `${p}${Date.now().toString(36)}${++n}`;

let viewer: ReturnType<typeof client>;
let editor: ReturnType<typeof client>;
let viewerToken: string;
let editorToken: string;

beforeAll(async () => {
  const v = await ok(
    admin.v1.admin["api-keys"].$post({ json: { name: "viewer", role: "viewer" } }),
    201,
  );
  const e = await ok(
    admin.v1.admin["api-keys"].$post({ json: { name: "editor", role: "editor" } }),
    201,
  );
  viewerToken = v.key;
  editorToken = e.key;
  viewer = client(adminHeaders(v.key));
  editor = client(adminHeaders(e.key));
});

async function auditRows(action: string, targetId?: string) {
  const { results } = await env.DB.prepare(
    `SELECT actor_type, actor_id, target_id, changes FROM audit_log WHERE action = ?${
      targetId ? " AND target_id = ?" : ""
    }`,
  )
    .bind(...(targetId ? [action, targetId] : [action]))
    .all<{
      actor_type: string;
      actor_id: string | null;
      target_id: string | null;
      changes: string;
    }>();
  return results;
}

// ---------------------------------------------------------------- suppressions

describe("suppressions API", () => {
  it("needs a token (401) and the editor role to write (403 for viewers)", async () => {
    await expectProblem(call("/v1/admin/suppressions"), 401, "unauthorized");
    await expectProblem(
      call("/v1/admin/suppressions", json({ email: "x@example.com" })),
      401,
      "unauthorized",
    );
    expect((await viewer.v1.admin.suppressions.$get({ query: {} })).status).toBe(200);
    await expectProblem(
      viewer.v1.admin.suppressions.$post({ json: { email: "viewer-try@example.com" } }),
      403,
      "forbidden",
    );
    const created = await ok(
      editor.v1.admin.suppressions.$post({ json: { email: "editor-made@example.com" } }),
      201,
    );
    await expectProblem(
      viewer.v1.admin.suppressions[":id"].$delete({ param: { id: created.id } }),
      403,
      "forbidden",
    );
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM suppressions WHERE email_normalized = 'viewer-try@example.com'",
    ).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("suppresses by hand (normalised), marks queued mail, audits, and refuses a duplicate", async () => {
    const email = `${uniq("Manual.")}@Example.COM`;
    const [queued] = await db
      .insert(outboxEmails)
      .values({ template: "status_link", category: "transactional", toEmail: email })
      .returning({ id: outboxEmails.id });
    const created = await ok(
      editor.v1.admin.suppressions.$post({ json: { email: ` ${email} `, note: "asked by phone" } }),
      201,
    );
    expect(created).toMatchObject({
      email: email.toLowerCase(),
      reason: "manual",
      note: "asked by phone",
      source_event_id: null,
    });
    expect(created.created_by).toMatch(/^api_key:key_/);
    const row = await env.DB.prepare("SELECT status, last_error FROM outbox_emails WHERE id = ?")
      .bind(queued!.id)
      .first<{ status: string; last_error: string }>();
    expect(row).toMatchObject({ status: "suppressed" });
    expect(row?.last_error).toMatch(/admin suppressed/);

    const audits = await auditRows("suppression.create");
    const mine = audits.filter((a) => a.changes.includes(email.toLowerCase().slice(0, 1)));
    expect(mine.length).toBeGreaterThan(0);
    // The audit log keeps a masked address only (it outlives erasure).
    expect(audits.some((a) => a.changes.includes(email.toLowerCase()))).toBe(false);

    const before = (await auditRows("suppression.create")).length;
    await expectProblem(
      editor.v1.admin.suppressions.$post({ json: { email: email.toUpperCase() } }),
      409,
      "conflict",
    );
    expect((await auditRows("suppression.create")).length).toBe(before);
  });

  it("lifts a suppression (audited); lifting again is 404", async () => {
    const created = await ok(
      editor.v1.admin.suppressions.$post({ json: { email: `${uniq("lift")}@example.com` } }),
      201,
    );
    const lifted = await ok(
      editor.v1.admin.suppressions[":id"].$delete({ param: { id: created.id } }),
    );
    expect(lifted.id).toBe(created.id);
    expect(await auditRows("suppression.lift", created.id)).toHaveLength(1);
    await expectProblem(
      editor.v1.admin.suppressions[":id"].$delete({ param: { id: created.id } }),
      404,
      "not_found",
    );
    expect(await auditRows("suppression.lift", created.id)).toHaveLength(1);
  });

  it("paginates with a cursor and filters by q", async () => {
    const tag = uniq("page");
    const made = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const s = await ok(
        editor.v1.admin.suppressions.$post({ json: { email: `${tag}-${i}@example.com` } }),
        201,
      );
      made.add(s.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await ok(
        viewer.v1.admin.suppressions.$get({
          query: { q: tag.toUpperCase(), limit: "2", ...(cursor ? { cursor } : {}) },
        }),
      );
      expect(res.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.items.map((s) => s.id));
      if (!res.next_cursor) break;
      cursor = res.next_cursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(made);
    await expectProblem(
      viewer.v1.admin.suppressions.$get({ query: { cursor: "garbage!" } }),
      422,
      "validation_failed",
    );
  });

  it("stores hostile input verbatim and treats LIKE wildcards literally", async () => {
    const note = "'; DROP TABLE suppressions; -- <script>alert(1)</script>";
    const email = `${uniq("o'brien")}@example.com`;
    const created = await ok(editor.v1.admin.suppressions.$post({ json: { email, note } }), 201);
    expect(created.note).toBe(note);
    const listed = await ok(viewer.v1.admin.suppressions.$get({ query: { q: "o'brien" } }));
    expect(listed.items.map((s) => s.id)).toContain(created.id);
    expect(listed.items.find((s) => s.id === created.id)?.note).toBe(note);
    // `%` and `_` match only themselves.
    const wild = await ok(viewer.v1.admin.suppressions.$get({ query: { q: "%" } }));
    expect(wild.items).toHaveLength(0);
    const sqlish = await ok(viewer.v1.admin.suppressions.$get({ query: { q: "' OR 1=1 --" } }));
    expect(sqlish.items).toHaveLength(0);
  });

  it("rejects unknown fields and bad addresses with 422", async () => {
    await expectProblem(
      call(
        "/v1/admin/suppressions",
        json({ email: "ok@example.com", reason: "bounce" }, adminHeaders(editorToken)),
      ),
      422,
      "validation_failed",
    );
    for (const email of ["not-an-email", "", `${"a".repeat(250)}@example.com`]) {
      await expectProblem(
        call("/v1/admin/suppressions", json({ email }, adminHeaders(editorToken))),
        422,
        "validation_failed",
      );
    }
  });
});

// ---------------------------------------------------------------- outbox

describe("outbox API", () => {
  it("needs a token; viewers read, only editors retry", async () => {
    await expectProblem(call("/v1/admin/emails"), 401, "unauthorized");
    expect((await viewer.v1.admin.emails.$get({ query: {} })).status).toBe(200);
    const [row] = await db
      .insert(outboxEmails)
      .values({
        template: "invitation",
        category: "list",
        toEmail: "r@example.com",
        status: "failed",
      })
      .returning({ id: outboxEmails.id });
    await expectProblem(
      viewer.v1.admin.emails[":id"].retry.$post({ param: { id: row!.id } }),
      403,
      "forbidden",
    );
  });

  it("never shows a usable link, token or code, even when a row carries one", async () => {
    const signupId = "sgn_0123456789abcdefghjkmnpqrs";
    const orderToken = await deriveToken(
      env.TOKEN_SECRET,
      "order",
      "ord_0123456789abcdefghjkmnpqrs",
      1,
    );
    const loginToken = await deriveToken(
      env.TOKEN_SECRET,
      "login",
      "lnk_0123456789abcdefghjkmnpqrs",
      1,
    );
    const statusToken = await deriveToken(env.TOKEN_SECRET, "status", signupId, 3);
    const { code } = await derivePersonalCode(
      env.TOKEN_SECRET,
      "cmp_0123456789abcdefghjkmnpqrs",
      signupId,
      1,
    );
    const apiKey = `psk_${"Z9".repeat(22)}`;
    const providerId = crypto.randomUUID();
    const secrets = [
      orderToken,
      loginToken,
      statusToken,
      code,
      apiKey,
      "https://",
      "/o/",
      "mailto:",
    ];
    const to = `${uniq("leaky")}@example.com`;
    const [row] = await db
      .insert(outboxEmails)
      .values({
        template: "login_link",
        category: "transactional",
        toEmail: to,
        status: "failed",
        attempts: 8,
        providerMessageId: providerId,
        signupId: null,
        subject: `Sign in: https://presale.test/admin/login/${loginToken}`,
        dedupeKey: `login:${loginToken}`,
        payload: {
          orderId: "ord_0123456789abcdefghjkmnpqrs",
          signupId,
          loginUrl: `https://presale.test/admin/login/${loginToken}`,
          token: statusToken,
          inviteCode: code,
          note: `see /o/${orderToken} or ${statusToken} or mailto:unsub@example.com?subject=unsubscribe%20${statusToken}`,
          nested: [{ href: "https://evil.example/x" }, { text: `code ${code}` }],
          items: [{ name: "Aurora Lamp", quantity: 2 }],
          expiresMinutes: 15,
        },
        lastError: `500 from provider: could not deliver https://presale.test/o/${orderToken}; Authorization: Bearer ${apiKey}`,
      })
      .returning({ id: outboxEmails.id });

    const listed = await ok(viewer.v1.admin.emails.$get({ query: { to } }));
    expect(listed.items).toHaveLength(1);
    const one = await ok(viewer.v1.admin.emails[":id"].$get({ param: { id: row!.id } }));
    for (const body of [JSON.stringify(listed), JSON.stringify(one)]) {
      for (const secret of secrets) expect(body).not.toContain(secret);
      expect(body).toContain("[redacted]");
    }
    // What an admin needs to debug stays readable.
    expect(one).toMatchObject({
      id: row!.id,
      template: "login_link",
      category: "transactional",
      locale: "en",
      to,
      status: "failed",
      attempts: 8,
      provider_message_id: providerId,
    });
    expect(one.payload).toMatchObject({
      orderId: "ord_0123456789abcdefghjkmnpqrs",
      signupId,
      items: [{ name: "Aurora Lamp", quantity: 2 }],
      expiresMinutes: 15,
    });
    expect(one.last_error).toMatch(/^500 from provider: could not deliver \[redacted\]/);
    // The stored row is untouched: redaction is on the way out only.
    const stored = await env.DB.prepare("SELECT last_error FROM outbox_emails WHERE id = ?")
      .bind(row!.id)
      .first<{ last_error: string }>();
    expect(stored?.last_error).toContain(orderToken);
  });

  it("filters by status, template, campaign and recipient, with cursor pagination", async () => {
    const to = `${uniq("filter")}@example.com`;
    const campaignId = null;
    const values = [
      { template: "invitation" as const, category: "list" as const, status: "queued" as const },
      { template: "invitation" as const, category: "list" as const, status: "failed" as const },
      { template: "reminder" as const, category: "list" as const, status: "failed" as const },
      {
        template: "order_receipt" as const,
        category: "transactional" as const,
        status: "sent" as const,
      },
      { template: "invitation" as const, category: "list" as const, status: "failed" as const },
    ].map((v, i) => ({ ...v, toEmail: to, campaignId, createdAt: 1_700_000_000_000 + i }));
    await db.insert(outboxEmails).values(values);

    const all = await ok(viewer.v1.admin.emails.$get({ query: { to: to.toUpperCase() } }));
    expect(all.items).toHaveLength(5);
    expect(all.items.map((e) => e.created_at)).toEqual(
      [...all.items.map((e) => e.created_at)].sort().reverse(),
    );
    const failedInvites = await ok(
      viewer.v1.admin.emails.$get({ query: { to, status: "failed", template: "invitation" } }),
    );
    expect(failedInvites.items).toHaveLength(2);
    expect(
      failedInvites.items.every((e) => e.status === "failed" && e.template === "invitation"),
    ).toBe(true);

    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await ok(
        viewer.v1.admin.emails.$get({ query: { to, limit: "2", ...(cursor ? { cursor } : {}) } }),
      );
      ids.push(...page.items.map((e) => e.id));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(new Set(ids).size).toBe(5);

    const none = await ok(viewer.v1.admin.emails.$get({ query: { campaign_id: "cmp_nope", to } }));
    expect(none.items).toHaveLength(0);
    const sqlish = await ok(viewer.v1.admin.emails.$get({ query: { to: "' OR '1'='1" } }));
    expect(sqlish.items).toHaveLength(0);
    await expectProblem(
      viewer.v1.admin.emails.$get({ query: { status: "exploded" as "sent" } }),
      422,
      "validation_failed",
    );
    await expectProblem(
      viewer.v1.admin.emails.$get({ query: { template: "nope" as "invitation" } }),
      422,
      "validation_failed",
    );
  });

  it("retries only failed rows: failed → queued (audited); anything else 409; unknown 404", async () => {
    const [failed, sent] = await db
      .insert(outboxEmails)
      .values([
        {
          template: "invitation",
          category: "list",
          toEmail: "retry@example.com",
          status: "failed",
          attempts: 8,
          lastError: "gave up after 8 attempts",
        },
        { template: "invitation", category: "list", toEmail: "retry@example.com", status: "sent" },
      ])
      .returning({ id: outboxEmails.id });
    const res = await ok(editor.v1.admin.emails[":id"].retry.$post({ param: { id: failed!.id } }));
    expect(res).toMatchObject({ id: failed!.id, status: "queued", attempts: 0, last_error: null });
    const audits = await auditRows("email.retry", failed!.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.actor_type).toBe("api_key");

    // Now queued (or already sent by the kicked consumer): not failed, so 409.
    await expectProblem(
      editor.v1.admin.emails[":id"].retry.$post({ param: { id: failed!.id } }),
      409,
      "conflict",
    );
    await expectProblem(
      editor.v1.admin.emails[":id"].retry.$post({ param: { id: sent!.id } }),
      409,
      "conflict",
    );
    await expectProblem(
      editor.v1.admin.emails[":id"].retry.$post({ param: { id: "eml_doesnotexist" } }),
      404,
      "not_found",
    );
    expect(await auditRows("email.retry", failed!.id)).toHaveLength(1);
  });

  it("404 for an unknown id", async () => {
    await expectProblem(
      viewer.v1.admin.emails[":id"].$get({ param: { id: "eml_nope" } }),
      404,
      "not_found",
    );
  });
});

describe("template preview", () => {
  it("renders each template in both locales with placeholder links", async () => {
    for (const template of ["invitation", "order_receipt", "login_link"] as const) {
      const en = await ok(
        viewer.v1.admin.emails.preview[":template"].$get({
          param: { template },
          query: { locale: "en" },
        }),
      );
      const uz = await ok(
        viewer.v1.admin.emails.preview[":template"].$get({
          param: { template },
          query: { locale: "uz" },
        }),
      );
      for (const p of [en, uz]) {
        expect(p.subject.length).toBeGreaterThan(0);
        expect(p.preheader.length).toBeGreaterThan(0);
        expect(p.html).toMatch(/<html/i);
        expect(p.text.length).toBeGreaterThan(0);
        expect(p.html).not.toContain(env.PUBLIC_URL);
      }
      expect(uz.subject).not.toBe(en.subject);
      expect(uz.html).toMatch(/lang="uz"/);
    }
  });

  it("defaults to English; unknown template 404; bad locale 422", async () => {
    const res = await call("/v1/admin/emails/preview/signup_confirm", {
      headers: adminHeaders(viewerToken),
    });
    expect(res.status).toBe(200);
    await expectProblem(
      call("/v1/admin/emails/preview/no_such_template", { headers: adminHeaders(viewerToken) }),
      404,
      "not_found",
    );
    await expectProblem(
      call("/v1/admin/emails/preview/__proto__", { headers: adminHeaders(viewerToken) }),
      404,
      "not_found",
    );
    await expectProblem(
      call("/v1/admin/emails/preview/invitation?locale=fr", { headers: adminHeaders(viewerToken) }),
      422,
      "validation_failed",
    );
    await expectProblem(call("/v1/admin/emails/preview/invitation"), 401, "unauthorized");
  });
});
