import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, auditRows, seedBody } from "../helpers/campaign-fixtures";
import { adminHeaders, call, client, expectProblem, ok } from "../helpers/client";

describe("admin campaign access", () => {
  it("needs a valid token, and the editor role to write", async () => {
    await expectProblem(await call("/v1/admin/campaigns"), 401, "unauthorized");
    await expectProblem(
      await call("/v1/admin/campaigns", { headers: adminHeaders("wrong-token") }),
      401,
      "unauthorized",
    );
    const c = await ok(admin.v1.admin.campaigns.$post({ json: seedBody() }), 201);

    const viewer = await ok(
      admin.v1.admin["api-keys"].$post({ json: { name: "viewer", role: "viewer" } }),
      201,
    );
    const asViewer = client(adminHeaders(viewer.key));
    expect((await asViewer.v1.admin.campaigns.$get({ query: {} })).status).toBe(200);
    expect((await asViewer.v1.admin.campaigns[":id"].$get({ param: { id: c.id } })).status).toBe(
      200,
    );
    const patch = () =>
      asViewer.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { name: "x" } });
    await expectProblem(await patch(), 403, "forbidden");
    await expectProblem(
      await asViewer.v1.admin.campaigns.$post({ json: seedBody() }),
      403,
      "forbidden",
    );
    await expectProblem(
      await asViewer.v1.admin.campaigns[":id"].$delete({ param: { id: c.id } }),
      403,
      "forbidden",
    );

    const editor = await ok(
      admin.v1.admin["api-keys"].$post({ json: { name: "editor", role: "editor" } }),
      201,
    );
    const asEditor = client(adminHeaders(editor.key));
    await ok(
      asEditor.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { name: "y" } }),
    );
    const audit = await auditRows(c.id);
    expect(audit.at(-1)).toMatchObject({ action: "campaign.update", actor_type: "api_key" });

    await ok(admin.v1.admin["api-keys"][":id"].$delete({ param: { id: editor.id } }));
    await expectProblem(await asEditor.v1.admin.campaigns.$get({ query: {} }), 401, "unauthorized");
  });
});

describe("GET /v1/admin/campaigns", () => {
  it("pages through every campaign once, newest first, and filters by status", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const c = await ok(admin.v1.admin.campaigns.$post({ json: seedBody() }), 201);
      ids.add(c.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await ok(
        admin.v1.admin.campaigns.$get({ query: { limit: "2", ...(cursor ? { cursor } : {}) } }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);

    const published = [...ids][0]!;
    await ok(
      admin.v1.admin.campaigns[":id"].$patch({
        param: { id: published },
        json: { status: "waitlist" },
      }),
    );
    const waitlist = await ok(admin.v1.admin.campaigns.$get({ query: { status: "waitlist" } }));
    expect(waitlist.items.every((c) => c.status === "waitlist")).toBe(true);
    expect(waitlist.items.map((c) => c.id)).toContain(published);

    await expectProblem(
      await call("/v1/admin/campaigns?cursor=garbage", { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
    await expectProblem(
      await call("/v1/admin/campaigns?status=open", { headers: adminHeaders() }),
      422,
      "validation_failed",
    );
  });

  it("404s an unknown id", async () => {
    await expectProblem(
      await admin.v1.admin.campaigns[":id"].$get({ param: { id: "cmp_nope" } }),
      404,
      "not_found",
    );
  });
});

describe("DELETE /v1/admin/campaigns/{id}", () => {
  it("deletes a draft with its children, audited; refuses anything published", async () => {
    const draft = await ok(admin.v1.admin.campaigns.$post({ json: seedBody() }), 201);
    const res = await admin.v1.admin.campaigns[":id"].$delete({ param: { id: draft.id } });
    expect(res.status).toBe(204);
    expect(
      await env.DB.prepare("SELECT count(*) AS n FROM variants WHERE campaign_id = ?")
        .bind(draft.id)
        .first("n"),
    ).toBe(0);
    expect((await auditRows(draft.id)).map((a) => a.action)).toEqual([
      "campaign.create",
      "campaign.delete",
    ]);
    await expectProblem(
      await admin.v1.admin.campaigns[":id"].$delete({ param: { id: draft.id } }),
      404,
      "not_found",
    );

    const live = await ok(admin.v1.admin.campaigns.$post({ json: seedBody() }), 201);
    await ok(
      admin.v1.admin.campaigns[":id"].$patch({
        param: { id: live.id },
        json: { status: "waitlist" },
      }),
    );
    const p = await expectProblem(
      await admin.v1.admin.campaigns[":id"].$delete({ param: { id: live.id } }),
      409,
      "conflict",
    );
    expect(p.detail).toContain("draft");
    expect(
      (await ok(admin.v1.admin.campaigns[":id"].$get({ param: { id: live.id } }))).status,
    ).toBe("waitlist");
  });
});
