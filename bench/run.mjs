#!/usr/bin/env node
/**
 * `npm run bench`: starts the real dev server (wrangler dev + workerd + local
 * D1) on a free port with fresh state in a temp dir, seeds the demo campaign,
 * loads each row of bench/scenarios.mjs over loopback with autocannon and
 * prints a table. Numbers are for comparing rows and runs on one machine, not
 * production capacity (wrangler dev, local SQLite, client on the same CPUs).
 *
 * Env: BENCH_DURATION (s per row, 10), BENCH_CONNECTIONS (50), BENCH_WARMUP
 * (s per row, 1, not counted), BENCH_ONLY (substring filter on row names),
 * BENCH_LOG_LEVEL (wrangler --log-level, "warn": per-request logging would
 * compete with the worker for CPU), BENCH_PROFILE (a directory: write a CPU
 * profile of the worker per row there and print its heaviest functions;
 * profiling slows the worker, so those runs' numbers are not comparable).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { onShutdown } from "../scripts/lib/lifecycle.mjs";
import { freePort, requestJson, waitForHealth } from "../scripts/lib/net.mjs";
import { DEMO_SLUG, seedDemo } from "../scripts/lib/seed.mjs";
import { randomSecret, settingsToForward } from "../scripts/lib/settings.mjs";
import {
  applyLocalMigrations,
  startWranglerDev,
  workerdProcesses,
} from "../scripts/lib/wrangler.mjs";
import { benchOutbox } from "./outbox.mjs";
import { saveProfile, startProfile, topSelf } from "./profile.mjs";
import { scenarios } from "./scenarios.mjs";
import { benchWave } from "./wave.mjs";

const HOST = "127.0.0.1";
const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const DURATION = num("BENCH_DURATION", 10);
const CONNECTIONS = num("BENCH_CONNECTIONS", 50);
const WARMUP = num("BENCH_WARMUP", 1);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || "warn";
const ONLY = process.env.BENCH_ONLY;
const PROFILE_DIR = process.env.BENCH_PROFILE;

const say = (msg) => console.log(`[bench] ${msg}`);
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });

// ---- server ----------------------------------------------------------------

const stateDir = mkdtempSync(path.join(tmpdir(), "presale-bench-"));
const logFile = path.join(stateDir, "wrangler.log");
const logLines = [];
const keepLog = (l) => {
  logLines.push(l);
};
const flushLog = () => writeFileSync(logFile, `${logLines.join("\n")}\n`);

const port = await freePort(HOST);
const inspectorPort = await freePort(HOST);
const base = `http://${HOST}:${port}`;
// Own secrets, passed as --var: the bench never reads or writes .dev.vars.
const vars = settingsToForward({
  env: {},
  defaults: {
    ADMIN_TOKEN: randomSecret(),
    TOKEN_SECRET: randomSecret(),
    PUBLIC_URL: base,
    EMAIL_PROVIDER: "log",
  },
});

let dev;
let failed = false;

async function finish(code) {
  if (dev) await dev.stop();
  flushLog();
  if (code === 0) rmSync(stateDir, { recursive: true, force: true });
  else say(`server log kept in ${logFile}`);
  process.exit(code);
}

function dieWithLog(msg) {
  console.error(`[bench] ${msg}`);
  console.error(logLines.slice(-40).join("\n"));
  return finish(1);
}

onShutdown(() => finish(130));

say(`fresh state in ${stateDir}`);
try {
  await applyLocalMigrations({ persistTo: stateDir, onLine: keepLog });
} catch (err) {
  logLines.push(err.output ?? "");
  await dieWithLog(err.message);
}

dev = startWranglerDev({
  port,
  ip: HOST,
  persistTo: stateDir,
  vars,
  inspectorPort,
  logLevel: LOG_LEVEL,
  // wrangler also reads [secrets] from the environment when .dev.vars is absent.
  env: { ADMIN_TOKEN: vars.ADMIN_TOKEN, TOKEN_SECRET: vars.TOKEN_SECRET },
  onLine: keepLog,
});
const serverGone = new AbortController();
dev.exited.then(({ code, signal }) => {
  serverGone.abort(`wrangler exited (${signal ?? `code ${code}`})`);
});

try {
  const ms = await waitForHealth(`${base}/healthz`, {
    timeoutMs: 120_000,
    signal: serverGone.signal,
  });
  say(`wrangler dev up on ${base} in ${(ms / 1000).toFixed(1)} s (log level ${LOG_LEVEL})`);
} catch (err) {
  await dieWithLog(err.message);
}

const seed = await seedDemo({ baseUrl: base, adminToken: vars.ADMIN_TOKEN, log: () => {} });
if (seed.outcome === "failed") {
  failed = true;
  console.error(`[bench] seeding the demo campaign failed:\n${seed.message}`);
} else {
  say(`seed: ${seed.message}`);
}

// ---- load --------------------------------------------------------------------

const demo = await requestJson(`${base}/v1/campaigns/${DEMO_SLUG}`);
const ctx = {
  baseUrl: base,
  adminToken: vars.ADMIN_TOKEN,
  /** To derive customer link tokens (bench/status-setup.mjs), as the worker does. */
  tokenSecret: vars.TOKEN_SECRET,
  demo: demo.status === 200 ? demo.json : undefined,
  admin: (method, p, body) =>
    requestJson(`${base}${p}`, {
      method,
      body,
      headers: { authorization: `Bearer ${vars.ADMIN_TOKEN}` },
    }),
};

let seq = 0;
/** 10.x.y.z from a run-wide counter: a different client for every request. */
const nextIp = () => {
  const n = seq++;
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
};

function requestFor(scenario, state) {
  const make = scenario.request ?? (() => scenario);
  return (req) => {
    const n = seq;
    const r = make(n, state, ctx);
    const headers = { ...(r.headers ?? {}), "cf-connecting-ip": nextIp() };
    let body = r.body;
    if (body !== undefined && typeof body !== "string") {
      body = JSON.stringify(body);
      headers["content-type"] ??= "application/json";
    }
    return { ...req, method: r.method ?? "GET", path: r.path, headers, body };
  };
}

function load(scenario, state, seconds) {
  return autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: requestFor(scenario, state) }],
  });
}

/**
 * workerd CPU time per process (empty off Linux). Per request it is a figure
 * that holds up when other processes compete for the CPUs, unlike req/s.
 */
const serverCpu = () => new Map(workerdProcesses(dev.child.pid).map((p) => [p.pid, p.cpuMs]));
/** CPU used since `before`; `reloaded` when workerd was replaced meanwhile (a source edit). */
const cpuSince = (before) => {
  const now = serverCpu();
  let ms = 0;
  for (const [pid, cpu] of now) ms += cpu - (before.get(pid) ?? 0);
  const reloaded = [...before.keys()].some((pid) => !now.has(pid));
  return { ms, reloaded, measured: now.size > 0 };
};

const rows = [];
for (const scenario of scenarios) {
  if (ONLY && scenario !== scenarios[0] && !scenario.name.includes(ONLY)) continue;
  if (serverGone.signal.aborted) break;
  if (scenario.run) {
    // A row that measures itself (e.g. the sell-out): { rps, p50, p99, non2xx, codes, note }.
    say(`${scenario.name}: custom run`);
    const cpuBefore = serverCpu();
    const r = await scenario.run(ctx);
    const cpu = cpuSince(cpuBefore);
    rows.push({
      errors: 0,
      ...r,
      name: scenario.name,
      cpuPerReq: cpu.measured && r.requests ? cpu.ms / r.requests : undefined,
      reloaded: cpu.reloaded,
    });
    continue;
  }
  const state = scenario.setup ? await scenario.setup(ctx) : undefined;
  if (WARMUP > 0) await load(scenario, state, WARMUP);
  say(`${scenario.name}: ${DURATION} s × ${CONNECTIONS} connections`);
  const cpuBefore = serverCpu();
  const stopProfile = PROFILE_DIR ? await startProfile(inspectorPort) : undefined;
  const r = await load(scenario, state, DURATION);
  const cpu = cpuSince(cpuBefore);
  if (stopProfile) {
    const file = saveProfile(PROFILE_DIR, scenario.name, await stopProfile());
    say(`${scenario.name}: profile in ${file}; heaviest by self time:`);
    for (const line of topSelf(JSON.parse(readFileSync(file, "utf8")))) say(`  ${line}`);
  }
  const total = r["2xx"] + r.non2xx;
  if (cpu.reloaded)
    say(`${scenario.name}: wrangler reloaded the worker during the row (a source file changed)`);
  rows.push({
    name: scenario.name,
    cpuPerReq: !cpu.measured || total === 0 ? undefined : cpu.ms / total,
    reloaded: cpu.reloaded,
    rps: r["2xx"] / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    codes: Object.keys(r.statusCodeStats ?? {}).join(","),
  });
}

if (serverGone.signal.aborted) {
  await dieWithLog(`the server died during the run: ${serverGone.signal.reason}`);
}
const workerd = workerdProcesses(dev.child.pid);
try {
  await waitForHealth(`${base}/healthz`, { timeoutMs: 10_000, signal: serverGone.signal });
} catch (err) {
  await dieWithLog(`the server is unhealthy after the run: ${err.message}`);
}

// ---- report ------------------------------------------------------------------

const baseline = rows[0]?.rps || Number.NaN;
const table = [
  ["row", "2xx req/s", "p50 ms", "p99 ms", "non-2xx", "vs /healthz", "workerd CPU ms/req"],
  ...rows.map((r) => [
    r.name,
    r.rps.toFixed(0),
    String(r.p50),
    String(r.p99),
    r.non2xx > 0 ? `${r.non2xx} (${r.codes})` : "0",
    `${(r.rps / baseline).toFixed(2)}×`,
    r.cpuPerReq === undefined ? "n/a" : `${r.cpuPerReq.toFixed(2)}${r.reloaded ? " (reload)" : ""}`,
  ]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const fmt = (row) =>
  `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
console.log("");
console.log(fmt(table[0]));
console.log(
  `|${widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
);
for (const row of table.slice(1)) console.log(fmt(row));
console.log("");
for (const r of rows.filter((x) => x.note)) say(`${r.name}: ${r.note}`);
const errs = rows.filter((r) => r.errors > 0);
for (const r of errs) say(`${r.name}: ${r.errors} socket errors/timeouts`);
if (workerd.length > 0) {
  const mib = (kb) => (kb / 1024).toFixed(0);
  const rss = workerd.reduce((s, p) => s + p.rssKb, 0);
  const hwm = workerd.reduce((s, p) => s + p.hwmKb, 0);
  say(`workerd RSS ${mib(rss)} MiB now, ${mib(hwm)} MiB peak (${workerd.length} process)`);
}
say(
  `${CONNECTIONS} connections, ${DURATION} s per row after ${WARMUP} s warm-up, one CF-Connecting-IP per request, ` +
    `node ${process.version}, wrangler dev --log-level ${LOG_LEVEL}, ` +
    `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`,
);

// ---- background work ------------------------------------------------------
// The outbox drain and a 10,000-person wave need servers configured their own
// way (the fake Resend provider; a seeded line), so they run after the HTTP
// rows, one at a time, each on a fresh state directory. BENCH_ONLY skips them.
if (!ONLY) {
  // The HTTP server is done; free its CPU for these runs.
  await dev?.stop();
  dev = undefined;
  const background = [];
  try {
    const o = await benchOutbox({ say: (m) => say(`outbox: ${m}`) });
    background.push([
      "outbox drain → fake Resend",
      `${o.perSecond.toFixed(0)} msg/s`,
      `${o.messages} in ${o.seconds.toFixed(1)} s`,
      `${o.requests} calls, max ${o.maxPerSecond}/s (limit ${o.rate}/s), ${o.duplicates} duplicates`,
    ]);
    if (o.duplicates !== 0 || o.maxPerSecond > o.rate) failed = true;
  } catch (err) {
    failed = true;
    say(`outbox drain row failed: ${err.message}`);
  }
  try {
    const w = await benchWave({ say: (m) => say(`wave: ${m}`) });
    const landed = w.landed.invited === w.count && w.landed.outbox === w.count;
    background.push([
      `wave of ${w.count} invitations`,
      `${(w.count / w.seconds).toFixed(0)} people/s`,
      `${w.seconds.toFixed(1)} s (target < 10 s)`,
      `${w.landed.invited} invited, ${w.landed.codes} codes, ${w.landed.outbox} emails queued`,
    ]);
    if (!landed) failed = true;
  } catch (err) {
    failed = true;
    say(`wave row failed: ${err.message}`);
  }
  if (background.length) {
    console.log("");
    console.log("| background work | rate | time | checks |");
    console.log("|---|---:|---|---|");
    for (const row of background) console.log(`| ${row.join(" | ")} |`);
    console.log("");
  }
}
await finish(failed ? 1 : 0);
