import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { advanceCampaigns } from "../../src/domain/campaign-schedule";
import { updateCampaign } from "../../src/domain/campaigns";
import worker from "../../src/index";
import { adminHeaders, client, ok } from "../helpers/client";

const admin = client(adminHeaders());
const db = createDb(env.DB);
let n = 0;

const T0 = Date.parse("2031-06-01T12:00:00Z");
const at = (ms: number) => new Date(ms).toISOString();

async function campaign(
  dates: { opens_at?: string; closes_at?: string },
  to: "draft" | "waitlist" | "presale" | "paused" = "waitlist",
) {
  const c = await ok(
    admin.v1.admin.campaigns.$post({
      json: {
        slug: `sched-${Date.now().toString(36)}-${++n}`,
        name: "Scheduled",
        currency: "USD",
        variants: [{ name: "One", price: 100, stock: 1 }],
        ...dates,
      },
    }),
    201,
  );
  const patch = (status: "waitlist" | "presale" | "paused") =>
    ok(admin.v1.admin.campaigns[":id"].$patch({ param: { id: c.id }, json: { status } }));
  if (to !== "draft") await patch("waitlist");
  if (to === "presale") await patch("presale");
  if (to === "paused") await patch("paused");
  return c.id;
}

const statusOf = async (id: string) =>
  (await env.DB.prepare("SELECT status FROM campaigns WHERE id = ?")
    .bind(id)
    .first("status")) as string;

async function systemAudit(id: string) {
  const { results } = await env.DB.prepare(
    "SELECT id, changes, created_at FROM audit_log WHERE campaign_id = ? AND actor_type = 'system' ORDER BY rowid",
  )
    .bind(id)
    .all<{ id: string; changes: string; created_at: number }>();
  return results;
}

describe("advanceCampaigns", () => {
  it("opens a waitlist at opens_at, not a millisecond before, audited as system", async () => {
    const id = await campaign({ opens_at: at(T0) });
    expect((await advanceCampaigns(db, T0 - 1)).opened).not.toContain(id);
    expect(await statusOf(id)).toBe("waitlist");
    expect(await systemAudit(id)).toEqual([]);

    const result = await advanceCampaigns(db, T0);
    expect(result.opened).toContain(id);
    expect(await statusOf(id)).toBe("presale");
    const audit = await systemAudit(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.id).toMatch(/^aud_[0-9a-f]{26}$/);
    expect(audit[0]!.created_at).toBe(T0);
    expect(JSON.parse(audit[0]!.changes)).toEqual({
      status: { from: "waitlist", to: "presale" },
      reason: "opens_at",
    });

    // Running again changes nothing and writes nothing.
    expect((await advanceCampaigns(db, T0 + 60_000)).opened).not.toContain(id);
    expect(await systemAudit(id)).toHaveLength(1);
  });

  it("closes a presale at closes_at, not before", async () => {
    const id = await campaign({ closes_at: at(T0) }, "presale");
    await advanceCampaigns(db, T0 - 1);
    expect(await statusOf(id)).toBe("presale");
    expect((await advanceCampaigns(db, T0)).closed).toContain(id);
    expect(await statusOf(id)).toBe("closed");
    expect(JSON.parse((await systemAudit(id))[0]!.changes)).toMatchObject({
      status: { from: "presale", to: "closed" },
    });
  });

  it("moves a campaign past both dates through presale to closed, with both rows", async () => {
    const id = await campaign({ opens_at: at(T0), closes_at: at(T0 + 1000) });
    await advanceCampaigns(db, T0 + 5000);
    expect(await statusOf(id)).toBe("closed");
    expect((await systemAudit(id)).map((a) => JSON.parse(a.changes).reason)).toEqual([
      "opens_at",
      "closes_at",
    ]);
  });

  it("leaves drafts, paused campaigns and undated ones alone", async () => {
    const draft = await campaign({ opens_at: at(T0) }, "draft");
    const paused = await campaign({ opens_at: at(T0) }, "paused");
    const undated = await campaign({});
    const result = await advanceCampaigns(db, T0 + 1);
    for (const id of [draft, paused, undated]) {
      expect(result.opened).not.toContain(id);
      expect(await systemAudit(id)).toEqual([]);
    }
    expect(await statusOf(draft)).toBe("draft");
    expect(await statusOf(paused)).toBe("paused");
    expect(await statusOf(undated)).toBe("waitlist");
  });

  it("bumps the version, so a PATCH planned before the move is refused", async () => {
    const id = await campaign({ opens_at: at(T0) });
    const before = await ok(admin.v1.admin.campaigns[":id"].$get({ param: { id } }));
    await advanceCampaigns(db, T0);
    const res = await admin.v1.admin.campaigns[":id"].$patch({
      param: { id },
      json: { status: "paused", version: before.version },
    });
    expect(res.status).toBe(409);
  });
});

describe("a PATCH racing the cron", () => {
  it("is refused as a whole when the campaign moved between its read and its write", async () => {
    const id = await campaign({ opens_at: at(T0) });
    // The cron runs right before the PATCH's write batch (its second batch, after the read).
    let batches = 0;
    const racing = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (stmts: D1PreparedStatement[]) => {
            if (++batches === 2) await advanceCampaigns(db, T0);
            return target.batch(stmts);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const audit = {
      actorType: "admin_token",
      actorId: null,
      ipHmac: null,
      requestId: null,
    } as const;
    const err = await updateCampaign(
      createDb(racing),
      audit,
      id,
      { status: "paused", name: "Paused" },
      T0,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "conflict" });
    const row = await env.DB.prepare(
      "SELECT status, paused_from_status, name FROM campaigns WHERE id = ?",
    )
      .bind(id)
      .first();
    expect(row).toEqual({ status: "presale", paused_from_status: null, name: "Scheduled" });
  });
});

describe("scheduled handler", () => {
  it("runs advance_campaigns at the controller's scheduled time", async () => {
    const id = await campaign({ opens_at: at(T0) });
    const fire = async (scheduledTime: number) => {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ scheduledTime, cron: "* * * * *" }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    };
    await fire(T0 - 60_000);
    expect(await statusOf(id)).toBe("waitlist");
    await fire(T0);
    expect(await statusOf(id)).toBe("presale");
  });
});
