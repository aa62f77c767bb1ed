import { z } from "zod";
import { setLogLevel } from "./lib/log";

/**
 * Settings come from wrangler vars and secrets. They are validated once per
 * isolate at the entry so a misconfigured deployment fails fast with a clear
 * message instead of half-working (e.g. emailing broken links).
 * @see ../shared/CONTRACT.md "Starting it"
 */
const optionalString = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());

export const settingsSchema = z
  .object({
    ADMIN_TOKEN: z.string().min(24, "ADMIN_TOKEN must be at least 24 characters (random)"),
    TOKEN_SECRET: z.string().min(32, "TOKEN_SECRET must be at least 32 characters (random)"),
    PUBLIC_URL: z
      .url("PUBLIC_URL must be an absolute URL such as https://presale.example.com")
      .transform((u) => u.replace(/\/+$/, "")),
    EMAIL_FROM: z.string().min(3, "EMAIL_FROM must be a sender such as Presale <hi@example.com>"),
    EMAIL_PROVIDER: z.enum(["log", "resend"]).default("log"),
    RESEND_API_KEY: optionalString,
    RESEND_BASE_URL: optionalUrl,
    RESEND_WEBHOOK_SECRET: optionalString,
    /** Provider calls per second for the outbox sender (Resend's default account limit is 2). */
    EMAIL_SEND_RATE: z.preprocess(
      (v) => (v === "" || v === undefined ? undefined : Number(v)),
      z.number().positive().max(1000).default(2),
    ),
    /**
     * Outbox rows one drain (one queue invocation) sends at most. Rendering costs
     * ~0.5 ms CPU per message: keep the default on Workers Paid; on Workers Free
     * (10 ms CPU per invocation) set it to about 10.
     */
    EMAIL_DRAIN_LIMIT: z.preprocess(
      (v) => (v === "" || v === undefined ? undefined : Number(v)),
      z.number().int().min(1).max(500).default(500),
    ),
    /** Optional mailbox for `List-Unsubscribe: <mailto:…>` next to the HTTPS one-click URL. */
    EMAIL_UNSUBSCRIBE_MAILTO: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .email("EMAIL_UNSUBSCRIBE_MAILTO must be an address such as unsubscribe@example.com")
        .optional(),
    ),
    /**
     * Least severe log line written: `debug` adds one line per request (route,
     * status, ms, request id); the platform's invocation logs record requests anyway.
     */
    LOG_LEVEL: z.preprocess(
      (v) => (v === "" ? undefined : typeof v === "string" ? v.toLowerCase() : v),
      z.enum(["debug", "info", "warn", "error"]).default("info"),
    ),
    TURNSTILE_SECRET_KEY: optionalString,
    TURNSTILE_VERIFY_URL: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.url().default("https://challenges.cloudflare.com/turnstile/v0/siteverify"),
    ),
  })
  .superRefine((s, ctx) => {
    if (s.EMAIL_PROVIDER === "resend" && !s.RESEND_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["RESEND_API_KEY"],
        message: "RESEND_API_KEY is required when EMAIL_PROVIDER=resend",
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  override name = "SettingsError";
}

// The env object is stable for the life of an isolate, so parse once per object.
const cache = new WeakMap<object, Settings>();

export function loadSettings(env: Env): Settings {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`,
    );
    throw new SettingsError(`Invalid Presale settings:\n${lines.join("\n")}`);
  }
  cache.set(env, parsed.data);
  setLogLevel(parsed.data.LOG_LEVEL);
  return parsed.data;
}
