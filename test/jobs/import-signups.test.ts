import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { IMPORT_CHUNK_ROWS } from "../../src/domain/signups/import-job";
import { newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call } from "../helpers/client";
import { D1_MAX_PARAMS, D1_MAX_QUERIES } from "../helpers/d1-guard";
import { callWithQueues, drain, FakeQueue } from "../helpers/queue-harness";
import { seedSignups } from "../helpers/signup-seed";

const ROWS = 20_000;

async function job(id: string) {
  const res = await call(`/v1/admin/jobs/${id}`, { headers: adminHeaders() });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    status: string;
    total: number;
    done: number;
    failed: number;
    progress: number;
    result: Record<string, unknown> | null;
  };
}

describe("import_signups job", () => {
  it(`imports ${ROWS} rows in chunks within D1's limits, reporting bad rows`, async () => {
    const c = await newCampaign({
      questions: [
        {
          key: "plan",
          label: { en: "Plan" },
          type: "single_choice",
          options: [
            { value: "basic", label: { en: "Basic" } },
            { value: "pro", label: { en: "Pro" } },
          ],
        },
      ],
    });
    await seedSignups(c.id, [{ email: "known1@example.com" }, { email: "Known2@example.com" }]);

    const lines = ["email,name,plan,utm_source"];
    for (let i = 0; i < ROWS; i++) lines.push(`user${i}@example.com,User ${i},basic,import`);
    // Row numbers count the header as row 1, so data row i is row i + 2.
    lines[101] = "not-an-email,Bad,basic,";
    lines[202] = "user0@example.com,Dup,basic,";
    lines[303] = "KNOWN1@example.com,Known,basic,";
    lines[404] = "known2@example.com,Known,pro,";
    lines[505] = "planless@example.com,Bad plan,enterprise,";
    lines[606] = `sql@example.com,"Robert'); DROP TABLE signups;--",pro,"1' OR '1'='1"`;
    const csv = `${lines.join("\r\n")}\r\n`;

    const jobs = new FakeQueue();
    const { res, usage } = await callWithQueues(
      `/v1/admin/campaigns/${c.id}/signups/imports?consent_note=${encodeURIComponent("Paper forms at the 2024 fair")}`,
      { method: "POST", headers: { ...adminHeaders(), "Content-Type": "text/csv" }, body: csv },
      { jobs },
    );
    expect(res.status).toBe(202);
    const reply = (await res.json()) as { job_id: string; total: number; status_url: string };
    expect(reply).toEqual({
      job_id: expect.stringMatching(/^job_/),
      total: ROWS,
      status_url: `/v1/admin/jobs/${reply.job_id}`,
    });
    expect(usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
    expect(usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
    const staged = await env.DB.prepare("SELECT count(*) AS n FROM job_items WHERE job_id = ?")
      .bind(reply.job_id)
      .first<{ n: number }>();
    expect(staged?.n).toBe(ROWS);
    expect((await job(reply.job_id)).status).toBe("queued");

    let maxQueries = 0;
    const chunks = await drain(jobs.take(), async (d, n) => {
      expect(d.result.retryMessages).toEqual([]);
      maxQueries = Math.max(maxQueries, d.usage.queries);
      expect(d.usage.queries).toBeLessThanOrEqual(D1_MAX_QUERIES);
      expect(d.usage.maxParams).toBeLessThanOrEqual(D1_MAX_PARAMS);
      if (n === 100) {
        const mid = await job(reply.job_id);
        expect(mid.status).toBe("running");
        expect(mid.done + mid.failed).toBe(100 * IMPORT_CHUNK_ROWS);
        expect(mid.progress).toBeCloseTo((100 * IMPORT_CHUNK_ROWS) / ROWS);
        expect(mid.result).toMatchObject({ accepted: expect.any(Number) });
      }
    });
    expect(chunks).toBe(ROWS / IMPORT_CHUNK_ROWS);
    expect(maxQueries).toBeLessThan(20);

    const done = await job(reply.job_id);
    expect(done).toMatchObject({
      status: "done",
      total: ROWS,
      done: ROWS - 5,
      failed: 5,
      progress: 1,
    });
    expect(done.result).toMatchObject({
      accepted: ROWS - 5,
      rejected: 5,
      reasons: { invalid_email: 1, duplicate_in_file: 1, already_on_list: 2, bad_answer: 1 },
      consent_source: "import",
      consent_note: "Paper forms at the 2024 fair",
      confirm: true,
      send_welcome: false,
    });
    expect(done.result?.errors).toEqual([
      { row: 102, reason: "invalid_email" },
      { row: 203, reason: "duplicate_in_file", detail: "Same email as row 2" },
      { row: 304, reason: "already_on_list" },
      { row: 405, reason: "already_on_list" },
      { row: 506, reason: "bad_answer", detail: "answers.plan: invalid_choice" },
    ]);

    const counts = await env.DB.prepare(
      `SELECT count(*) AS n, sum(consent_source = 'import') AS imported,
         sum(status = 'confirmed') AS confirmed, count(DISTINCT email_normalized) AS emails
       FROM signups WHERE campaign_id = ?`,
    )
      .bind(c.id)
      .first<Record<string, number>>();
    expect(counts).toEqual({
      n: ROWS - 3,
      imported: ROWS - 5,
      confirmed: ROWS - 5,
      emails: ROWS - 3,
    });
    const row = await env.DB.prepare(
      "SELECT name, utm_source, answers, consent_form_version, consent_at FROM signups WHERE email_normalized = 'sql@example.com'",
    ).first<Record<string, string>>();
    expect(row).toMatchObject({
      name: "Robert'); DROP TABLE signups;--",
      utm_source: "1' OR '1'='1",
      answers: JSON.stringify({ plan: "pro" }),
      consent_form_version: `import ${reply.job_id}: Paper forms at the 2024 fair`,
    });
    // The known people were not touched, no mail was queued, staged rows are gone.
    const known = await env.DB.prepare(
      "SELECT name, consent_source FROM signups WHERE campaign_id = ? AND email_normalized LIKE 'known%' ORDER BY 1",
    )
      .bind(c.id)
      .all();
    expect(known.results).toEqual([
      { name: null, consent_source: "form" },
      { name: null, consent_source: "form" },
    ]);
    const mail = await env.DB.prepare(
      "SELECT count(*) AS n FROM outbox_emails WHERE campaign_id = ?",
    )
      .bind(c.id)
      .first<{ n: number }>();
    expect(mail?.n).toBe(0);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM job_items WHERE job_id = ?")
      .bind(reply.job_id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  }, 180_000);
});
