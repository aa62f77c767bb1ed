/**
 * Shared by the signup, confirm and landing tests: open campaigns, requests
 * through the real worker with D1 guarded (limits) and round trips counted,
 * optional env overrides (Turnstile settings, a refusing rate limiter), and
 * readers for what landed in D1.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { type CampaignBody, newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { BASE, ok } from "../helpers/client";
import { type D1Usage, guardD1 } from "../helpers/d1-guard";

/** A published (waitlist) campaign with the fixture's text question `why`. */
export async function openCampaign(extra: Partial<CampaignBody> = {}) {
  const c = await newCampaign(extra);
  await ok(patchCampaign(c.id, { status: "waitlist" }));
  return c;
}

let seq = 0;
/** A fresh client IP per request (documentation range), so per-IP bursts never interfere. */
export const nextIp = () => `2001:db8::${(++seq).toString(16)}`;
export const uniqueEmail = (tag = "person") =>
  `${tag}.${Date.now().toString(36)}${++seq}@example.com`;

/** Env for one request: bindings, plus settings Env does not declare (Turnstile). */
export type EnvOverrides = Partial<Env> &
  Partial<Record<"TURNSTILE_SECRET_KEY" | "TURNSTILE_VERIFY_URL", string>>;

export interface Sent {
  res: Response;
  usage: D1Usage;
  /** D1 round trips: batches plus statements run on their own. */
  roundTrips: number;
}

/** Counts D1 round trips over a (guarded) binding. */
function countTrips(d1: D1Database): { db: D1Database; trips: () => number } {
  let n = 0;
  const wrap = (s: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === "bind") return (...v: unknown[]) => wrap(target.bind(...v));
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...a: unknown[]) => {
            n += 1;
            return (Reflect.get(target, prop, target) as (...x: unknown[]) => unknown)(...a);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const db = new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (q: string) => wrap(target.prepare(q));
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          n += 1;
          return target.batch(stmts);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, trips: () => n };
}

/**
 * Messages the worker sent to EMAIL_QUEUE (outbox kicks). A stand-in queue
 * keeps these tests about what is written: delivery is tested in test/email,
 * and a real (possibly delayed) kick would start a drain after the file ends.
 */
export const kicks: unknown[] = [];
const emailQueue = {
  send: async (message: unknown) => {
    kicks.push(message);
  },
  sendBatch: async () => {},
} as unknown as Queue;

/** One request through the worker entry, like `call`, with env overrides. */
export async function send(
  path: string,
  init: RequestInit = {},
  overrides: EnvOverrides = {},
): Promise<Sent> {
  const { db: guarded, usage } = guardD1(env.DB);
  const { db, trips } = countTrips(guarded);
  const ctx = createExecutionContext();
  const req = new Request(new URL(path, BASE), { redirect: "manual", ...init });
  const res = await worker.fetch(
    req,
    { ...env, EMAIL_QUEUE: emailQueue, ...overrides, DB: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { res, usage, roundTrips: trips() };
}

type Headers_ = Record<string, string>;

/** POST a JSON signup from a fresh IP. */
export function signup(
  slug: string,
  body: unknown,
  headers: Headers_ = {},
  overrides: EnvOverrides = {},
) {
  return send(
    `/v1/campaigns/${slug}/signups`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": nextIp(), ...headers },
      body: JSON.stringify(body),
    },
    overrides,
  );
}

/** POST an HTML form (url-encoded, as a browser does) from a fresh IP. */
export function signupForm(
  slug: string,
  fields: [string, string][],
  headers: Headers_ = {},
  overrides: EnvOverrides = {},
) {
  return send(
    `/v1/campaigns/${slug}/signups`,
    {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "CF-Connecting-IP": nextIp(),
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    },
    overrides,
  );
}

export const validBody = (extra: Record<string, unknown> = {}) => ({
  email: uniqueEmail(),
  consent: true,
  ...extra,
});

/** Status, body and headers (but the per-request id), for "the same reply" checks. */
export async function replyShape(res: Response) {
  const headers = [...res.headers.entries()]
    .filter(([k]) => k !== "x-request-id")
    .sort(([a], [b]) => a.localeCompare(b));
  return { status: res.status, body: await res.text(), headers };
}

export interface SignupRow {
  id: string;
  email: string | null;
  email_normalized: string | null;
  name: string | null;
  locale: string;
  status: string;
  review: string;
  review_reason: string | null;
  audience: string;
  referral_code: string;
  referred_by_signup_id: string | null;
  referral_credited_at: number | null;
  verified_referrals: number;
  score: number;
  answers: string;
  consent_at: number;
  consent_form_version: string | null;
  consent_locale: string | null;
  consent_source: string;
  ip_hmac: string | null;
  utm_source: string | null;
  utm_campaign: string | null;
  referrer: string | null;
  landing_url: string | null;
  country: string | null;
  created_at: number;
  last_status_email_at: number | null;
  token_version: number;
}

export async function signupRows(campaignId: string): Promise<SignupRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM signups WHERE campaign_id = ? ORDER BY created_at, rowid",
  )
    .bind(campaignId)
    .all<SignupRow>();
  return results;
}

export async function signupByEmail(campaignId: string, email: string) {
  return env.DB.prepare("SELECT * FROM signups WHERE campaign_id = ? AND email_normalized = ?")
    .bind(campaignId, email.toLowerCase())
    .first<SignupRow>();
}

export interface OutboxRow {
  id: string;
  template: string;
  category: string;
  to_email: string;
  locale: string;
  payload: string;
  signup_id: string | null;
  dedupe_key: string | null;
}

export async function outboxRows(campaignId: string): Promise<OutboxRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT id, template, category, to_email, locale, payload, signup_id, dedupe_key FROM outbox_emails WHERE campaign_id = ? ORDER BY created_at, rowid",
  )
    .bind(campaignId)
    .all<OutboxRow>();
  return results;
}
