/**
 * The funnel report of one campaign: contact → lead → prospect → customer,
 * by day and by source, plus answer tallies per question. Five aggregate
 * queries in one batch (GROUP BY in SQLite, never a row per signup in the
 * Worker), so the cost is flat in requests whatever the list size.
 *
 * Funnel counts are "reached at least": a customer counts as a lead and a
 * prospect too, so each rate is the share of the previous stage that went
 * on. Erased people stay in the counts (DOMAIN.md "Erasure": counts and funnel
 * history stay); their answers are gone, so tallies only cover the others.
 * Days are UTC calendar days of the signup.
 * @see ../../../shared/DOMAIN.md "Funnel report"
 */
import { asc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { campaigns, questions } from "../db/schema";
import type { LocalizedText, QuestionOption } from "../db/schema/types";
import { notFound } from "../lib/errors";
import { stageSql } from "./signups/admin-list";

export interface StatsRange {
  /** Signups created at or after (UTC ms). */
  from?: number | undefined;
  /** Signups created before (UTC ms). */
  to?: number | undefined;
}

/** Raw SQL reads for a batch (drizzle 0.45's raw queries lack the prepared statement D1 batches bind). */
function rows<T>(db: Db, query: SQL) {
  const raw = db.all<T>(query);
  return Object.assign(raw, { stmt: db.$client.prepare(raw.getQuery().sql) });
}

/** Per-signup facts the day and source reports group on: the derived stage as a rank 0…3. */
function base(campaignId: string, range: StatsRange) {
  return sql`SELECT created_at, referred_by_signup_id, utm_source, lower(trim(referrer)) AS r,
      review, audience, unsubscribed_at, erased_at,
      CASE (${stageSql}) WHEN 'customer' THEN 3 WHEN 'prospect' THEN 2 WHEN 'lead' THEN 1 ELSE 0 END AS rank
    FROM signups
    WHERE campaign_id = ${campaignId}
      ${range.from !== undefined ? sql`AND created_at >= ${range.from}` : sql``}
      ${range.to !== undefined ? sql`AND created_at < ${range.to}` : sql``}`;
}

const FUNNEL = sql`count(*) AS contact, sum(rank >= 1) AS lead, sum(rank >= 2) AS prospect,
  sum(rank >= 3) AS customer`;

/** The same WHERE for the answer tallies, on signups aliased `s`. */
function answersWhere(campaignId: string, range: StatsRange) {
  return sql`s.campaign_id = ${campaignId}
    ${range.from !== undefined ? sql`AND s.created_at >= ${range.from}` : sql``}
    ${range.to !== undefined ? sql`AND s.created_at < ${range.to}` : sql``}`;
}

interface FunnelRow {
  contact: number;
  lead: number | null;
  prospect: number | null;
  customer: number | null;
}
type DayRow = FunnelRow & {
  day: string;
  flagged: number | null;
  rejected: number | null;
  outside_audience: number | null;
  unsubscribed: number | null;
  erased: number | null;
};
type SourceRow = FunnelRow & { kind: "referral" | "utm" | "referrer" | "direct"; value: string };

/** Share of `of` that reached `n`, 4 decimals; null when nobody was there to convert. */
const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : null);

function funnel(r: FunnelRow) {
  return {
    contact: r.contact,
    lead: r.lead ?? 0,
    prospect: r.prospect ?? 0,
    customer: r.customer ?? 0,
  };
}
type Funnel = ReturnType<typeof funnel>;

const conversion = (f: Funnel) => ({
  contact_to_lead: rate(f.lead, f.contact),
  lead_to_prospect: rate(f.prospect, f.lead),
  prospect_to_customer: rate(f.customer, f.prospect),
  contact_to_customer: rate(f.customer, f.contact),
});

export async function campaignStats(db: Db, campaignId: string, range: StatsRange) {
  const where = answersWhere(campaignId, range);
  const [campaign, qs, days, sources, tallies, answered] = await db.batch([
    db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, campaignId)).limit(1),
    db
      .select({
        key: questions.key,
        type: questions.type,
        label: questions.label,
        options: questions.options,
      })
      .from(questions)
      .where(eq(questions.campaignId, campaignId))
      .orderBy(asc(questions.sortOrder), asc(questions.key)),
    rows<DayRow>(
      db,
      sql`WITH b AS (${base(campaignId, range)})
        SELECT date(created_at / 1000, 'unixepoch') AS day, ${FUNNEL},
          sum(review = 'flagged') AS flagged, sum(review = 'rejected') AS rejected,
          sum(audience = 'outside_audience') AS outside_audience,
          sum(unsubscribed_at IS NOT NULL) AS unsubscribed, sum(erased_at IS NOT NULL) AS erased
        FROM b GROUP BY day ORDER BY day`,
    ),
    rows<SourceRow>(
      db,
      // Source: a referral first, then utm_source, then the referrer's host
      // (what sits between "://" and the first of / ? # :, each turned into "/"
      // so one cut finds it, without "www."), else direct.
      sql`WITH b AS (${base(campaignId, range)}),
        k AS (SELECT rank,
            CASE WHEN referred_by_signup_id IS NOT NULL THEN 'referral'
              WHEN trim(coalesce(utm_source, '')) <> '' THEN 'utm'
              WHEN coalesce(r, '') <> '' THEN 'referrer'
              ELSE 'direct' END AS kind,
            lower(trim(utm_source)) AS utm,
            replace(replace(replace(
              CASE WHEN instr(r, '://') > 0 THEN substr(r, instr(r, '://') + 3) ELSE r END,
              '?', '/'), '#', '/'), ':', '/') AS x
          FROM b),
        h AS (SELECT rank, kind, utm,
            CASE WHEN instr(x, '/') > 0 THEN substr(x, 1, instr(x, '/') - 1) ELSE x END AS host
          FROM k)
        SELECT kind,
          CASE kind WHEN 'utm' THEN utm
            WHEN 'referrer' THEN CASE WHEN host LIKE 'www.%' THEN substr(host, 5) ELSE host END
            ELSE kind END AS value,
          ${FUNNEL}
        FROM h GROUP BY kind, value ORDER BY contact DESC, kind, value LIMIT 100`,
    ),
    // Choice and checkbox answers by value: json_each at the key's path walks
    // a multi-choice array and yields a scalar answer as one row.
    rows<{ key: string; value: string; n: number }>(
      db,
      sql`SELECT q.key AS key,
          CASE WHEN a.type IN ('true', 'false') THEN a.type ELSE CAST(a.value AS TEXT) END AS value,
          count(*) AS n
        FROM signups s JOIN questions q ON q.campaign_id = s.campaign_id,
          json_each(s.answers, '$.' || q.key) AS a
        WHERE ${where} AND q.type <> 'text' AND a.type NOT IN ('array', 'object', 'null')
        GROUP BY q.key, value`,
    ),
    rows<{ key: string; n: number }>(
      db,
      sql`SELECT q.key AS key, count(*) AS n
        FROM signups s JOIN questions q ON q.campaign_id = s.campaign_id
        WHERE ${where} AND json_type(s.answers, '$.' || q.key) IS NOT NULL
          AND coalesce(json_extract(s.answers, '$.' || q.key), '') NOT IN ('', '[]')
        GROUP BY q.key`,
    ),
  ]);
  if (!campaign[0]) throw notFound("Campaign");

  const totals = { contact: 0, lead: 0, prospect: 0, customer: 0 };
  const other = { flagged: 0, rejected: 0, outside_audience: 0, unsubscribed: 0, erased: 0 };
  const byDay = days.map((d) => {
    const f = funnel(d);
    for (const k of Object.keys(totals) as (keyof Funnel)[]) totals[k] += f[k];
    for (const k of Object.keys(other) as (keyof typeof other)[]) other[k] += d[k] ?? 0;
    return { day: d.day, ...f };
  });

  const counts = new Map<string, Map<string, number>>();
  for (const t of tallies) {
    const m = counts.get(t.key) ?? new Map<string, number>();
    m.set(t.value, t.n);
    counts.set(t.key, m);
  }
  const answeredBy = new Map(answered.map((a) => [a.key, a.n]));

  return {
    campaign_id: campaignId,
    funnel: totals,
    conversion: conversion(totals),
    other,
    by_day: byDay,
    by_source: sources.map((s) => {
      const f = funnel(s);
      return { source: s.kind, value: s.value, ...f, conversion: conversion(f) };
    }),
    answers: qs.map((q) => answerTally(q, answeredBy.get(q.key) ?? 0, counts.get(q.key))),
  };
}

function answerTally(
  q: { key: string; type: string; label: LocalizedText; options: QuestionOption[] | null },
  answered: number,
  counts: Map<string, number> | undefined,
) {
  const seen = new Map(counts ?? []);
  let choices: { value: string; label: string | null; count: number }[] | null = null;
  if (q.type === "checkbox") {
    choices = ["true", "false"].map((v) => ({ value: v, label: null, count: seen.get(v) ?? 0 }));
  } else if (q.type !== "text") {
    choices = (q.options ?? []).map((o) => {
      const count = seen.get(o.value) ?? 0;
      seen.delete(o.value);
      return { value: o.value, label: o.label.en, count };
    });
    // Values no longer among the options (an option removed later) still show.
    for (const [value, count] of seen) choices.push({ value, label: null, count });
  }
  return { key: q.key, type: q.type, label: q.label.en, answered, choices };
}
