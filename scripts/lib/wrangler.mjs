/**
 * Running wrangler from scripts: `d1 migrations apply --local` and `wrangler dev`
 * as a child process that can be stopped cleanly. Shared by `npm run dev` and
 * the bench.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Node and wrangler's CLI entry. Wrangler needs Node 22; inside npm scripts the
 * `node` devDependency is first on PATH, otherwise fall back to its binary.
 */
export function wranglerCommand(root = ROOT) {
  const require = createRequire(path.join(root, "package.json"));
  const cli = path.join(
    path.dirname(require.resolve("wrangler/package.json")),
    "wrangler-dist/cli.js",
  );
  let node = process.execPath;
  if (Number(process.versions.node.split(".")[0]) < 22) {
    const local = path.join(root, "node_modules/node/bin/node");
    if (!existsSync(local)) {
      throw new Error(`wrangler needs Node >= 22 (this is ${process.version}); run it via npm run`);
    }
    node = local;
  }
  return { node, cli };
}

function childEnv(extra = {}) {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false",
    ...extra,
  };
}

function pipeLines(stream, onLine) {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", onLine);
}

/** Runs one wrangler command to completion; resolves { code, output }. */
export function runWrangler(args, { cwd = ROOT, env, onLine } = {}) {
  const { node, cli } = wranglerCommand(cwd);
  return new Promise((resolve, reject) => {
    const child = spawn(node, ["--no-warnings", cli, ...args], {
      cwd,
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = [];
    const line = (l) => {
      output.push(l);
      onLine?.(l);
    };
    pipeLines(child.stdout, line);
    pipeLines(child.stderr, line);
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), output: output.join("\n") }),
    );
  });
}

/** `wrangler d1 migrations apply DB --local [--persist-to dir]`; throws on failure. */
export async function applyLocalMigrations({ persistTo, cwd = ROOT, onLine } = {}) {
  const args = ["d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  const { code, output } = await runWrangler(args, { cwd, onLine });
  if (code !== 0) {
    const err = new Error(`wrangler d1 migrations apply failed (exit ${code})`);
    err.output = output;
    throw err;
  }
  return output;
}

/**
 * Starts `wrangler dev` on ip:port. `vars` become `--var KEY:VALUE` (they win
 * over .dev.vars). Every output line goes to `onLine(line, stream)`.
 * Returns { child, exited, stop }: `exited` resolves { code, signal } when the
 * process is gone; `stop()` sends SIGINT, escalating to SIGKILL after `graceMs`.
 */
export function startWranglerDev({
  port,
  ip = "127.0.0.1",
  persistTo,
  vars = {},
  testScheduled = false,
  inspectorPort,
  logLevel,
  cwd = ROOT,
  env,
  onLine = (l) => console.log(l),
} = {}) {
  const { node, cli } = wranglerCommand(cwd);
  const args = ["dev", "--port", String(port), "--ip", ip, "--show-interactive-dev-session=false"];
  if (persistTo) args.push("--persist-to", persistTo);
  if (testScheduled) args.push("--test-scheduled");
  if (inspectorPort) args.push("--inspector-port", String(inspectorPort));
  if (logLevel) args.push("--log-level", logLevel);
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);

  // Its own process group (with workerd and esbuild below it), so that whatever
  // is left when wrangler dies can be killed in one go; signals reach it from us.
  const ownGroup = process.platform !== "win32";
  const child = spawn(node, ["--no-warnings", cli, ...args], {
    cwd,
    env: childEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: ownGroup,
  });
  pipeLines(child.stdout, (l) => onLine(l, "stdout"));
  pipeLines(child.stderr, (l) => onLine(l, "stderr"));
  const killGroup = () => {
    try {
      if (ownGroup) process.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // nothing left
    }
  };

  const exited = new Promise((resolve) => {
    child.once("error", (err) => resolve({ code: 1, signal: null, error: err }));
    child.once("exit", (code, signal) => {
      killGroup(); // e.g. workerd, if wrangler itself was killed
      resolve({ code, signal });
    });
  });

  let stopping;
  const stop = (graceMs = 10_000) => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill("SIGINT");
      let timer;
      const timedOut = new Promise((r) => {
        timer = setTimeout(() => r("timeout"), graceMs);
      });
      const first = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (first === "timeout") killGroup();
      return exited;
    })();
    return stopping;
  };

  return { child, exited, stop, args };
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * workerd processes below `rootPid` (Linux /proc; elsewhere an empty list):
 * rssKb is resident memory now, hwmKb its peak, cpuMs the CPU time used so far.
 */
export function workerdProcesses(rootPid) {
  if (!rootPid || !existsSync("/proc/self/stat")) return [];
  const procs = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(name, "stat");
    if (!stat) continue;
    // "pid (comm) state ppid … utime stime …": comm may contain spaces.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    procs.set(Number(name), {
      comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      ppid: Number(f[1]),
      cpuMs: (Number(f[11]) + Number(f[12])) * 10, // clock ticks, USER_HZ = 100 on Linux
    });
  }
  const isBelow = (pid) => {
    for (let p = procs.get(pid)?.ppid; p; p = procs.get(p)?.ppid) if (p === rootPid) return true;
    return false;
  };
  const out = [];
  for (const [pid, { comm, cpuMs }] of procs) {
    if (comm !== "workerd" || !isBelow(pid)) continue;
    const status = readProc(pid, "status") ?? "";
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
    out.push({ pid, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM"), cpuMs });
  }
  return out;
}

/**
 * Runs the worker's scheduled handler once through `wrangler dev --test-scheduled`.
 * Resolves { ok, status, body }; never throws.
 */
export async function fireScheduled(baseUrl, cron = "* * * * *") {
  const url = `${baseUrl}/__scheduled?cron=${encodeURIComponent(cron).replace(/%20/g, "+")}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(55_000) });
    const body = (await res.text()).trim();
    return { ok: res.ok, status: res.status, body };
  } catch (err) {
    return { ok: false, status: 0, body: err?.cause?.code ?? err?.name ?? String(err) };
  }
}
