/**
 * Shared by the wave, schedule, broadcast and milestone tests: open
 * campaigns, a line of confirmed people with known order, people who must
 * never be invited, API keys by role, and readers for what landed in D1.
 */
import { env } from "cloudflare:test";
import { admin, type CampaignBody, newCampaign, patchCampaign } from "../helpers/campaign-fixtures";
import { adminHeaders, json, ok } from "../helpers/client";
import { callWithQueues, FakeQueue } from "../helpers/queue-harness";
import { seedSignups } from "../helpers/signup-seed";

/** A campaign in `status` (default waitlist). */
export async function openCampaign(
  status: "waitlist" | "presale" = "waitlist",
  extra: Partial<CampaignBody> = {},
) {
  const c = await newCampaign(extra);
  await ok(patchCampaign(c.id, { status: "waitlist" }));
  if (status === "presale") await ok(patchCampaign(c.id, { status: "presale" }));
  return c;
}

let tag = 0;
/**
 * `n` confirmed, ok, inside signups in line: row i has score `start + i`,
 * so the line's order is i = 0, 1, … Generated inside SQLite (fast for
 * thousands). Returns their ids in line order.
 */
export async function seedLine(campaignId: string, n: number, start = Date.UTC(2025, 5, 1)) {
  const t = `l${++tag}${Date.now().toString(36)}`;
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?2)
     INSERT INTO signups (id, campaign_id, email, email_normalized, status, confirmed_at,
       referral_code, score, consent_at, created_at, updated_at)
     SELECT printf('sgn_%s_%06d', ?3, i), ?1, printf('p%d.%s@example.com', i, ?3),
       printf('p%d.%s@example.com', i, ?3), 'confirmed', ?4, printf('%s%06d', ?3, i),
       ?4 + i, ?4, ?4 + i, ?4 + i
     FROM k`,
  )
    .bind(campaignId, n, t, start)
    .run();
  return Array.from({ length: n }, (_, i) => `sgn_${t}_${String(i).padStart(6, "0")}`);
}

/**
 * People ahead of any seeded line (earlier scores) who must never be
 * invited: pending, flagged, rejected, outside the audience, unsubscribed,
 * globally suppressed, erased, already invited.
 */
export async function seedIneligible(campaignId: string): Promise<string[]> {
  const suppressed = `suppressed.${Date.now().toString(36)}${++tag}@example.com`;
  const ids = await seedSignups(campaignId, [
    { status: "pending" },
    { status: "confirmed", review: "flagged" },
    { status: "confirmed", review: "rejected" },
    { status: "confirmed", audience: "outside_audience" },
    { status: "confirmed", unsubscribed: true },
    { status: "confirmed", email: suppressed },
    { status: "confirmed", erased: true },
    { status: "confirmed", invited: true },
  ]);
  await env.DB.prepare(
    "INSERT INTO suppressions (id, email_normalized, reason, created_at) VALUES (?1, ?2, 'bounce', 1)",
  )
    .bind(`sup_${suppressed.slice(11, 30)}`, suppressed)
    .run();
  return ids;
}

/** A POST to an admin path with fake queues; returns the response, its body and the queues. */
export async function postWithQueues(
  path: string,
  body: unknown,
  headers: Record<string, string> = adminHeaders(),
) {
  const jobs = new FakeQueue();
  const email = new FakeQueue();
  const { res, usage } = await callWithQueues(path, json(body, headers), { jobs, email });
  return { res, body: (await res.json()) as Record<string, unknown>, jobs, email, usage };
}

/** An API key with `role`. */
export async function apiKey(role: "owner" | "editor" | "viewer") {
  const k = await ok(admin.v1.admin["api-keys"].$post({ json: { name: `t-${role}`, role } }), 201);
  return adminHeaders(k.key);
}

/** One-column reader: all values of `sql` bound to `args`. */
export async function column<T = string>(sql: string, ...args: unknown[]): Promise<T[]> {
  const rows = await env.DB.prepare(sql)
    .bind(...args)
    .raw<[T]>();
  return rows.map((r) => r[0]);
}

export async function scalar<T = number>(sql: string, ...args: unknown[]): Promise<T> {
  const [v] = await column<T>(sql, ...args);
  return v as T;
}
