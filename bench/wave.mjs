#!/usr/bin/env node
/**
 * `node bench/wave.mjs`: the time to send a wave of 10,000 invitations
 * (personal codes, wave members, `invited_at`, one invitation outbox row
 * each), end to end through the real stack. Not an HTTP load row (that is
 * bench/run.mjs with autocannon), so it is its own script with one table row:
 *
 *   1. fresh local D1 in a temp dir: migrations, a waitlist campaign and
 *      N + 10% confirmed signups in line;
 *   2. `wrangler dev` (local queues, the real consumer);
 *   3. POST /v1/admin/campaigns/{id}/waves { count: N } → 202 + a job;
 *   4. polls the job until done: the clock stops when its last chunk has
 *      committed (all rows and outbox rows written; delivery is bench/outbox.mjs);
 *   5. stops the server and counts what landed in D1.
 *
 * Env: BENCH_WAVE_COUNT (10000), BENCH_WAVE_TIMEOUT (s, 120), BENCH_WAVE_TRACE (1: print
 * the server log and the job's progress over time). Target: under 10 s.
 * Exported as `benchWave()` so the main bench can run it as a row.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, requestJson, waitForHealth } from "../scripts/lib/net.mjs";
import { randomSecret } from "../scripts/lib/settings.mjs";
import { applyLocalMigrations, runWrangler, startWranglerDev } from "../scripts/lib/wrangler.mjs";

const HOST = "127.0.0.1";
const CAMPAIGN = "cmp_benchwave";
const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

function seedSql(people) {
  return `
INSERT INTO campaigns (id, slug, name, currency, status, published_at)
  VALUES ('${CAMPAIGN}', 'bench-wave', 'Bench Lamp', 'USD', 'waitlist', 0);
INSERT INTO variants (id, campaign_id, name, price, stock, remaining)
  VALUES ('var_benchwave', '${CAMPAIGN}', 'One', 4900, 100000, 100000);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${people})
INSERT INTO signups (id, campaign_id, email, email_normalized, name, status, confirmed_at,
    referral_code, score, consent_at, created_at, updated_at)
  SELECT 'sgn_bw' || i, '${CAMPAIGN}', 'wave' || i || '@example.com', 'wave' || i || '@example.com',
    'Bench', 'confirmed', i, 'W' || i, i, i, i, i FROM n;
`;
}

const COUNTS = `SELECT
  (SELECT count(*) FROM signups WHERE campaign_id = '${CAMPAIGN}' AND invited_at IS NOT NULL) AS invited,
  (SELECT count(*) FROM invite_codes WHERE campaign_id = '${CAMPAIGN}' AND kind = 'personal') AS codes,
  (SELECT count(*) FROM wave_members) AS members,
  (SELECT count(*) FROM outbox_emails WHERE campaign_id = '${CAMPAIGN}' AND template = 'invitation') AS outbox,
  (SELECT count(DISTINCT dedupe_key) FROM outbox_emails WHERE template = 'invitation') AS distinct_keys`;

async function counts(stateDir) {
  const r = await runWrangler([
    "d1",
    "execute",
    "DB",
    "--local",
    "--persist-to",
    stateDir,
    "--command",
    COUNTS,
    "--json",
  ]);
  if (r.code !== 0) throw new Error(`counting failed:\n${r.output}`);
  const json = JSON.parse(r.output.slice(r.output.indexOf("[")));
  return json[0].results[0];
}

export async function benchWave({
  count = num("BENCH_WAVE_COUNT", 10_000),
  timeoutS = num("BENCH_WAVE_TIMEOUT", 120),
  say = (msg) => console.log(`[bench:wave] ${msg}`),
} = {}) {
  const stateDir = mkdtempSync(path.join(tmpdir(), "presale-bench-wave-"));
  const log = [];
  const keep = (l) => {
    log.push(l);
    if (process.env.BENCH_WAVE_TRACE) console.log(`  [server] ${l}`);
  };
  let dev;
  try {
    await applyLocalMigrations({ persistTo: stateDir, onLine: keep });
    const sqlFile = path.join(stateDir, "seed.sql");
    const people = Math.ceil(count * 1.1);
    writeFileSync(sqlFile, seedSql(people));
    const seeded = await runWrangler(
      ["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--file", sqlFile, "--yes"],
      { onLine: keep },
    );
    if (seeded.code !== 0) throw new Error(`seeding failed:\n${seeded.output}`);
    say(`${people} people in line in ${stateDir}`);

    const port = await freePort(HOST);
    const base = `http://${HOST}:${port}`;
    const vars = {
      ADMIN_TOKEN: randomSecret(),
      TOKEN_SECRET: randomSecret(),
      PUBLIC_URL: base,
      EMAIL_FROM: "Presale <presale@example.com>",
      EMAIL_PROVIDER: "log",
    };
    dev = startWranglerDev({
      port,
      ip: HOST,
      persistTo: stateDir,
      vars,
      inspectorPort: await freePort(HOST),
      logLevel: "warn",
      env: { ADMIN_TOKEN: vars.ADMIN_TOKEN, TOKEN_SECRET: vars.TOKEN_SECRET },
      onLine: keep,
    });
    await waitForHealth(`${base}/healthz`, { timeoutMs: 120_000 });
    const admin = (method, p, body) =>
      requestJson(`${base}${p}`, {
        method,
        body,
        headers: { authorization: `Bearer ${vars.ADMIN_TOKEN}` },
        timeoutMs: 60_000,
      });
    // Warm the isolate (first request compiles the worker), so the clock measures the wave.
    await admin("GET", `/v1/admin/campaigns/${CAMPAIGN}/waves`);

    const started = performance.now();
    const res = await admin("POST", `/v1/admin/campaigns/${CAMPAIGN}/waves`, {
      count,
      idempotency_key: `bench-${Date.now()}`,
    });
    if (res.status !== 202) throw new Error(`POST waves → ${res.status} ${res.text}`);
    const accepted = performance.now();
    let job;
    const trace = [];
    for (;;) {
      job = (await admin("GET", `/v1/admin/jobs/${res.json.job_id}`)).json;
      if (process.env.BENCH_WAVE_TRACE && job.done !== trace.at(-1)?.[1])
        trace.push([Math.round(performance.now() - started), job.done]);
      if (job.status === "done" || job.status === "failed") break;
      if (performance.now() - started > timeoutS * 1000) {
        throw new Error(`timed out after ${timeoutS} s: ${JSON.stringify(job)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    if (trace.length) say(`progress (ms, done): ${JSON.stringify(trace)}`);
    if (job.status !== "done") throw new Error(`the wave job failed: ${job.error}`);
    const waves = (await admin("GET", `/v1/admin/campaigns/${CAMPAIGN}/waves`)).json;
    await dev.stop();
    dev = undefined;
    const landed = await counts(stateDir);
    return {
      count,
      seconds,
      acceptMs: accepted - started,
      wave: waves.items[0],
      landed,
    };
  } catch (err) {
    say(`failed; last server lines:\n${log.slice(-30).join("\n")}`);
    throw err;
  } finally {
    if (dev) await dev.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchWave();
  const ok =
    r.wave.invited_count === r.count &&
    r.landed.invited === r.count &&
    r.landed.codes === r.count &&
    r.landed.members === r.count &&
    r.landed.outbox === r.count &&
    r.landed.distinct_keys === r.count;
  console.log("");
  console.log("| row | time | accepted in | invited | codes | outbox rows | target |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  console.log(
    `| wave of ${r.count.toLocaleString("en")} invitations | ${r.seconds.toFixed(1)} s | ${r.acceptMs.toFixed(0)} ms | ${r.landed.invited} | ${r.landed.codes} | ${r.landed.outbox} | < 10 s ${r.seconds < 10 ? "✓" : "✗"} |`,
  );
  console.log("");
  process.exit(ok ? 0 : 1);
}
