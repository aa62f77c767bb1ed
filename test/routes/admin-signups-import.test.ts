import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, auditRows, newCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, call, expectProblem, json, ok } from "../helpers/client";
import { callWithQueues, drain, FakeQueue } from "../helpers/queue-harness";
import { seedSignups } from "../helpers/signup-seed";

const url = (id: string, q = "") => `/v1/admin/campaigns/${id}/signups/imports${q}`;
const csvPost = (body: string, headers: Record<string, string> = adminHeaders()): RequestInit => ({
  method: "POST",
  headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" },
  body,
});

/** Posts an import with fake queues, runs the job to the end, returns the job and its mail. */
async function runImport(campaignId: string, init: RequestInit, q = "") {
  const jobs = new FakeQueue();
  const email = new FakeQueue();
  const { res } = await callWithQueues(url(campaignId, q), init, { jobs, email });
  const body = (await res.json()) as { job_id: string };
  expect(res.status, JSON.stringify(body)).toBe(202);
  await drain(jobs.take(), () => {}, email);
  const job = await call(`/v1/admin/jobs/${body.job_id}`, { headers: adminHeaders() });
  return { job: (await job.json()) as Record<string, unknown>, kicks: email.take().length };
}

const rowsOf = async (campaignId: string) =>
  (
    await env.DB.prepare(
      `SELECT email, name, status, locale, answers, consent_source, review, audience
       FROM signups WHERE campaign_id = ? ORDER BY email`,
    )
      .bind(campaignId)
      .all<Record<string, string>>()
  ).results;

const outbox = async (campaignId: string) =>
  (
    await env.DB.prepare(
      "SELECT template, to_email FROM outbox_emails WHERE campaign_id = ? ORDER BY to_email",
    )
      .bind(campaignId)
      .all<{ template: string; to_email: string }>()
  ).results;

describe("POST /v1/admin/campaigns/{id}/signups/imports", () => {
  it("imports JSON-carried CSV unconfirmed: pending rows, each sent the confirm link", async () => {
    const c = await newCampaign({
      questions: [
        {
          key: "colours",
          label: { en: "Colours" },
          type: "multi_choice",
          options: [
            { value: "red", label: { en: "Red" } },
            { value: "blue", label: { en: "Blue" } },
          ],
        },
        { key: "news", label: { en: "News?" }, type: "checkbox", required: true },
      ],
    });
    const csv = [
      "Email,Name,Locale,answer.colours,news,",
      "ann@Example.COM,Ann,uz,red; blue,yes,",
      "bob@example.com,,,,,",
      "eve@mailinator.com,Eve,fr,,,",
    ].join("\n");
    const { job, kicks } = await runImport(c.id, json({ csv, confirm: false }, adminHeaders()));
    expect(job).toMatchObject({ status: "done", total: 3, done: 2, failed: 1 });
    expect(job.result).toMatchObject({
      errors: [{ row: 4, reason: "invalid_locale" }],
      consent_note: null,
      confirm: false,
    });
    expect(await rowsOf(c.id)).toEqual([
      {
        email: "ann@example.com",
        name: "Ann",
        status: "pending",
        locale: "uz",
        answers: JSON.stringify({ colours: ["red", "blue"], news: true }),
        consent_source: "import",
        review: "ok",
        audience: "inside",
      },
      expect.objectContaining({
        email: "bob@example.com",
        name: null,
        locale: "en",
        answers: "{}",
      }),
    ]);
    expect(await outbox(c.id)).toEqual([
      { template: "signup_confirm", to_email: "ann@example.com" },
      { template: "signup_confirm", to_email: "bob@example.com" },
    ]);
    expect(kicks).toBeGreaterThan(0);
    const audit = await auditRows(c.id);
    expect(audit.at(-1)).toMatchObject({
      action: "signup.import",
      changes: { rows: 3, confirm: false, send_welcome: false, consent_source: "import" },
    });
  });

  it("imports confirmed with a welcome email when asked, flagging disposable domains", async () => {
    const c = await newCampaign();
    // A spreadsheet's UTF-8 BOM and CRLF line ends.
    const csv = "\uFEFFemail,why\r\nann@example.com,=1+1\r\neve@mailinator.com,\r\n";
    const { job } = await runImport(
      c.id,
      csvPost(csv),
      "?confirm=true&send_welcome=true&consent_note=Newsletter%20opt-in",
    );
    expect(job).toMatchObject({ status: "done", done: 2, failed: 0 });
    const rows = await rowsOf(c.id);
    expect(rows.map((r) => [r.email, r.status, r.review, r.answers])).toEqual([
      ["ann@example.com", "confirmed", "ok", JSON.stringify({ why: "=1+1" })],
      ["eve@mailinator.com", "confirmed", "flagged", "{}"],
    ]);
    expect((await outbox(c.id)).map((o) => o.template)).toEqual(["status_link", "status_link"]);
  });

  it("takes this API's own export as input (its other columns are ignored)", async () => {
    const from = await newCampaign();
    await seedSignups(from.id, [
      { email: "ann@example.com", name: "Ann", answers: { why: "+Light" }, status: "confirmed" },
      { email: "bob@example.com", name: "Bob, Jr.", utmSource: "fair" },
    ]);
    const exported = await (
      await call(`/v1/admin/campaigns/${from.id}/signups.csv`, { headers: adminHeaders() })
    ).text();
    expect(exported).toContain(",'+Light");
    const to = await newCampaign();
    const { job } = await runImport(
      to.id,
      csvPost(exported),
      "?consent_note=Moved%20from%20the%20old%20campaign",
    );
    expect(job).toMatchObject({ status: "done", done: 2, failed: 0 });
    const rows = await rowsOf(to.id);
    expect(rows.map((r) => [r.email, r.name, r.answers])).toEqual([
      // The export's formula guard ('+…) is read back off.
      ["ann@example.com", "Ann", JSON.stringify({ why: "+Light" })],
      ["bob@example.com", "Bob, Jr.", "{}"],
    ]);
  });

  it("refuses a file it cannot import, and changes nothing", async () => {
    const c = await newCampaign();
    const post = (body: string, q = "?consent_note=x") => call(url(c.id, q), csvPost(body));
    const bad = [
      "name\nAnn\n", // no email column
      "email,shoe_size\na@example.com,42\n", // unknown column
      "email,email\na@example.com,b@example.com\n", // twice
      'email\n"a@example.com\n', // unclosed quote
      'email\n"a"b@example.com\n', // text after a quote
      "email\n", // header only
    ];
    for (const body of bad) await expectProblem(post(body), 422, "validation_failed");
    await expectProblem(post("email\na@example.com\n", ""), 422, "validation_failed");
    await expectProblem(
      call(url(c.id), json({ csv: "email\na@x.com", consent_note: "x", extra: 1 }, adminHeaders())),
      422,
      "validation_failed",
    );
    await expectProblem(call(url(c.id), json({}, adminHeaders())), 422, "validation_failed");
    await expectProblem(
      call(url(c.id), {
        method: "POST",
        headers: { ...adminHeaders(), "Content-Type": "text/plain" },
        body: "email\na@example.com",
      }),
      415,
      "unsupported_media_type",
    );
    const huge = `email\n${"a@example.com\n".repeat(Math.ceil((5 * 1024 * 1024) / 14) + 10)}`;
    await expectProblem(post(huge), 413, "payload_too_large");
    const jobs = await env.DB.prepare("SELECT count(*) AS n FROM jobs WHERE campaign_id = ?")
      .bind(c.id)
      .first<{ n: number }>();
    expect(jobs?.n).toBe(0);
  });

  it("takes a body larger than other JSON routes allow", async () => {
    const c = await newCampaign();
    const lines = Array.from({ length: 4000 }, (_, i) => `big${i}@example.com,Person number ${i}`);
    const csv = `email,name\n${lines.join("\n")}`;
    expect(csv.length).toBeGreaterThan(64 * 1024);
    const { res } = await callWithQueues(
      url(c.id),
      json({ csv, consent_note: "Event list" }, adminHeaders()),
      { jobs: new FakeQueue() },
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ total: 4000 });
  });

  it("needs an editor and an existing campaign", async () => {
    const c = await newCampaign();
    const body = "email\na@example.com\n";
    await expectProblem(call(url(c.id, "?consent_note=x"), csvPost(body, {})), 401, "unauthorized");
    const viewer = await ok(
      admin.v1.admin["api-keys"].$post({ json: { name: "viewer", role: "viewer" } }),
      201,
    );
    await expectProblem(
      call(url(c.id, "?consent_note=x"), csvPost(body, adminHeaders(viewer.key))),
      403,
      "forbidden",
    );
    await expectProblem(
      call(url("cmp_missing", "?consent_note=x"), csvPost(body)),
      404,
      "not_found",
    );
  });
});
