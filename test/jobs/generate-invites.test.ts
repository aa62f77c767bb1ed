import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { parseInviteCode } from "../../src/domain/invites/codes";
import { GENERATE_CHUNK } from "../../src/domain/invites/generate-job";
import { codeLookupHash } from "../../src/lib/tokens";
import { auditRows, newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES } from "../helpers/d1-guard";
import { callWithQueues, drain, FakeQueue } from "../helpers/queue-harness";

const COUNT = 4_500;

interface JobView {
  status: string;
  total: number;
  done: number;
  progress: number;
  result: Record<string, unknown> | null;
}

async function job(id: string): Promise<JobView> {
  const res = await call(`/v1/admin/jobs/${id}`, { headers: adminHeaders() });
  expect(res.status).toBe(200);
  return (await res.json()) as JobView;
}

const download = (jobId: string, headers = adminHeaders()) =>
  call(`/v1/admin/jobs/${jobId}/codes.csv`, { headers });

async function start(campaignId: string, body: Record<string, unknown>) {
  const jobs = new FakeQueue();
  const { res, usage } = await callWithQueues(
    `/v1/admin/campaigns/${campaignId}/invites`,
    json(body, adminHeaders()),
    { jobs },
  );
  expect(res.status).toBe(202);
  expect(usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
  expect(usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
  const reply = (await res.json()) as { job_id: string; status_url: string; csv_url: string };
  return { reply, jobs };
}

/** Every text the database holds about the job and its codes. */
async function storedText(campaignId: string, jobId: string) {
  const rows = await env.DB.batch([
    env.DB.prepare("SELECT * FROM invite_codes WHERE campaign_id = ?").bind(campaignId),
    env.DB.prepare("SELECT * FROM jobs WHERE id = ?").bind(jobId),
    env.DB.prepare("SELECT * FROM job_items WHERE job_id = ?").bind(jobId),
    env.DB.prepare("SELECT * FROM audit_log WHERE campaign_id = ?").bind(campaignId),
  ]);
  return JSON.stringify(rows.map((r) => r.results));
}

describe("generate_invites job", () => {
  it(`makes ${COUNT} shared codes in chunks with progress, and a one-time CSV`, async () => {
    const c = await newCampaign();
    const logs: string[] = [];
    const capture = (line: unknown) => void logs.push(String(line));
    const spies = (["log", "warn", "error"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(capture),
    );
    try {
      const { reply, jobs } = await start(c.id, {
        kind: "shared",
        count: COUNT,
        max_uses: 2,
        label: "Launch partners",
      });
      expect(reply).toEqual({
        job_id: expect.stringMatching(/^job_/),
        total: COUNT,
        status_url: `/v1/admin/jobs/${reply.job_id}`,
        csv_url: `/v1/admin/jobs/${reply.job_id}/codes.csv`,
      });
      expect((await job(reply.job_id)).status).toBe("queued");
      // Not ready yet: 409, and the CSV is still there afterwards.
      await expectProblem(download(reply.job_id), 409, "conflict");

      const chunks = await drain(jobs.take(), async (d, n) => {
        expect(d.result.retryMessages).toEqual([]);
        expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
        expect(d.usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
        if (n === 1) {
          const mid = await job(reply.job_id);
          expect(mid).toMatchObject({ status: "running", total: COUNT, done: GENERATE_CHUNK });
          expect(mid.progress).toBeCloseTo(GENERATE_CHUNK / COUNT);
          expect(mid.result).toMatchObject({ made: GENERATE_CHUNK, csv: "pending" });
        }
      });
      expect(chunks).toBe(Math.ceil(COUNT / GENERATE_CHUNK));
      const done = await job(reply.job_id);
      expect(done).toMatchObject({ status: "done", total: COUNT, done: COUNT, progress: 1 });
      expect(done.result).toMatchObject({ requested: COUNT, made: COUNT, csv: "ready" });
      expect(JSON.stringify(done)).not.toMatch(/seed/);

      const rows = await env.DB.prepare(
        "SELECT code_hash, job_id, max_uses, label, kind FROM invite_codes WHERE campaign_id = ?",
      )
        .bind(c.id)
        .all<{ code_hash: string; job_id: string; max_uses: number; label: string }>();
      expect(rows.results).toHaveLength(COUNT);
      expect(rows.results[0]).toMatchObject({ job_id: reply.job_id, max_uses: 2, kind: "shared" });

      // A viewer may not take the plaintext.
      const viewerRes = await call(
        "/v1/admin/api-keys",
        json({ name: "v", role: "viewer" }, adminHeaders()),
      );
      const viewer = adminHeaders(((await viewerRes.json()) as { key: string }).key);
      await expectProblem(download(reply.job_id, viewer), 403, "forbidden");

      const res = await download(reply.job_id);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(res.headers.get("content-disposition")).toMatch(/attachment/);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const lines = (await res.text()).trim().split("\r\n");
      expect(lines[0]).toBe("code,hint");
      const codes = lines.slice(1).map((l) => l.split(",")[0] as string);
      expect(codes).toHaveLength(COUNT);
      expect(new Set(codes).size).toBe(COUNT);
      const hashes = new Set(rows.results.map((r) => r.code_hash));
      for (const code of codes) {
        const parsed = parseInviteCode(code);
        if (!parsed.ok) throw new Error(`bad code in CSV: ${code}`);
        expect(hashes.has(await codeLookupHash(env.TOKEN_SECRET, parsed.body))).toBe(true);
      }

      // Once: the second download finds nothing, and the key is gone.
      await expectProblem(download(reply.job_id), 404, "not_found");
      expect((await job(reply.job_id)).result).toMatchObject({ csv: "downloaded" });
      const stored = await storedText(c.id, reply.job_id);
      expect(stored).not.toMatch(/"seed"/);
      for (const code of codes.slice(0, 200)) {
        const body = code.replaceAll("-", "").slice(0, 12);
        expect(stored).not.toContain(body);
        expect(logs.join("\n")).not.toContain(body);
      }
      const actions = (await auditRows(c.id))
        .map((a) => a.action)
        .filter((a) => a !== "campaign.create");
      expect(actions).toEqual(["invite.generate", "invite.codes_download"]);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it("404 for unknown jobs and jobs of another kind", async () => {
    await expectProblem(download("job_nope"), 404, "not_found");
    const [row] = (
      await env.DB.prepare(
        "INSERT INTO jobs (id, kind, status, params) VALUES ('job_import_x', 'import_signups', 'done', '{\"seed\":\"x\"}') RETURNING id",
      ).all<{ id: string }>()
    ).results;
    await expectProblem(download(row?.id as string), 404, "not_found");
  });

  it("the codes of a job work at the public check", async () => {
    const c = await newCampaign();
    await call(`/v1/admin/campaigns/${c.id}`, {
      method: "PATCH",
      headers: { ...adminHeaders(), "Content-Type": "application/json" },
      body: JSON.stringify({ status: "waitlist" }),
    });
    const { reply, jobs } = await start(c.id, { kind: "shared", count: 101 });
    await drain(jobs.take());
    const csv = await (await download(reply.job_id)).text();
    const code = csv.split("\r\n")[1]?.split(",")[0];
    const res = await call(
      `/v1/campaigns/${c.slug}/invites/check`,
      json({ code }, { "CF-Connecting-IP": "2001:db8::1:1" }),
    );
    expect(await res.json()).toEqual({ valid: true, uses_left: 1, expires_at: null });
  });
});
