/**
 * CPU profiles of the worker during a bench row (`BENCH_PROFILE=dir`): the
 * V8 sampling profiler of the user worker's isolate, reached through
 * wrangler dev's inspector proxy, written as `<dir>/<row>.cpuprofile` (open
 * it in Chrome DevTools → Performance) with the top functions by self time
 * printed. The numbers are what to shave next; req/s alone cannot tell
 * validation from HMAC from D1.
 * @see https://chromedevtools.github.io/devtools-protocol/v8/Profiler/
 */
import { writeFileSync } from "node:fs";
import path from "node:path";

/** Connects to the first worker target behind wrangler's inspector port. */
async function connect(inspectorPort) {
  const res = await fetch(`http://127.0.0.1:${inspectorPort}/json`);
  const targets = await res.json();
  const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
  if (!target?.webSocketDebuggerUrl) throw new Error("no inspector target");
  // The proxy refuses upgrades without an allowed Origin (DNS-rebinding guard).
  const ws = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { origin: "http://localhost" },
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("inspector connection failed")), {
      once: true,
    });
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener("message", (ev) => {
    const msg = JSON.parse(String(ev.data));
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close() };
}

export async function startProfile(inspectorPort) {
  const session = await connect(inspectorPort);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 200 });
  await session.send("Profiler.start");
  return async () => {
    const { profile } = await session.send("Profiler.stop");
    session.close();
    return profile;
  };
}

/** Self time per function (name + file:line), heaviest first, as percentages. */
export function topSelf(profile, limit = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const self = new Map();
  for (const [id, count] of counts) {
    const f = byId.get(id).callFrame;
    const file = f.url ? path.basename(f.url) : "";
    const key = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + count);
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, count]) => `${((100 * count) / total).toFixed(1).padStart(5)}%  ${key}`);
}

export function saveProfile(dir, rowName, profile) {
  const file = path.join(
    dir,
    `${rowName.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}.cpuprofile`,
  );
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
