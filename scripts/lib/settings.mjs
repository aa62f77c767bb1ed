/**
 * Worker settings for local runs: `.dev.vars` handling and the `--var` list that
 * lets the process environment win over `.dev.vars`.
 * @see ../../../shared/CONTRACT.md "Starting it" (the settings list)
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./wrangler.mjs";

/** The settings in CONTRACT.md; settingKeys() adds any newer ones from src/config.ts. */
const CONTRACT_KEYS = [
  "ADMIN_TOKEN",
  "TOKEN_SECRET",
  "PUBLIC_URL",
  "EMAIL_FROM",
  "EMAIL_PROVIDER",
  "RESEND_API_KEY",
  "RESEND_BASE_URL",
  "RESEND_WEBHOOK_SECRET",
  "TURNSTILE_SECRET_KEY",
  "TURNSTILE_VERIFY_URL",
];

/**
 * Every setting the worker reads: the contract's list plus the upper-case keys
 * of the settings schema in src/config.ts, so a new setting is forwarded
 * without editing this file.
 */
export function settingKeys(root = ROOT) {
  const keys = new Set(CONTRACT_KEYS);
  try {
    const src = readFileSync(path.join(root, "src/config.ts"), "utf8");
    for (const m of src.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)) keys.add(m[1]);
  } catch {
    // the contract's list is enough
  }
  return [...keys];
}

/** Settings `npm run dev` generates when `.dev.vars` lacks them. */
const GENERATED_KEYS = ["ADMIN_TOKEN", "TOKEN_SECRET"];

/** 32 random bytes, base64url (43 characters). */
export function randomSecret() {
  return randomBytes(32).toString("base64url");
}

/** Minimal dotenv reader: KEY=VALUE lines, optional quotes, `#` comments. */
export function parseDotenv(text) {
  const out = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n");
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[m[1]] = value;
  }
  return out;
}

export function readDotenvFile(path) {
  return existsSync(path) ? parseDotenv(readFileSync(path, "utf8")) : {};
}

/**
 * Appends random ADMIN_TOKEN / TOKEN_SECRET to `.dev.vars` when missing (creating
 * the file if needed); existing values are kept. Returns the file's settings and
 * the keys that were generated now.
 */
export function ensureDevVars(path) {
  const existed = existsSync(path);
  const before = existed ? readFileSync(path, "utf8") : "";
  const current = parseDotenv(before);
  const generated = GENERATED_KEYS.filter((k) => !current[k]);
  if (generated.length > 0) {
    let text = before;
    if (!existed) {
      text =
        "# Local settings for `wrangler dev` (not committed). Variables set in the\n" +
        "# environment of `npm run dev` win over these.\n";
    } else if (text && !text.endsWith("\n")) {
      text += "\n";
    }
    for (const k of generated) {
      current[k] = randomSecret();
      text += `${k}=${current[k]}\n`;
    }
    writeFileSync(path, text, { mode: 0o600 });
    if (existed) chmodSync(path, 0o600);
  }
  return { values: current, generated, created: !existed };
}

/**
 * The settings to pass to `wrangler dev` as `--var`: every known setting from
 * `fileVars` overridden by `env`. `.dev.vars` is forwarded too because wrangler
 * loads from it only keys declared in wrangler.toml ([vars] or [secrets]
 * required), so e.g. RESEND_API_KEY there would otherwise be dropped.
 */
export function settingsToForward({ env = process.env, fileVars = {}, defaults = {} } = {}) {
  const out = {};
  for (const k of settingKeys()) {
    const v = env[k] ?? fileVars[k] ?? defaults[k];
    if (v !== undefined && v !== "") out[k] = String(v);
  }
  return out;
}
