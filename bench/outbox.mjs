#!/usr/bin/env node
/**
 * `npm run bench:outbox`: the outbox drain rate, end to end, against the local
 * fake Resend. Not an HTTP load row (bench/run.mjs measures request
 * throughput with autocannon), so it is its own script with its own table row:
 *
 *   1. starts the fake Resend (scripts/fake-resend.mjs) on a free port;
 *   2. fresh local D1 in a temp dir: migrations, a campaign, N confirmed
 *      signups and N queued outbox rows (half list mail, half transactional);
 *   3. `wrangler dev` with EMAIL_PROVIDER=resend pointed at the fake;
 *   4. fires the scheduled handler once: the sweep kicks a drain, drains chain
 *      through the `presale-email` queue until the outbox is empty;
 *   5. prints messages/s from the first to the last delivery, provider calls,
 *      the most calls in any second (must not exceed EMAIL_SEND_RATE), and the
 *      ETA `estimateDrainSeconds` would have predicted.
 *
 * Env: BENCH_OUTBOX_MESSAGES (2000), BENCH_EMAIL_SEND_RATE (2, Resend's default
 * account limit), BENCH_OUTBOX_FAULTS (JSON for the fake, e.g.
 * '{"fail500":0.3,"fail500Delivered":0.5}'), BENCH_OUTBOX_TIMEOUT (s, 300).
 * Exported as `benchOutbox()` so the main bench can run it as a row.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startFakeResend } from "../scripts/fake-resend.mjs";
import { freePort, waitForHealth } from "../scripts/lib/net.mjs";
import { randomSecret } from "../scripts/lib/settings.mjs";
import {
  applyLocalMigrations,
  fireScheduled,
  runWrangler,
  startWranglerDev,
} from "../scripts/lib/wrangler.mjs";

const HOST = "127.0.0.1";
const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** src/email/pacing.ts estimateDrainSeconds: 100 per call, 500 per drain, ~1 s between drains. */
const estimate = (n, rate) =>
  Math.ceil(Math.ceil(n / 100) * (Math.ceil((1000 / rate) * 1.05) / 1000) + Math.ceil(n / 500));

function seedSql(n) {
  const payload = JSON.stringify({ referrals: 3, position: 2, peopleAhead: 1 }).replaceAll(
    "'",
    "''",
  );
  return `
INSERT INTO campaigns (id, slug, name, currency, status, branding)
  VALUES ('cmp_bench', 'bench', 'Bench Lamp', 'USD', 'presale', '{"senderName":"Bench Studio"}');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
INSERT INTO signups (id, campaign_id, email, email_normalized, name, status, confirmed_at,
    referral_code, score, consent_at)
  SELECT 'sgn_bench' || i, 'cmp_bench', 'bench' || i || '@example.com', 'bench' || i || '@example.com',
    'Bench', 'confirmed', 0, 'R' || i, i, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
INSERT INTO outbox_emails (id, campaign_id, template, category, locale, to_email, payload, status,
    attempts, next_attempt_at, signup_id, created_at, updated_at)
  SELECT 'eml_bench' || i, 'cmp_bench',
    CASE WHEN i % 2 THEN 'milestone' ELSE 'status_link' END,
    CASE WHEN i % 2 THEN 'list' ELSE 'transactional' END,
    CASE WHEN i % 3 THEN 'en' ELSE 'uz' END,
    'bench' || i || '@example.com', '${payload}', 'queued', 0, 0, 'sgn_bench' || i, 0, 0 FROM n;
`;
}

export async function benchOutbox({
  messages = num("BENCH_OUTBOX_MESSAGES", 2000),
  rate = num("BENCH_EMAIL_SEND_RATE", 2),
  faults = process.env.BENCH_OUTBOX_FAULTS ? JSON.parse(process.env.BENCH_OUTBOX_FAULTS) : {},
  timeoutS = num("BENCH_OUTBOX_TIMEOUT", 300),
  say = (msg) => console.log(`[bench:outbox] ${msg}`),
} = {}) {
  const apiKey = `re_bench_${randomSecret().slice(0, 12)}`;
  const fake = await startFakeResend({ port: 0, faults, apiKey });
  const stateDir = mkdtempSync(path.join(tmpdir(), "presale-bench-outbox-"));
  const log = [];
  const keep = (l) => log.push(l);
  let dev;
  try {
    await applyLocalMigrations({ persistTo: stateDir, onLine: keep });
    const sqlFile = path.join(stateDir, "seed.sql");
    writeFileSync(sqlFile, seedSql(messages));
    const seeded = await runWrangler(
      ["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--file", sqlFile, "--yes"],
      { onLine: keep },
    );
    if (seeded.code !== 0) throw new Error(`seeding failed:\n${seeded.output}`);
    say(`${messages} outbox rows queued in ${stateDir}`);

    const port = await freePort(HOST);
    const base = `http://${HOST}:${port}`;
    const vars = {
      ADMIN_TOKEN: randomSecret(),
      TOKEN_SECRET: randomSecret(),
      PUBLIC_URL: base,
      EMAIL_FROM: "Presale <presale@example.com>",
      EMAIL_PROVIDER: "resend",
      RESEND_API_KEY: apiKey,
      RESEND_BASE_URL: fake.url,
      EMAIL_SEND_RATE: String(rate),
    };
    dev = startWranglerDev({
      port,
      ip: HOST,
      persistTo: stateDir,
      vars,
      testScheduled: true,
      inspectorPort: await freePort(HOST),
      logLevel: "warn",
      env: { ADMIN_TOKEN: vars.ADMIN_TOKEN, TOKEN_SECRET: vars.TOKEN_SECRET },
      onLine: keep,
    });
    await waitForHealth(`${base}/healthz`, { timeoutMs: 120_000 });

    const stats = async () => {
      const res = await fetch(`${fake.url}/__stats`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return res.json();
    };
    const started = Date.now();
    const fired = await fireScheduled(base);
    if (!fired.ok) throw new Error(`scheduled handler failed: ${fired.status} ${fired.body}`);
    let s = await stats();
    let lastFire = Date.now();
    while (s.deliveries < messages) {
      if (Date.now() - started > timeoutS * 1000) {
        throw new Error(`timed out: ${s.deliveries}/${messages} delivered after ${timeoutS} s`);
      }
      await new Promise((r) => setTimeout(r, 200));
      // wrangler dev has no cron: fire it every minute as `npm run dev` does.
      if (Date.now() - lastFire > 60_000) {
        await fireScheduled(base);
        lastFire = Date.now();
      }
      s = await stats();
    }
    const seconds = (s.lastAt - started) / 1000;
    return {
      messages,
      rate,
      seconds,
      perSecond: messages / seconds,
      requests: s.requests,
      maxPerSecond: s.maxPerSecond,
      statuses: s.statuses,
      duplicates: s.deliveries - s.recipients,
      etaSeconds: estimate(messages, rate),
    };
  } catch (err) {
    say(`failed; last server lines:\n${log.slice(-30).join("\n")}`);
    throw err;
  } finally {
    if (dev) await dev.stop();
    await fake.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchOutbox();
  const row = [
    "outbox drain → fake Resend",
    `${r.perSecond.toFixed(0)} msg/s`,
    `${r.messages} in ${r.seconds.toFixed(1)} s (ETA ${r.etaSeconds} s)`,
    `${r.requests} calls, max ${r.maxPerSecond}/s (limit ${r.rate}/s)`,
    `dup ${r.duplicates}`,
  ];
  console.log("");
  console.log("| row | rate | messages | provider calls | duplicates |");
  console.log("|---|---:|---|---|---:|");
  console.log(`| ${row.join(" | ")} |`);
  console.log("");
  console.log(`[bench:outbox] provider replies: ${JSON.stringify(r.statuses)}`);
  process.exit(r.duplicates === 0 && r.maxPerSecond <= r.rate ? 0 : 1);
}
