/**
 * A fresh real dev server for the load suite, started the way `npm run bench`
 * starts one (scripts/lib): D1 migrations applied to an empty state directory
 * in a temp dir, `wrangler dev` on a free loopback port with its own random
 * ADMIN_TOKEN / TOKEN_SECRET (passed as --var: .dev.vars is never read or
 * written), the log email provider, and no cron (the suite checks stock, not
 * expiry, and a cron run mid-check would only add noise).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, waitForHealth } from "../../scripts/lib/net.mjs";
import { randomSecret, settingsToForward } from "../../scripts/lib/settings.mjs";
import { applyLocalMigrations, startWranglerDev } from "../../scripts/lib/wrangler.mjs";

const HOST = "127.0.0.1";

/**
 * Starts the server; resolves { base, adminToken, tokenSecret, stop(keepLog) }.
 * `stop(true)` keeps the state directory and writes the server log there.
 */
export async function startServer({ say = console.log, logLevel = "warn" } = {}) {
  const stateDir = mkdtempSync(path.join(tmpdir(), "presale-load-"));
  const logFile = path.join(stateDir, "wrangler.log");
  const lines = [];
  const keep = (l) => {
    lines.push(l);
    if (lines.length > 20_000) lines.splice(0, 10_000);
  };
  const port = await freePort(HOST);
  const base = `http://${HOST}:${port}`;
  const adminToken = randomSecret();
  const tokenSecret = randomSecret();
  const vars = settingsToForward({
    env: {},
    defaults: {
      ADMIN_TOKEN: adminToken,
      TOKEN_SECRET: tokenSecret,
      PUBLIC_URL: base,
      EMAIL_PROVIDER: "log",
    },
  });

  let dev;
  const stop = async (keepLog = false) => {
    if (dev) await dev.stop();
    writeFileSync(logFile, `${lines.join("\n")}\n`);
    if (keepLog) say(`server state and log kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await applyLocalMigrations({ persistTo: stateDir, onLine: keep });
    dev = startWranglerDev({
      port,
      ip: HOST,
      persistTo: stateDir,
      vars,
      inspectorPort: await freePort(HOST),
      logLevel,
      env: { ADMIN_TOKEN: adminToken, TOKEN_SECRET: tokenSecret },
      onLine: keep,
    });
    const gone = new AbortController();
    dev.exited.then(({ code, signal }) =>
      gone.abort(`wrangler exited (${signal ?? `code ${code}`})`),
    );
    const ms = await waitForHealth(`${base}/healthz`, { timeoutMs: 120_000, signal: gone.signal });
    say(`wrangler dev up on ${base} in ${(ms / 1000).toFixed(1)} s, fresh state in ${stateDir}`);
    return { base, adminToken, tokenSecret, stop, alive: () => !gone.signal.aborted, lines };
  } catch (err) {
    console.error(lines.slice(-40).join("\n"));
    await stop(true);
    throw err;
  }
}
