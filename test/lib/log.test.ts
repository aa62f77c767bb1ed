import { afterEach, describe, expect, it, vi } from "vitest";
import { loadSettings, SettingsError } from "../../src/config";
import { log, setLogLevel } from "../../src/lib/log";

const base = {
  ADMIN_TOKEN: "a".repeat(32),
  TOKEN_SECRET: "s".repeat(40),
  PUBLIC_URL: "https://presale.example.com",
  EMAIL_FROM: "Presale <hi@example.com>",
};

afterEach(() => {
  setLogLevel("info");
  vi.restoreAllMocks();
});

function capture() {
  const lines: { stream: string; line: unknown }[] = [];
  for (const stream of ["log", "warn", "error"] as const) {
    vi.spyOn(console, stream).mockImplementation((line: unknown) => {
      lines.push({ stream, line: JSON.parse(String(line)) });
    });
  }
  return lines;
}

describe("log levels", () => {
  it("writes info and above by default, one JSON object per line", () => {
    const lines = capture();
    log("debug", "request", { route: "/healthz" });
    log("info", "honeypot", { campaign_id: "cmp_1" });
    log("warn", "slow");
    log("error", "boom");
    expect(lines.map((l) => [l.stream, (l.line as { msg: string }).msg])).toEqual([
      ["log", "honeypot"],
      ["warn", "slow"],
      ["error", "boom"],
    ]);
    expect(lines[0]!.line).toMatchObject({ level: "info", campaign_id: "cmp_1" });
  });

  it("LOG_LEVEL=debug adds the per-request lines; LOG_LEVEL=error keeps only errors", () => {
    const lines = capture();
    loadSettings({ ...base, LOG_LEVEL: "DEBUG" } as unknown as Env);
    log("debug", "request");
    loadSettings({ ...base, LOG_LEVEL: "error" } as unknown as Env);
    log("info", "dropped");
    log("warn", "dropped too");
    log("error", "kept");
    expect(lines.map((l) => (l.line as { msg: string }).msg)).toEqual(["request", "kept"]);
  });

  it("an unknown LOG_LEVEL is a settings error that names it", () => {
    expect(() => loadSettings({ ...base, LOG_LEVEL: "loud" } as unknown as Env)).toThrow(
      SettingsError,
    );
    expect(() => loadSettings({ ...base, LOG_LEVEL: "loud" } as unknown as Env)).toThrow(
      /LOG_LEVEL/,
    );
  });

  it("an empty LOG_LEVEL means the default (info)", () => {
    const lines = capture();
    loadSettings({ ...base, LOG_LEVEL: "" } as unknown as Env);
    log("debug", "dropped");
    log("info", "kept");
    expect(lines.map((l) => (l.line as { msg: string }).msg)).toEqual(["kept"]);
  });
});
