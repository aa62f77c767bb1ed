/** Shared fixtures for the outbox tests: seeds, a fake clock, guarded drains, the fake Resend. */
import { env } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { inject } from "vitest";
import { loadSettings, type Settings } from "../../src/config";
import { createDb, type Db } from "../../src/db/client";
import { campaigns, outboxEmails } from "../../src/db/schema";
import { newId } from "../../src/db/schema/columns";
import type { Branding } from "../../src/db/schema/types";
import { type DrainOptions, type DrainResult, drainOutbox } from "../../src/email/drain";
import type { Clock } from "../../src/email/pacing";
import { Pacer } from "../../src/email/pacing";
import { D1_MAX_PARAMS, D1_MAX_QUERIES, guardD1 } from "../helpers/d1-guard";

export const db = createDb(env.DB);
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

/** Time that moves only when told to; `sleep` advances it at once. */
export class FakeClock implements Clock {
  constructor(public t = T0) {}
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += Math.max(0, ms);
  };
}

export async function seedCampaign(
  branding: Branding = { senderName: "Aurora Studio", replyTo: "hello@aurora.example" },
): Promise<{ id: string; slug: string }> {
  const id = newId("cmp");
  const slug = `c-${id.slice(4, 14)}`;
  await db.insert(campaigns).values({ id, slug, name: "Aurora Lamp", currency: "USD", branding });
  return { id, slug };
}

export interface SeededSignup {
  id: string;
  email: string;
}

/** `n` confirmed signups in one statement per 500 (json_each), like a real bulk write. */
export async function seedSignups(
  campaignId: string,
  n: number,
  opts: { unsubscribed?: boolean; domain?: string } = {},
): Promise<SeededSignup[]> {
  const rows = Array.from({ length: n }, (_, i) => {
    const id = newId("sgn");
    return {
      id,
      email: `p${i}.${id.slice(-6)}@${opts.domain ?? "example.com"}`,
      ref: id.slice(-8),
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = JSON.stringify(rows.slice(i, i + 500));
    await db.run(sql`
      INSERT INTO signups (id, campaign_id, email, email_normalized, name, status, confirmed_at,
        referral_code, score, consent_at, unsubscribed_at, created_at, updated_at)
      SELECT j.value ->> 'id', ${campaignId}, j.value ->> 'email', lower(j.value ->> 'email'),
        'Aziza', 'confirmed', ${T0}, j.value ->> 'ref', ${T0}, ${T0},
        ${opts.unsubscribed ? T0 : null}, ${T0}, ${T0}
      FROM json_each(${chunk}) AS j`);
  }
  return rows.map(({ id, email }) => ({ id, email }));
}

export async function outboxRow(id: string) {
  const [row] = await db.select().from(outboxEmails).where(eq(outboxEmails.id, id));
  return row;
}

export async function statusCounts(ids?: string[]): Promise<Record<string, number>> {
  const rows = await db.all<{ status: string; n: number }>(
    ids
      ? sql`SELECT status, count(*) AS n FROM outbox_emails WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) GROUP BY status`
      : sql`SELECT status, count(*) AS n FROM outbox_emails GROUP BY status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Settings for a run against the fake Resend under its own API key (its own tenant there). */
export function resendSettings(apiKey: string, overrides: Partial<Settings> = {}): Settings {
  return {
    ...loadSettings(env),
    EMAIL_PROVIDER: "resend",
    RESEND_API_KEY: apiKey,
    RESEND_BASE_URL: inject("fakeResendUrl"),
    ...overrides,
  };
}

/** One drain as one invocation would run it: D1 wrapped by the limits guard, no follow-up messages. */
export async function guardedDrain(
  options: DrainOptions,
): Promise<DrainResult & { queries: number }> {
  const { db: guarded, usage } = guardD1(env.DB);
  const result = await drainOutbox(createDb(guarded), env, { queue: null, ...options });
  if (usage.queries > D1_MAX_QUERIES || usage.maxParams > D1_MAX_PARAMS) {
    throw new Error(
      `drain broke the D1 limits: ${usage.queries} queries, ${usage.maxParams} params`,
    );
  }
  return { ...result, queries: usage.queries };
}

/**
 * Drains until nothing is queued or sending, jumping the fake clock to the
 * next due row whenever a drain finds nothing due (backoffs, retry-after).
 */
export async function drainAll(
  clock: FakeClock,
  options: DrainOptions,
  maxDrains = 500,
): Promise<{ drains: number; results: DrainResult[]; maxQueries: number }> {
  const results: DrainResult[] = [];
  let maxQueries = 0;
  const pacer = options.pacer ?? new Pacer(options.settings?.EMAIL_SEND_RATE ?? 2);
  for (let i = 0; i < maxDrains; i++) {
    const r = await guardedDrain({ clock, pacer, ...options });
    results.push(r);
    maxQueries = Math.max(maxQueries, r.queries);
    if (r.claimed === 0) {
      const [pending] = await db.all<{ next: number | null; n: number }>(
        sql`SELECT min(next_attempt_at) AS next, count(*) AS n FROM outbox_emails WHERE status IN ('queued', 'sending')`,
      );
      if (!pending || pending.n === 0) return { drains: i + 1, results, maxQueries };
      clock.t = Math.max(clock.t + 1, pending.next ?? clock.t + 1);
    }
  }
  throw new Error(`outbox not drained after ${maxDrains} drains`);
}

/** The fake Resend's control endpoints for one API key. */
export function fakeResend(apiKey: string) {
  const url = inject("fakeResendUrl");
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  return {
    url,
    async reset() {
      await fetch(`${url}/__reset`, { method: "POST", headers });
    },
    async faults(faults: Record<string, unknown>) {
      await fetch(`${url}/__faults`, { method: "POST", headers, body: JSON.stringify(faults) });
    },
    async deliveries(bodies = false): Promise<FakeDeliveries> {
      const res = await fetch(`${url}/__deliveries${bodies ? "?bodies=1" : ""}`, { headers });
      return (await res.json()) as FakeDeliveries;
    },
  };
}

export interface FakeDelivery {
  id: string;
  key: string | null;
  batch: boolean;
  from: string;
  to: string;
  subject: string;
  reply_to: string | null;
  headers: Record<string, string> | null;
  html?: string;
  text?: string;
}

export interface FakeDeliveries {
  deliveries: FakeDelivery[];
  byKey: Record<string, number>;
  requests: number;
  statuses: Record<string, number>;
}

export const uniqueKey = (label: string) => `re_${label}_${newId("job").slice(4, 16)}`;

export type { Db };
