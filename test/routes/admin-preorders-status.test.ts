import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { preorders } from "../../src/db/schema";
import { auditInsert, systemAudit } from "../../src/domain/audit";
import { abortUnlessStatus, isStale } from "../../src/domain/preorders/admin";
import { auditRows } from "../helpers/campaign-fixtures";
import { expectProblem, lastUsage } from "../helpers/client";
import { D1_MAX_QUERIES } from "../helpers/d1-guard";
import { callWithQueues, drain, FakeQueue } from "../helpers/queue-harness";
import {
  adminJson,
  keyOf,
  orderStatus,
  outboxOf,
  presaleCampaign,
  seedOrders,
  variantsOf,
} from "./admin-preorders-helpers";

const patch = (id: string, body: unknown, token?: string) =>
  adminJson("PATCH", `/v1/admin/preorders/${id}`, body, token);

async function oneOrder(
  status: "pending_verification" | "reserved" | "confirmed" | "fulfilled" | "cancelled" | "expired",
  quantity = 2,
) {
  const c = await presaleCampaign();
  const v = await variantsOf(c.id);
  const [id] = await seedOrders(c.id, [
    { email: "ann@example.com", status, items: [{ variantId: v.Black!.id, quantity }] },
  ]);
  return { c, id: id!, black: v.Black!.id };
}

describe("PATCH /v1/admin/preorders/{id}", () => {
  it("walks reserved → confirmed → fulfilled, audited, and refuses to go back", async () => {
    const { c, id } = await oneOrder("reserved");
    const confirmed = await patch(id, { status: "confirmed" });
    expect(confirmed.status).toBe(200);
    const body = (await confirmed.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id, status: "confirmed", hold_expires_at: null });
    expect(body.confirmed_at).toMatch(/Z$/);
    expect(lastUsage!.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);

    // Same status again: nothing changes, nothing audited.
    expect((await patch(id, { status: "confirmed" })).status).toBe(200);
    expect((await patch(id, { status: "fulfilled" })).status).toBe(200);
    const back = await expectProblem(patch(id, { status: "confirmed" }), 409, "conflict");
    expect(back).toMatchObject({ status: 409, order_status: "fulfilled", allowed_statuses: [] });

    const rows = (await auditRows(c.id)).filter((r) => r.action === "preorder.status");
    expect(rows.map((r) => r.changes.status)).toEqual([
      { from: "reserved", to: "confirmed" },
      { from: "confirmed", to: "fulfilled" },
    ]);
  });

  it("names the allowed moves on a refused one; final orders stay final", async () => {
    const { id } = await oneOrder("reserved");
    const p = await expectProblem(patch(id, { status: "fulfilled" }), 409, "conflict");
    expect(p).toMatchObject({
      status: 409,
      order_status: "reserved",
      allowed_statuses: ["confirmed", "cancelled"],
    });
    await expectProblem(patch(id, { status: "expired" }), 409, "conflict");
    await expectProblem(patch(id, { status: "pending_verification" }), 409, "conflict");

    for (const final of ["cancelled", "expired"] as const) {
      const o = await oneOrder(final);
      const refused = await expectProblem(patch(o.id, { status: "reserved" }), 409, "conflict");
      expect(refused.allowed_statuses).toEqual([]);
      expect(await orderStatus(o.id)).toBe(final);
    }
    const pending = await oneOrder("pending_verification");
    const p2 = await expectProblem(patch(pending.id, { status: "confirmed" }), 409, "conflict");
    expect(p2.allowed_statuses).toEqual(["cancelled"]);
  });

  it("cancels as admin: units and email back in one batch, reason kept, only once", async () => {
    const { c, id, black } = await oneOrder("confirmed", 2);
    expect((await variantsOf(c.id)).Black!.remaining).toBe(8);
    const res = await patch(id, { status: "cancelled", reason: "Payment failed'; --" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "cancelled",
      cancelled_by: "admin",
      cancel_reason: "Payment failed'; --",
    });
    expect((await variantsOf(c.id)).Black!.remaining).toBe(10);
    const mails = await outboxOf(c.id, "order_cancelled");
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ preorder_id: id, category: "transactional" });
    expect(mails[0]!.payload).toMatchObject({ cancelledBy: "admin", orderId: id });

    // Again: a no-op (already cancelled); another status: refused. Units returned once.
    expect((await patch(id, { status: "cancelled" })).status).toBe(200);
    await expectProblem(patch(id, { status: "confirmed" }), 409, "conflict");
    expect((await variantsOf(c.id)).Black!.remaining).toBe(10);
    expect(await outboxOf(c.id, "order_cancelled")).toHaveLength(1);
    expect(black).toBeTruthy();
  });

  it("refuses a change planned on a stale read (the guard aborts the whole batch)", async () => {
    const { c, id } = await oneOrder("reserved");
    const db = createDb(env.DB);
    // Planned on "reserved", but a concurrent cancel got there first.
    await env.DB.prepare(
      "UPDATE preorders SET status = 'cancelled', cancelled_at = 1, cancelled_by = 'customer' WHERE id = ?",
    )
      .bind(id)
      .run();
    const stale = db.batch([
      abortUnlessStatus(db, id, "reserved"),
      db.update(preorders).set({ confirmedAt: 1 }).where(eq(preorders.id, id)),
      auditInsert(db, systemAudit, {
        action: "preorder.status",
        targetType: "preorder",
        campaignId: c.id,
      }),
    ]);
    await expect(stale).rejects.toSatisfy(isStale);
    const row = await env.DB.prepare(
      "SELECT status, total, confirmed_at FROM preorders WHERE id = ?",
    )
      .bind(id)
      .first();
    expect(row).toEqual({ status: "cancelled", total: 9800, confirmed_at: null });
    expect((await auditRows(c.id)).filter((r) => r.action === "preorder.status")).toEqual([]);
    await expectProblem(patch(id, { status: "confirmed" }), 409, "conflict");
  });

  it("checks auth, role and input", async () => {
    const { id } = await oneOrder("reserved");
    const viewer = await keyOf("viewer");
    await expectProblem(patch(id, { status: "confirmed" }, viewer), 403, "forbidden");
    await expectProblem(patch(id, { status: "confirmed" }, "nope"), 401, "unauthorized");
    const editor = await keyOf("editor");
    expect((await patch(id, { status: "confirmed" }, editor)).status).toBe(200);

    await expectProblem(patch(id, { status: "shipped" }), 422, "validation_failed");
    await expectProblem(patch(id, { status: "fulfilled", extra: 1 }), 422, "validation_failed");
    await expectProblem(
      patch(id, { status: "cancelled", reason: "x".repeat(501) }),
      422,
      "validation_failed",
    );
    await expectProblem(patch("ord_nope", { status: "confirmed" }), 404, "not_found");
    const { call, adminHeaders } = await import("../helpers/client");
    await expectProblem(
      call(`/v1/admin/preorders/${id}`, {
        method: "PATCH",
        headers: { ...adminHeaders(), "Content-Type": "text/plain" },
        body: "status=fulfilled",
      }),
      415,
      "unsupported_media_type",
    );
  });
});

describe("POST /v1/admin/campaigns/{id}/preorders/confirm", () => {
  it("confirms every reserved order (of one variant if asked) and nothing else", async () => {
    const c = await presaleCampaign();
    const v = await variantsOf(c.id);
    const [black, white] = [v.Black!.id, v.White!.id];
    const ids = await seedOrders(c.id, [
      { status: "reserved", items: [{ variantId: black, quantity: 1 }] },
      { status: "reserved", items: [{ variantId: white, quantity: 1 }] },
      { status: "pending_verification", items: [{ variantId: black, quantity: 1 }] },
      { status: "cancelled", items: [{ variantId: black, quantity: 1 }] },
      {
        status: "reserved",
        items: [
          { variantId: black, quantity: 1 },
          { variantId: white, quantity: 1 },
        ],
      },
    ]);
    const url = `/v1/admin/campaigns/${c.id}/preorders/confirm`;
    const first = await adminJson("POST", url, { variant_id: white });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ confirmed: 2 });
    expect(await Promise.all(ids.map(orderStatus))).toEqual([
      "reserved",
      "confirmed",
      "pending_verification",
      "cancelled",
      "confirmed",
    ]);
    const all = await adminJson("POST", url, {});
    expect(await all.json()).toEqual({ confirmed: 1 });
    expect(await orderStatus(ids[0]!)).toBe("confirmed");
    expect(await (await adminJson("POST", url, {})).json()).toEqual({ confirmed: 0 });
    const audit = (await auditRows(c.id)).filter((r) => r.action === "preorder.bulk_confirm");
    expect(audit.map((r) => r.changes.count)).toEqual([2, 1]);

    await expectProblem(
      adminJson("POST", url, { variant_id: "var_other" }),
      422,
      "validation_failed",
    );
    await expectProblem(
      adminJson("POST", "/v1/admin/campaigns/cmp_nope/preorders/confirm", {}),
      404,
      "not_found",
    );
    await expectProblem(adminJson("POST", url, {}, await keyOf("viewer")), 403, "forbidden");
  });

  it("runs as a job in chunks beyond the inline limit, within D1 limits", async () => {
    const c = await presaleCampaign({ variants: [{ name: "Black", price: 4900, stock: 2000 }] });
    const v = await variantsOf(c.id);
    await seedOrders(
      c.id,
      Array.from({ length: 1201 }, () => ({ items: [{ variantId: v.Black!.id, quantity: 1 }] })),
    );
    const jobs = new FakeQueue();
    const { res, usage } = await callWithQueues(
      `/v1/admin/campaigns/${c.id}/preorders/confirm`,
      {
        method: "POST",
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: "{}",
      },
      { jobs },
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job_id: string; total: number; status_url: string };
    expect(body.total).toBe(1201);
    expect(usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    const deliveries = await drain(jobs.take(), (d) => {
      expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
      expect(d.usage.maxParams).toBeLessThanOrEqual(100);
    });
    expect(deliveries).toBe(3);
    const left = await env.DB.prepare(
      "SELECT count(*) AS n FROM preorders WHERE campaign_id = ? AND status = 'reserved'",
    )
      .bind(c.id)
      .first<{ n: number }>();
    expect(left!.n).toBe(0);
    const job = await env.DB.prepare("SELECT status, done, total FROM jobs WHERE id = ?")
      .bind(body.job_id)
      .first();
    expect(job).toEqual({ status: "done", done: 1201, total: 1201 });
  });
});
