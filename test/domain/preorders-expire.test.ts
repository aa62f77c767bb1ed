import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { cancelStatements } from "../../src/domain/preorders/cancel";
import { expireDueOrders } from "../../src/domain/preorders/expire";
import { loadOrder } from "../../src/domain/preorders/read";
import { verifyOrder } from "../../src/domain/preorders/verify";
import { tasks } from "../../src/scheduled";
import {
  inviteRow,
  mailOf,
  order,
  orderBody,
  orderRow,
  presale,
  remaining,
  sharedInvite,
  signupWithToken,
} from "../routes/preorders-helpers";

const db = createDb(env.DB);
const MIN = 60_000;

/** A pending order of 2 Black + 1 White with a shared code, in a campaign with verify_minutes 30. */
async function pendingOrder() {
  const c = await presale({ invite_only: true, verify_minutes: 30 });
  const invite = await sharedInvite(c.id, { maxUses: 3 });
  const r = await order(
    c.slug,
    orderBody(
      [
        [c.black, 2],
        [c.white, 1],
      ],
      { invite_code: invite.code },
    ),
  );
  expect(r.body.status, r.text).toBe("pending_verification");
  return { c, invite, id: r.body.id as string, deadline: Date.parse(r.body.expires_at) };
}

describe("expiring unverified pre-orders", () => {
  it("does nothing before the deadline; after it, units, the invite use and an email, once", async () => {
    const { c, invite, id, deadline } = await pendingOrder();
    expect(await remaining(c.black)).toBe(8);
    expect((await expireDueOrders(db, deadline - 1)).expired).toBe(0);
    expect((await orderRow(id))!.status).toBe("pending_verification");

    expect((await expireDueOrders(db, deadline)).expired).toBe(1);
    const row = await orderRow(id);
    expect(row).toMatchObject({ status: "expired", expired_at: deadline });
    expect(await remaining(c.black)).toBe(10);
    expect(await remaining(c.white)).toBe(5);
    expect((await inviteRow(invite.id))!.uses).toBe(0);
    const mail = (await mailOf(c.id)).filter((m) => m.template === "order_expired");
    expect(mail).toHaveLength(1);
    expect(mail[0]!.payload).toEqual({
      orderId: id,
      items: expect.arrayContaining([
        { name: "Black", quantity: 2, unitPrice: 4900 },
        { name: "White", quantity: 1, unitPrice: 5900 },
      ]),
      total: 2 * 4900 + 5900,
      currency: "USD",
      reason: "unverified",
    });

    // Run again, and twice at once: nothing comes back twice.
    expect((await expireDueOrders(db, deadline + MIN)).expired).toBe(0);
    await Promise.all([
      expireDueOrders(db, deadline + 2 * MIN),
      expireDueOrders(db, deadline + 2 * MIN),
    ]);
    expect(await remaining(c.black)).toBe(10);
    expect((await inviteRow(invite.id))!.uses).toBe(0);
    expect((await mailOf(c.id)).filter((m) => m.template === "order_expired")).toHaveLength(1);
  });

  it("concurrent runs over many due orders release each exactly once", async () => {
    const c = await presale({
      variants: [{ name: "Lamp", price: 100, stock: 30 }],
      verify_minutes: 5,
    });
    const placed = await Promise.all(
      Array.from({ length: 12 }, () => order(c.slug, orderBody([[c.black, 2]]))),
    );
    expect(placed.every((r) => r.status === 201)).toBe(true);
    expect(await remaining(c.black)).toBe(6);
    const later = Date.now() + 10 * MIN;
    const runs = await Promise.all(
      [1, 2, 3].map(() => expireDueOrders(db, later, { setSize: 5, sets: 3 })),
    );
    expect(runs.reduce((n, r) => n + r.expired, 0)).toBe(12);
    expect(await remaining(c.black)).toBe(30);
  });

  it("a verified (reserved) order without a hold never expires; one verified in time is skipped", async () => {
    const { c, id, deadline } = await pendingOrder();
    const view = (await loadOrder(db, id))!;
    expect(await verifyOrder(db, view, deadline - 1)).toBe("verified");
    expect((await expireDueOrders(db, deadline + 60 * MIN)).expired).toBe(0);
    expect((await orderRow(id))!.status).toBe("reserved");
    expect(await remaining(c.black)).toBe(8);
    // The stale view (still pending) cannot verify twice: no second receipt.
    expect(await verifyOrder(db, view, deadline - 1)).toBe("already");
    expect((await mailOf(c.id)).filter((m) => m.template === "order_receipt")).toHaveLength(1);
  });

  it("a verify racing the expiry loses cleanly once the order expired", async () => {
    const { c, id, deadline } = await pendingOrder();
    const stale = (await loadOrder(db, id))!;
    await expireDueOrders(db, deadline);
    // Its page read the order as pending just before: the guard aborts the batch.
    expect(await verifyOrder(db, stale, deadline - 1)).toBe("lapsed");
    expect((await orderRow(id))!.status).toBe("expired");
    expect(await remaining(c.black)).toBe(10);
    expect((await mailOf(c.id)).filter((m) => m.template === "order_receipt")).toHaveLength(0);
  });

  it("a cancel planned on a stale read aborts whole after the expiry (and vice versa)", async () => {
    const { c, invite, id, deadline } = await pendingOrder();
    const stale = (await loadOrder(db, id))!;
    await expireDueOrders(db, deadline);
    const stmts = cancelStatements(db, stale.order, stale.items, "customer", deadline + 1);
    await expect(db.batch(stmts as never)).rejects.toThrow(/preorder_final/);
    expect(await remaining(c.black)).toBe(10);
    expect((await inviteRow(invite.id))!.uses).toBe(0);

    // Cancel first, expire after: the expiry finds nothing due.
    const second = await pendingOrder();
    const view = (await loadOrder(db, second.id))!;
    await db.batch(
      cancelStatements(db, view.order, view.items, "admin", second.deadline - 1) as never,
    );
    expect((await expireDueOrders(db, second.deadline)).expired).toBe(0);
    expect(await remaining(second.c.black)).toBe(10);
    // And a repeated cancel on a stale read (cancelled → cancelled) aborts too.
    await expect(
      db.batch(cancelStatements(db, view.order, view.items, "admin", second.deadline) as never),
    ).rejects.toThrow(/preorder_status_valid|preorder_final/);
    expect(await remaining(second.c.black)).toBe(10);
  });

  it("runs from the cron handler's task list", async () => {
    const names = tasks.map((t) => t.name);
    expect(names).toContain("expire_preorders");
    expect(names).toContain("delete_expired_idempotency_keys");
    const { c } = await pendingOrder();
    const task = tasks.find((t) => t.name === "expire_preorders")!;
    const stubQueue = { send: async () => {} } as unknown as Queue;
    await task.run({ db, env: { ...env, EMAIL_QUEUE: stubQueue }, now: Date.now() + 31 * MIN });
    expect(await remaining(c.black)).toBe(10);
  });

  it("a proven order in a campaign with hold_minutes expires when its hold ends, saying so", async () => {
    const c = await presale({ hold_minutes: 60 });
    const { token, email } = await signupWithToken(c.id);
    const r = await order(c.slug, orderBody([[c.black, 1]], { status_token: token }, email));
    expect(r.body.status).toBe("reserved");
    const until = Date.parse(r.body.expires_at);
    expect((await expireDueOrders(db, until - 1)).expired).toBe(0);
    expect((await expireDueOrders(db, until)).expired).toBe(1);
    expect(await remaining(c.black)).toBe(10);
    const mail = (await mailOf(c.id)).filter((m) => m.template === "order_expired");
    expect(mail.map((m) => m.payload)).toEqual([
      expect.objectContaining({ orderId: r.body.id, reason: "hold" }),
    ]);
  });
});
