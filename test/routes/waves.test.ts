import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { waves } from "../../src/db/schema";
import { nextInLine } from "../../src/domain/waves/eligibility";
import { inviteStatements } from "../../src/domain/waves/invite";
import { WAVE_CHUNK } from "../../src/domain/waves/job";
import { adminHeaders, call } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES } from "../helpers/d1-guard";
import { deliver, drain } from "../helpers/queue-harness";
import {
  column,
  openCampaign,
  postWithQueues,
  scalar,
  seedIneligible,
  seedLine,
} from "./waves-fixtures";

const url = (id: string) => `/v1/admin/campaigns/${id}/waves`;
const db = createDb(env.DB);

/** Who the campaign has invited, in line order. */
const invited = (campaignId: string) =>
  column(
    "SELECT id FROM signups WHERE campaign_id = ? AND invited_at IS NOT NULL ORDER BY score, created_at, id",
    campaignId,
  );

async function counts(campaignId: string, waveId: string) {
  return {
    codes: await scalar(
      "SELECT count(*) FROM invite_codes WHERE campaign_id = ? AND kind = 'personal'",
      campaignId,
    ),
    mails: await scalar(
      "SELECT count(*) FROM outbox_emails WHERE campaign_id = ? AND template = 'invitation'",
      campaignId,
    ),
    members: await scalar("SELECT count(*) FROM wave_members WHERE wave_id = ?", waveId),
    waves: await scalar("SELECT count(*) FROM waves WHERE campaign_id = ?", campaignId),
  };
}

describe("POST /v1/admin/campaigns/{id}/waves", () => {
  it("invites exactly the top 1000 eligible of 5000 once, retried and redelivered", async () => {
    const c = await openCampaign();
    const bad = await seedIneligible(c.id);
    const line = await seedLine(c.id, 5000);
    const alreadyInvited = bad.at(-1) as string;

    const first = await postWithQueues(
      url(c.id),
      { count: 1000 },
      {
        ...adminHeaders(),
        "Idempotency-Key": "wave-1",
      },
    );
    expect(first.res.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body).toMatchObject({
      requested_count: 1000,
      invited_count: 0,
      status: "queued",
      source: "manual",
      idempotency_key: "wave-1",
      status_url: `/v1/admin/jobs/${first.body.job_id}`,
    });
    expect(first.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    const messages = first.jobs.take();
    expect(messages).toHaveLength(1);

    const chunks = await drain(messages, (d) => {
      expect(d.result.retryMessages).toEqual([]);
      expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
      expect(d.usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    });
    expect(chunks).toBe(1);

    const top = line.slice(0, 1000);
    expect(await invited(c.id)).toEqual([alreadyInvited, ...top]);
    const waveId = first.body.id as string;
    expect(await counts(c.id, waveId)).toEqual({
      codes: 1000,
      mails: 1000,
      members: 1000,
      waves: 1,
    });
    expect(
      await column(
        "SELECT dedupe_key FROM outbox_emails WHERE campaign_id = ? AND template = 'invitation' AND category = 'list' ORDER BY dedupe_key",
        c.id,
      ),
    ).toEqual(top.map((id) => `invitation:${id}`).sort());
    expect(
      await column(
        "SELECT position FROM wave_members WHERE wave_id = ? ORDER BY position LIMIT 3",
        waveId,
      ),
    ).toEqual([1, 2, 3]);

    // The same request again: the same wave, no job, nobody invited twice.
    const again = await postWithQueues(url(c.id), { count: 1000, idempotency_key: "wave-1" });
    expect(again.res.status).toBe(200);
    expect(again.body).toMatchObject({ id: waveId, status: "done", invited_count: 1000 });
    expect(again.jobs.take()).toEqual([]);
    // The chunk's message delivered again (queue at-least-once): acked as stale.
    const redelivered = await deliver(messages);
    expect(redelivered.sent).toEqual([]);
    expect(await counts(c.id, waveId)).toEqual({
      codes: 1000,
      mails: 1000,
      members: 1000,
      waves: 1,
    });
    expect(await invited(c.id)).toHaveLength(1001);

    // A second wave continues down the line.
    const second = await postWithQueues(
      url(c.id),
      { count: 150 },
      { ...adminHeaders(), "Idempotency-Key": "wave-2" },
    );
    expect(second.res.status).toBe(201);
    expect(second.body).toMatchObject({ status: "done", invited_count: 150, job_id: null });
    expect(second.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    expect(second.usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    expect(second.email.take()).toEqual([{ type: "email_drain" }]);
    expect(await invited(c.id)).toEqual([alreadyInvited, ...line.slice(0, 1150)]);

    const list = await call(url(c.id), { headers: adminHeaders() });
    const page = (await list.json()) as { items: { id: string; invited_count: number }[] };
    expect(page.items.map((w) => [w.id, w.invited_count])).toEqual([
      [second.body.id, 150],
      [waveId, 1000],
    ]);
  });

  it(`runs a wave larger than a chunk (${WAVE_CHUNK}) in chunks, stopping when the line runs out`, async () => {
    const c = await openCampaign("presale");
    const line = await seedLine(c.id, WAVE_CHUNK + 100);
    const res = await postWithQueues(url(c.id), {
      count: WAVE_CHUNK + 500,
      idempotency_key: "big",
    });
    expect(res.res.status).toBe(202);
    const chunks = await drain(res.jobs.take(), (d) => {
      expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
      expect(d.usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    });
    expect(chunks).toBe(2);
    expect(await invited(c.id)).toEqual(line);
    const job = await call(`/v1/admin/jobs/${res.body.job_id}`, { headers: adminHeaders() });
    expect(await job.json()).toMatchObject({
      status: "done",
      done: line.length,
      total: line.length,
      progress: 1,
    });
    const list = await call(url(c.id), { headers: adminHeaders() });
    const [wave] = ((await list.json()) as { items: Record<string, unknown>[] }).items;
    expect(wave).toMatchObject({
      status: "done",
      invited_count: line.length,
      requested_count: WAVE_CHUNK + 500,
    });
  });

  it("never invites twice when two waves' statements race for the same people", async () => {
    const c = await openCampaign();
    const line = await seedLine(c.id, 30);
    const ids = await nextInLine(db, c.id, 20);
    expect(ids).toEqual(line.slice(0, 20));
    const now = Date.now();
    const a = { id: `wav_race_a_${now}`, key: "race-a" };
    const b = { id: `wav_race_b_${now}`, key: "race-b" };
    await db.insert(waves).values(
      [a, b].map((w) => ({
        id: w.id,
        campaignId: c.id,
        idempotencyKey: w.key,
        requestedCount: 20,
      })),
    );
    // Both read the line before either writes: the same 20 people.
    const secret = env.TOKEN_SECRET;
    const [sa, sb] = await Promise.all(
      [a, b].map((w) =>
        inviteStatements(db, secret, {
          campaignId: c.id,
          waveId: w.id,
          signupIds: ids,
          createdBy: "system:wave",
          now,
        }),
      ),
    );
    await Promise.all([db.batch(sa as never), db.batch(sb as never)]);
    // And a retried copy of the first wave's statements.
    await db.batch(
      (await inviteStatements(db, secret, {
        campaignId: c.id,
        waveId: a.id,
        signupIds: ids,
        createdBy: "system:wave",
        now: now + 1,
      })) as never,
    );
    expect(await invited(c.id)).toEqual(ids);
    expect(
      await scalar("SELECT count(*) FROM wave_members WHERE wave_id IN (?, ?)", a.id, b.id),
    ).toBe(20);
    expect(
      await scalar(
        "SELECT count(*) FROM invite_codes WHERE campaign_id = ? AND kind = 'personal'",
        c.id,
      ),
    ).toBe(20);
    expect(
      await scalar(
        "SELECT count(*) FROM outbox_emails WHERE campaign_id = ? AND template = 'invitation'",
        c.id,
      ),
    ).toBe(20);
  });
});
