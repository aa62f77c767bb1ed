/**
 * Signups and orders written straight into D1 for admin list / export / stats
 * tests, so those tests need not go through the public signup flow.
 */
import { env } from "cloudflare:test";

export interface SeedSignup {
  email?: string;
  name?: string | null;
  status?: "pending" | "confirmed";
  review?: "ok" | "flagged" | "rejected";
  reviewReason?: string | null;
  audience?: "inside" | "outside_audience";
  locale?: "en" | "uz";
  invited?: boolean;
  unsubscribed?: boolean;
  erased?: boolean;
  answers?: Record<string, unknown>;
  utmSource?: string | null;
  referrer?: string | null;
  referredBy?: string | null;
  country?: string | null;
  createdAt?: number;
  /** A pre-order of this signup with this status (live ones make a customer). */
  order?: "confirmed" | "reserved" | "cancelled";
}

let n = 0;
const rid = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${(++n).toString(36).padStart(6, "0")}${Math.random().toString(36).slice(2, 10)}`;

/** Inserts the rows (one statement each for signups and orders); returns their ids in order. */
export async function seedSignups(campaignId: string, rows: SeedSignup[]): Promise<string[]> {
  const base = Date.UTC(2025, 0, 1);
  const data = rows.map((r, i) => {
    const email = r.email ?? `person${i}-${rid("e")}@example.com`;
    const created = r.createdAt ?? base + i * 1000;
    const confirmed = (r.status ?? "pending") === "confirmed";
    return {
      id: rid("sgn"),
      email: r.erased ? null : email,
      email_normalized: r.erased ? null : email.toLowerCase(),
      name: r.erased ? null : (r.name ?? null),
      locale: r.locale ?? "en",
      status: r.status ?? "pending",
      confirmed_at: confirmed ? created + 10 : null,
      review: r.review ?? "ok",
      review_reason: r.reviewReason ?? null,
      audience: r.audience ?? "inside",
      unsubscribed_at: r.unsubscribed ? created + 20 : null,
      erased_at: r.erased ? created + 30 : null,
      referral_code: rid("R"),
      referred_by: r.referredBy ?? null,
      invited_at: r.invited ? created + 40 : null,
      answers: JSON.stringify(r.erased ? {} : (r.answers ?? {})),
      utm_source: r.utmSource ?? null,
      referrer: r.referrer ?? null,
      country: r.erased ? null : (r.country ?? null),
      created_at: created,
      order: r.order ?? null,
      email_for_order: email.toLowerCase(),
    };
  });
  await env.DB.prepare(
    `INSERT INTO signups (id, campaign_id, email, email_normalized, name, locale, status,
       confirmed_at, review, review_reason, audience, unsubscribed_at, erased_at, referral_code,
       referred_by_signup_id, score, invited_at, answers, consent_at, utm_source, referrer, country,
       created_at, updated_at)
     SELECT j.value ->> 'id', ?1, j.value ->> 'email', j.value ->> 'email_normalized',
       j.value ->> 'name', j.value ->> 'locale', j.value ->> 'status', j.value ->> 'confirmed_at',
       j.value ->> 'review', j.value ->> 'review_reason', j.value ->> 'audience',
       j.value ->> 'unsubscribed_at', j.value ->> 'erased_at', j.value ->> 'referral_code',
       j.value ->> 'referred_by', j.value ->> 'created_at', j.value ->> 'invited_at',
       j.value ->> 'answers', j.value ->> 'created_at', j.value ->> 'utm_source',
       j.value ->> 'referrer', j.value ->> 'country', j.value ->> 'created_at',
       j.value ->> 'created_at'
     FROM json_each(?2) AS j`,
  )
    .bind(campaignId, JSON.stringify(data))
    .run();
  const orders = data.filter((d) => d.order);
  if (orders.length) {
    await env.DB.prepare(
      `INSERT INTO preorders (id, campaign_id, signup_id, email, email_normalized, status, total,
         currency, cancelled_at, cancelled_by, created_at, updated_at)
       SELECT 'ord_' || (j.value ->> 'id'), ?1, j.value ->> 'id', j.value ->> 'email_for_order',
         j.value ->> 'email_for_order', j.value ->> 'order', 4900, 'USD',
         CASE WHEN j.value ->> 'order' = 'cancelled' THEN 1 END,
         CASE WHEN j.value ->> 'order' = 'cancelled' THEN 'admin' END, 1, 1
       FROM json_each(?2) AS j`,
    )
      .bind(campaignId, JSON.stringify(orders))
      .run();
  }
  return data.map((d) => d.id);
}

/** Many plain pending signups, generated inside SQLite (fast for tens of thousands). */
export async function seedMany(campaignId: string, count: number, startAt = Date.UTC(2025, 0, 1)) {
  const tag = rid("m");
  await env.DB.prepare(
    `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < ?2)
     INSERT INTO signups (id, campaign_id, email, email_normalized, referral_code, score,
       consent_at, created_at, updated_at)
     SELECT 'sgn_' || ?3 || '_' || i, ?1, 'p' || i || '.' || ?3 || '@example.com',
       'p' || i || '.' || ?3 || '@example.com', ?3 || '_' || i, ?4 + i, ?4 + i, ?4 + i, ?4 + i
     FROM k`,
  )
    .bind(campaignId, count, tag, startAt)
    .run();
}
