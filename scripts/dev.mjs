#!/usr/bin/env node
/**
 * `npm run dev`: a working local Presale in one command.
 *  1. .dev.vars gets random ADMIN_TOKEN / TOKEN_SECRET when missing;
 *  2. D1 migrations are applied to the local database (.wrangler/state);
 *  3. `wrangler dev` starts on 127.0.0.1:$PORT with every setting from the
 *     environment (winning over .dev.vars) passed as --var;
 *  4. the demo campaign is seeded through the admin API when absent;
 *  5. the scheduled handler is fired every minute (wrangler dev has no cron);
 *  6. a demo landing page with the widget is served on a second origin.
 * @see ../../shared/CONTRACT.md "Starting it"
 */
import path from "node:path";
import { startDemoPage } from "./lib/demo-page.mjs";
import { onShutdown } from "./lib/lifecycle.mjs";
import { freePort, isPortFree, waitForHealth } from "./lib/net.mjs";
import { DEMO_SLUG, seedDemo } from "./lib/seed.mjs";
import { ensureDevVars, settingsToForward } from "./lib/settings.mjs";
import { applyLocalMigrations, fireScheduled, ROOT, startWranglerDev } from "./lib/wrangler.mjs";

const HOST = "127.0.0.1";
const CRON = "* * * * *";
const CRON_EVERY_MS = 60_000;

const say = (msg) => console.log(`[dev] ${msg}`);
const fail = (msg) => {
  console.error(`[dev] ${msg}`);
  process.exit(1);
};

function portFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) fail(`${name}=${raw} is not a port number`);
  return n;
}

const port = portFromEnv("PORT", 8787);
const base = `http://${HOST}:${port}`;

if (!(await isPortFree(port, HOST))) {
  fail(
    `${HOST}:${port} is already in use (another npm run dev?). Stop it or choose another port, e.g. PORT=${port + 10} npm run dev`,
  );
}

// 1. Settings. The environment wins over .dev.vars; everything known is passed
//    as --var (see settingsToForward for why .dev.vars values are passed too).
const devVarsPath = path.join(ROOT, ".dev.vars");
const devVars = ensureDevVars(devVarsPath);
if (devVars.generated.length > 0) {
  say(
    `${devVars.created ? "created" : "updated"} .dev.vars with a random ${devVars.generated.join(" and ")}`,
  );
}
const vars = settingsToForward({ fileVars: devVars.values, defaults: { PUBLIC_URL: base } });
const fromEnv = Object.keys(vars).filter((k) => process.env[k]);
if (fromEnv.length > 0) say(`from the environment (wins over .dev.vars): ${fromEnv.join(", ")}`);

// 2. Migrations on the local database.
say("applying D1 migrations to the local database (.wrangler/state)…");
try {
  await applyLocalMigrations({ onLine: (l) => console.log(l) });
} catch (err) {
  fail(`${err.message}\n${err.output ?? ""}`);
}

// 3. The demo site on a second origin (before wrangler, so its origin is known
//    when the demo campaign is seeded with it as an allowed origin).
let demoPort = portFromEnv("DEMO_PORT", 8788);
if (!(await isPortFree(demoPort, HOST))) {
  const taken = demoPort;
  demoPort = await freePort(HOST);
  say(`${HOST}:${taken} is busy; the demo site uses ${demoPort} instead (set DEMO_PORT to choose)`);
}
const demoOrigin = `http://${HOST}:${demoPort}`;
const demoServer = await startDemoPage({
  port: demoPort,
  host: HOST,
  apiBase: base,
  slug: DEMO_SLUG,
});

// 4. wrangler dev.
const dev = startWranglerDev({ port, ip: HOST, vars, testScheduled: true });
let stopping = false;
let cronTimer;

async function shutdown(reason, code) {
  if (stopping) return;
  stopping = true;
  clearInterval(cronTimer);
  say(`${reason}; stopping…`);
  demoServer.close();
  await dev.stop();
  process.exit(code);
}
onShutdown((reason) => shutdown(reason, 0));

const wranglerGone = new AbortController();
dev.exited.then(({ code, signal, error }) => {
  const why = `wrangler dev exited (${error?.message ?? signal ?? `code ${code}`})`;
  wranglerGone.abort(why);
  if (stopping) return;
  stopping = true;
  clearInterval(cronTimer);
  demoServer.close();
  console.error(`[dev] ${why} unexpectedly`);
  process.exit(code || 1);
});

try {
  const ms = await waitForHealth(`${base}/healthz`, {
    timeoutMs: Number.POSITIVE_INFINITY,
    signal: wranglerGone.signal,
    onSlow: (elapsed, last) =>
      say(
        `still waiting for ${base}/healthz after ${Math.round(elapsed / 1000)} s (${last}). ` +
          "If the build failed above, fix the error: wrangler rebuilds on save.",
      ),
  });
  say(`worker is up (${(ms / 1000).toFixed(1)} s)`);
} catch (err) {
  if (!stopping) await shutdown(err.message, 1);
}

// 5. Seed the demo campaign when the database does not have it.
const seed = await seedDemo({
  baseUrl: base,
  adminToken: vars.ADMIN_TOKEN,
  allowedOrigins: [demoOrigin],
  log: (m) => say(`seed: ${m}`),
});
if (seed.outcome === "failed") {
  say(`could not seed the demo campaign; the server keeps running.\n${seed.message}`);
} else {
  say(`seed: ${seed.message}${seed.outcome === "present" ? " (already there)" : ""}`);
}

// 6. Cron: fire now and every minute. Reported when the outcome changes.
let lastCron;
async function tick() {
  const r = await fireScheduled(base, CRON);
  const key = r.ok ? "ok" : `${r.status} ${r.body}`;
  if (key === lastCron || stopping) return;
  lastCron = key;
  if (r.ok) say(`cron "${CRON}": scheduled handler ran; firing it every ${CRON_EVERY_MS / 1000} s`);
  else say(`cron "${CRON}": scheduled handler failed (HTTP ${r.status}): ${r.body.slice(0, 500)}`);
}
await tick();
cronTimer = setInterval(tick, CRON_EVERY_MS);

// 7. Summary.
const tokenSource = process.env.ADMIN_TOKEN ? "from the environment" : "from .dev.vars";
const rows = [
  ["API", base],
  ["Dashboard", `${base}/admin`],
  ["API docs", `${base}/docs   (OpenAPI document: ${base}/openapi.json)`],
  ["Hosted page", `${base}/c/${DEMO_SLUG}`],
  ["Demo site", `${demoOrigin}   (second origin, widget embedded)`],
  ["Admin token", `${vars.ADMIN_TOKEN}   (${tokenSource}; Authorization: Bearer …)`],
  ["PUBLIC_URL", `${vars.PUBLIC_URL}   (base of links in emails)`],
  [
    "Email",
    (vars.EMAIL_PROVIDER ?? "log") === "log"
      ? "EMAIL_PROVIDER=log: messages are printed here and kept in the outbox"
      : `EMAIL_PROVIDER=${vars.EMAIL_PROVIDER}`,
  ],
  ["Cron", `"${CRON}" fired every ${CRON_EVERY_MS / 1000} s via ${base}/__scheduled`],
  ["Local state", ".wrangler/state   (delete it for a fresh database on the next start)"],
];
const line = "─".repeat(72);
console.log(
  [
    "",
    line,
    " Presale dev server",
    ...rows.map(([k, v]) => `   ${k.padEnd(12)} ${v}`),
    " Ctrl-C stops wrangler and the demo site.",
    line,
    "",
  ].join("\n"),
);
