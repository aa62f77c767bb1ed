import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  admin,
  auditRows,
  type CampaignPatch,
  newCampaign,
  patchCampaign as patch,
  seedBody,
} from "../helpers/campaign-fixtures";
import { expectProblem, lastUsage, ok } from "../helpers/client";

describe("PATCH status", () => {
  it("runs the dev seed's flow: create, waitlist, presale", async () => {
    const c = await ok(admin.v1.admin.campaigns.$post({ json: seedBody() }), 201);
    const w = await ok(patch(c.id, { status: "waitlist" }));
    expect(w.status).toBe("waitlist");
    expect(w.published_at).not.toBeNull();
    expect(w.version).toBe(2);
    const p = await ok(patch(c.id, { status: "presale" }));
    expect(p.status).toBe("presale");
    const audit = await auditRows(c.id);
    expect(audit.map((a) => a.action)).toEqual([
      "campaign.create",
      "campaign.status",
      "campaign.status",
    ]);
    expect(audit[2]!.changes).toEqual({ status: { from: "waitlist", to: "presale" } });
  });

  it("allows every documented transition and refuses the rest naming the allowed ones", async () => {
    const refuse = async (id: string, status: CampaignPatch["status"], allowed: string[]) => {
      const p = await expectProblem(await patch(id, { status }), 409, "conflict");
      expect(p.allowed_statuses).toEqual(allowed);
      expect(typeof p.campaign_status).toBe("string");
    };
    const c = await newCampaign();
    await refuse(c.id, "presale", ["waitlist"]);
    await refuse(c.id, "paused", ["waitlist"]);
    await refuse(c.id, "closed", ["waitlist"]);
    await ok(patch(c.id, { status: "waitlist" }));
    await refuse(c.id, "draft", ["presale", "paused", "closed"]);

    // waitlist → paused → resume to waitlist (not presale)
    const paused = await ok(patch(c.id, { status: "paused" }));
    expect(paused.paused_from_status).toBe("waitlist");
    await refuse(c.id, "presale", ["waitlist", "closed"]);
    const resumed = await ok(patch(c.id, { status: "waitlist" }));
    expect(resumed.paused_from_status).toBeNull();

    // presale → paused → resume to presale
    await ok(patch(c.id, { status: "presale" }));
    await refuse(c.id, "waitlist", ["paused", "closed"]);
    await refuse(c.id, "draft", ["paused", "closed"]);
    expect((await ok(patch(c.id, { status: "paused" }))).paused_from_status).toBe("presale");
    await refuse(c.id, "waitlist", ["presale", "closed"]);
    expect((await ok(patch(c.id, { status: "presale" }))).status).toBe("presale");

    // closed from presale, and final
    expect((await ok(patch(c.id, { status: "closed" }))).status).toBe("closed");
    for (const s of ["draft", "waitlist", "presale", "paused"] as const) await refuse(c.id, s, []);

    // closed from waitlist and from paused
    const a = await newCampaign();
    await ok(patch(a.id, { status: "waitlist" }));
    expect((await ok(patch(a.id, { status: "closed" }))).status).toBe("closed");
    const b = await newCampaign();
    await ok(patch(b.id, { status: "waitlist" }));
    await ok(patch(b.id, { status: "paused" }));
    const closed = await ok(patch(b.id, { status: "closed" }));
    expect(closed).toMatchObject({ status: "closed", paused_from_status: null });

    // sending the current status changes nothing
    const same = await ok(patch(b.id, { status: "closed" }));
    expect(same.version).toBe(closed.version);
  });

  it("publishing needs a variant; one can be added in the same PATCH", async () => {
    const c = await newCampaign({ variants: [] });
    const p = await expectProblem(await patch(c.id, { status: "waitlist" }), 409, "conflict");
    expect(p.detail).toContain("variant");
    const published = await ok(
      patch(c.id, { status: "waitlist", variants: [{ name: "Only", price: 100, stock: 3 }] }),
    );
    expect(published.status).toBe("waitlist");
    expect(published.variants).toHaveLength(1);
    const actions = (await auditRows(c.id)).map((a) => a.action);
    expect(actions).toEqual(["campaign.create", "campaign.update", "campaign.status"]);
  });
});

describe("PATCH variants and stock", () => {
  it("raises stock with remaining, lowers it down to what is sold, never below", async () => {
    const c = await newCampaign();
    const v = c.variants[0]!;
    const raised = await ok(patch(c.id, { variants: [{ id: v.id, stock: 15 }] }));
    expect(raised.variants[0]).toMatchObject({ stock: 15, remaining: 15, sold: 0 });

    // 4 units sold: simulated as orders do it, by taking them from remaining.
    await env.DB.prepare("UPDATE variants SET remaining = remaining - 4 WHERE id = ?")
      .bind(v.id)
      .run();
    const lowered = await ok(patch(c.id, { variants: [{ id: v.id, stock: 6 }] }));
    expect(lowered.variants[0]).toMatchObject({ stock: 6, remaining: 2, sold: 4 });
    const toSold = await ok(patch(c.id, { variants: [{ id: v.id, stock: 4 }] }));
    expect(toSold.variants[0]).toMatchObject({ stock: 4, remaining: 0, sold: 4 });

    const p = await expectProblem(
      await patch(c.id, { name: "Renamed", variants: [{ id: v.id, stock: 3 }] }),
      409,
      "conflict",
    );
    expect(p.detail).toContain("4 units sold");
    expect(p.variants).toEqual([{ id: v.id, sold: 4 }]);
    // The whole batch was refused: the rename did not happen either.
    const after = await ok(admin.v1.admin.campaigns[":id"].$get({ param: { id: c.id } }));
    expect(after.name).toBe("Lamp");
    expect(after.variants[0]).toMatchObject({ stock: 4, remaining: 0 });
  });

  it("adds, updates and removes variants by id; prices never touch remaining", async () => {
    const c = await newCampaign();
    const [black, white] = c.variants;
    const res = await ok(
      patch(c.id, {
        variants: [
          {
            id: black!.id,
            name: "Jet black",
            price: 5200,
            per_customer_limit: null,
            sort_order: 5,
          },
          { id: white!.id, remove: true },
          { name: "Red", price: 6100, stock: 7, per_customer_limit: 1 },
        ],
      }),
    );
    expect(
      res.variants.map((v) => [v.name, v.price, v.stock, v.remaining, v.per_customer_limit]),
    ).toEqual([
      ["Red", 6100, 7, 7, 1],
      ["Jet black", 5200, 10, 10, null],
    ]);
    expect(lastUsage!.queries).toBeLessThan(20);
    const audit = (await auditRows(c.id)).at(-1)!;
    expect(audit.action).toBe("campaign.update");
    expect(audit.changes.variants.removed).toEqual([{ id: white!.id, name: "White" }]);
    expect(audit.changes.variants.updated[0]).toMatchObject({
      id: black!.id,
      price: { from: 4900, to: 5200 },
      name: { from: "Black", to: "Jet black" },
    });
  });

  it("refuses to remove a variant with units sold, and unknown ids", async () => {
    const c = await newCampaign();
    const v = c.variants[1]!;
    await env.DB.prepare("UPDATE variants SET remaining = remaining - 1 WHERE id = ?")
      .bind(v.id)
      .run();
    const p = await expectProblem(
      await patch(c.id, { variants: [{ id: v.id, remove: true }] }),
      409,
      "conflict",
    );
    expect(p.detail).toContain("1 units sold");
    const gone = await expectProblem(
      await patch(c.id, { variants: [{ id: "var_other", price: 1 }] }),
      422,
      "validation_failed",
    );
    expect(gone.errors).toEqual([
      { path: "variants.0.id", message: "No such variant in this campaign" },
    ]);
    const incomplete = await expectProblem(
      await patch(c.id, { variants: [{ name: "No price" }] }),
      422,
      "validation_failed",
    );
    expect((incomplete.errors as { path: string }[]).map((e) => e.path)).toEqual([
      "variants.0.price",
      "variants.0.stock",
    ]);
  });
});
