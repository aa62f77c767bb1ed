import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SHIP_DATE_INLINE_MAX } from "../../src/domain/preorders/admin-ship-date";
import { auditRows } from "../helpers/campaign-fixtures";
import { expectProblem, lastUsage } from "../helpers/client";
import { D1_MAX_QUERIES } from "../helpers/d1-guard";
import { callWithQueues, drain, FakeQueue } from "../helpers/queue-harness";
import {
  adminJson,
  keyOf,
  outboxOf,
  presaleCampaign,
  seedOrders,
  variantsOf,
} from "./admin-preorders-helpers";

const url = (id: string) => `/v1/admin/campaigns/${id}/ship-date`;
const campaignDate = async (id: string) =>
  (
    await env.DB.prepare("SELECT expected_ship_date AS d FROM campaigns WHERE id = ?")
      .bind(id)
      .first<{ d: string | null }>()
  )?.d;

describe("POST /v1/admin/campaigns/{id}/ship-date", () => {
  it("updates the date and emails every open order once, with its order link", async () => {
    const c = await presaleCampaign();
    const v = await variantsOf(c.id);
    const item = [{ variantId: v.Black!.id, quantity: 1 }];
    const ids = await seedOrders(c.id, [
      { email: "Ann@Example.com", status: "reserved", items: item },
      { status: "confirmed", items: item },
      { status: "pending_verification", items: item },
      { status: "fulfilled", items: item },
      { status: "cancelled", items: item },
      { status: "expired", items: item },
      { status: "confirmed", items: item, erased: true },
    ]);
    const res = await adminJson("POST", url(c.id), {
      expected_ship_date: "2027-03-01",
      note: "Factory delay'); --",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      campaign_id: c.id,
      expected_ship_date: "2027-03-01",
      previous_ship_date: null,
      changed: true,
      notified: 3,
      job_id: null,
      status_url: null,
    });
    expect(lastUsage!.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    expect(await campaignDate(c.id)).toBe("2027-03-01");
    const mails = await outboxOf(c.id, "ship_date_changed");
    expect(mails.map((m) => m.preorder_id).sort()).toEqual([ids[0], ids[1], ids[2]].sort());
    const ann = mails.find((m) => m.preorder_id === ids[0])!;
    expect(ann).toMatchObject({ to_email: "Ann@Example.com", category: "transactional" });
    expect(ann.payload).toEqual({ orderId: ids[0], oldDate: null, newDate: "2027-03-01" });

    // The same date again: nothing changes, nobody is mailed twice.
    const again = await adminJson("POST", url(c.id), { expected_ship_date: "2027-03-01" });
    expect(await again.json()).toMatchObject({ changed: false, notified: 0 });
    expect(await outboxOf(c.id, "ship_date_changed")).toHaveLength(3);

    // A later change mails again, with the old date.
    await adminJson("POST", url(c.id), { expected_ship_date: "2027-04-15" });
    const later = (await outboxOf(c.id, "ship_date_changed")).filter(
      (m) => m.payload.newDate === "2027-04-15",
    );
    expect(later).toHaveLength(3);
    expect(later[0]!.payload.oldDate).toBe("2027-03-01");

    const audit = (await auditRows(c.id)).filter((r) => r.action === "campaign.ship_date");
    expect(audit.map((r) => r.changes.expected_ship_date)).toEqual([
      { from: null, to: "2027-03-01" },
      { from: "2027-03-01", to: "2027-04-15" },
    ]);
    expect(audit[0]!.changes.note).toBe("Factory delay'); --");
  });

  it("renders the email with the order page link", async () => {
    const c = await presaleCampaign();
    const v = await variantsOf(c.id);
    const [id] = await seedOrders(c.id, [
      { status: "reserved", items: [{ variantId: v.Black!.id, quantity: 1 }] },
    ]);
    await adminJson("POST", url(c.id), { expected_ship_date: "2027-05-02" });
    const { composeEmail } = await import("../../src/email/compose");
    const [mail] = await outboxOf(c.id, "ship_date_changed");
    const out = await composeEmail(
      {
        PUBLIC_URL: "https://presale.test",
        TOKEN_SECRET: env.TOKEN_SECRET,
        EMAIL_FROM: "x@example.com",
        EMAIL_UNSUBSCRIBE_MAILTO: undefined,
      },
      {
        id: mail!.id,
        template: "ship_date_changed",
        category: "transactional",
        locale: "en",
        to: mail!.to_email,
        subject: null,
        payload: mail!.payload,
        recipientName: null,
        campaign: {
          id: c.id,
          slug: c.slug,
          name: "Lamp",
          branding: {},
          currency: "USD",
          expectedShipDate: "2027-05-02",
        },
        records: { preorder: { id: id!, tokenVersion: 1 } },
      },
    );
    expect(out.meta?.links.order).toMatch(/^https:\/\/presale\.test\/o\//);
    expect(out.text).toContain(out.meta!.links.order!);
  });

  it("mails from a job in chunks when there are many orders", async () => {
    const c = await presaleCampaign({ variants: [{ name: "Black", price: 4900, stock: 2000 }] });
    const v = await variantsOf(c.id);
    const n = SHIP_DATE_INLINE_MAX * 2 + 7;
    await seedOrders(
      c.id,
      Array.from({ length: n }, () => ({ items: [{ variantId: v.Black!.id, quantity: 1 }] })),
    );
    const jobs = new FakeQueue();
    const { res, usage } = await callWithQueues(
      url(c.id),
      {
        method: "POST",
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ expected_ship_date: "2027-06-30" }),
      },
      { jobs },
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job_id: string; notified: number; status_url: string };
    expect(body.notified).toBe(n);
    expect(body.status_url).toBe(`/v1/admin/jobs/${body.job_id}`);
    expect(usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    expect(await campaignDate(c.id)).toBe("2027-06-30");
    const messages = jobs.take();
    await drain(messages, (d) => expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES));
    // A redelivered first message is stale: still exactly one email per order.
    await drain(messages);
    const mails = await outboxOf(c.id, "ship_date_changed");
    expect(mails).toHaveLength(n);
    expect(new Set(mails.map((m) => m.preorder_id)).size).toBe(n);
    const job = await env.DB.prepare("SELECT status, done FROM jobs WHERE id = ?")
      .bind(body.job_id)
      .first();
    expect(job).toEqual({ status: "done", done: n });
  });

  it("validates the date and the caller", async () => {
    const c = await presaleCampaign();
    for (const bad of [
      "2027-02-30",
      "27-03-01",
      "2027-3-1",
      "tomorrow",
      "1999-12-31",
      "2027-03-01T00:00:00Z",
    ]) {
      await expectProblem(
        adminJson("POST", url(c.id), { expected_ship_date: bad }),
        422,
        "validation_failed",
      );
    }
    await expectProblem(adminJson("POST", url(c.id), {}), 422, "validation_failed");
    await expectProblem(
      adminJson("POST", url(c.id), { expected_ship_date: "2027-03-01", notify: false }),
      422,
      "validation_failed",
    );
    await expectProblem(
      adminJson("POST", url("cmp_nope"), { expected_ship_date: "2027-03-01" }),
      404,
      "not_found",
    );
    await expectProblem(
      adminJson("POST", url(c.id), { expected_ship_date: "2027-03-01" }, await keyOf("viewer")),
      403,
      "forbidden",
    );
    await expectProblem(
      adminJson("POST", url(c.id), { expected_ship_date: "2027-03-01" }, "x"),
      401,
      "unauthorized",
    );
    expect(await campaignDate(c.id)).toBeNull();
  });
});
