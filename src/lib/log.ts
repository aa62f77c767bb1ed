/**
 * Structured JSON logs, one object per line, so Workers Logs can index fields.
 * Never pass tokens, emails or raw IPs here.
 * @see https://developers.cloudflare.com/workers/observability/logs/workers-logs/
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * Lines below this level are dropped before they are built. Set from the
 * `LOG_LEVEL` setting when settings load. Every line is an event Workers Logs
 * bills and, under `wrangler dev`, a message through the inspector to wrangler
 * (which also keeps it in memory until DevTools attaches), so the per-request
 * line is `debug`: the platform's invocation log already records each request.
 */
let threshold = rank.info;

export function setLogLevel(level: LogLevel): void {
  threshold = rank[level];
}

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (rank[level] < threshold) return;
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
