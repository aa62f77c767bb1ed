/**
 * Structured JSON logs, one object per line, so Workers Logs can index fields.
 * Never pass tokens, emails or raw IPs here.
 * @see https://developers.cloudflare.com/workers/observability/logs/workers-logs/
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
