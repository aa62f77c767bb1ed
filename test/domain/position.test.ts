/**
 * Position at scale: 100k signups in one campaign, seeded in one
 * INSERT … SELECT over a recursive CTE. The status read must count the rows
 * ahead on the signups_rank_idx range (no scan of the campaign, no sort), and
 * agree with a full ranking by (score, created_at, id).
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { campaigns } from "../../src/db/schema";
import { rowsAheadQuery } from "../../src/domain/signups/position";
import { statusReads } from "../../src/domain/signups/status";

const db = createDb(env.DB);
const N = 100_000;
const T0 = 1_700_000_000_000;
let campaignId: string;

/**
 * Every 10th pending, every 17th flagged, every 23rd outside the audience,
 * every 29th invited: all out of line. Four rows share each created_at and
 * the score takes 5 s per referral, so equal scores occur both with equal
 * created_at (e.g. n = 4 and 7: tie broken by id) and with different
 * created_at (n = 9 and 28: tie broken by the earlier signup).
 */
const SEED = `
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${N})
INSERT INTO signups (id, campaign_id, email, email_normalized, status, confirmed_at, review,
  audience, invited_at, referral_code, verified_referrals, score, consent_at, created_at, updated_at)
SELECT printf('sgn_bulk%06d', n), ?1, 'p' || n || '@ex.com', 'p' || n || '@ex.com',
  CASE WHEN n % 10 = 0 THEN 'pending' ELSE 'confirmed' END,
  CASE WHEN n % 10 = 0 THEN NULL ELSE ${T0} END,
  CASE WHEN n % 17 = 0 THEN 'flagged' ELSE 'ok' END,
  CASE WHEN n % 23 = 0 THEN 'outside_audience' ELSE 'inside' END,
  CASE WHEN n % 29 = 0 THEN ${T0} END,
  printf('B%07d', n), n % 3,
  ${T0} + (n / 4) * 1000 - (n % 3) * 5000, ${T0}, ${T0} + (n / 4) * 1000, ${T0}
FROM seq`;

beforeAll(async () => {
  const [c] = await db
    .insert(campaigns)
    .values({ slug: `bulk-${Date.now()}`, name: "Bulk", currency: "USD", status: "waitlist" })
    .returning();
  campaignId = c!.id;
  const res = await env.DB.prepare(SEED).bind(campaignId).run();
  expect(res.meta.changes).toBe(N);
}, 120_000);

/** Runs a drizzle query's SQL directly on D1 (the plan and meta.rows_read are what we check). */
function prepared(q: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql, params } = q.toSQL();
  return { sql, stmt: env.DB.prepare(sql).bind(...params) };
}

async function plan(sql: string, params: unknown[]) {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

/** The reference answer: a full window-function ranking of the eligible rows. */
async function fullRanking(): Promise<Map<string, number>> {
  const { results } = await env.DB.prepare(
    `SELECT id, row_number() OVER (ORDER BY score, created_at, id) AS pos
     FROM signups WHERE campaign_id = ? AND rank_eligible = 1`,
  )
    .bind(campaignId)
    .all<{ id: string; pos: number }>();
  return new Map(results.map((r) => [r.id, r.pos]));
}

describe("position over 100k signups", () => {
  it("the status read counts rows ahead on signups_rank_idx, without a scan or a sort", async () => {
    const { sql, params } = statusReads(db, "sgn_bulk050001")[0].toSQL();
    const details = await plan(sql, params);
    const ahead = details.filter((d) => / ahead /.test(` ${d} `));
    expect(ahead.join("\n")).toMatch(
      /SEARCH ahead USING (COVERING )?INDEX signups_rank_idx \(campaign_id=\? AND rank_eligible=\? AND score<\?\)/,
    );
    expect(details.join("\n")).not.toMatch(/\bSCAN\b|TEMP B-TREE/);
    // The invite codes of the same batch: two index lookups, no scan either.
    const codes = statusReads(db, "sgn_bulk050001")[1].toSQL();
    expect((await plan(codes.sql, codes.params)).join("\n")).not.toMatch(/\bSCAN\b/);
    // The signup itself is found by its primary key.
    expect(details.join("\n")).toMatch(
      /SEARCH me USING INDEX sqlite_autoindex_signups_1 \(id=\?\)/,
    );
  });

  it("the standalone count uses the same index range", async () => {
    const query = rowsAheadQuery({ campaignId, score: T0, createdAt: T0, id: "sgn_x" });
    const { sql, params } = db.run(query).getQuery();
    const details = (await plan(sql, params)).join("\n");
    expect(details).toMatch(
      /USING (COVERING )?INDEX signups_rank_idx \(campaign_id=\? AND rank_eligible=\? AND score<\?\)/,
    );
    expect(details).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it("agrees with a full ranking, ties included", async () => {
    const ranking = await fullRanking();
    expect(ranking.size).toBeGreaterThan(70_000);
    const positionOf = async (n: number) => {
      const id = `sgn_bulk${String(n).padStart(6, "0")}`;
      const [rows] = await db.batch([statusReads(db, id)[0]]);
      return Number(rows[0]!.ahead) + 1;
    };
    for (const n of [1, 2, 3, 4, 7, 9, 28, 50_001, 77_777, 99_999]) {
      expect(await positionOf(n), `n = ${n}`).toBe(
        ranking.get(`sgn_bulk${String(n).padStart(6, "0")}`),
      );
    }
    // Same score and created_at: the smaller id first. Same score, earlier signup first.
    expect(await positionOf(4)).toBeLessThan(await positionOf(7));
    expect(await positionOf(9)).toBeLessThan(await positionOf(28));
    // Not in line: pending (n % 10), flagged (n % 17), outside (n % 23), invited (n % 29).
    for (const id of ["sgn_bulk000010", "sgn_bulk000017", "sgn_bulk000023", "sgn_bulk000029"]) {
      expect(ranking.has(id), id).toBe(false);
    }
  });

  it("reads only the rows ahead: near the front of the line is cheap", async () => {
    const ranking = await fullRanking();
    const [front] = [...ranking.entries()].sort((a, b) => a[1] - b[1])[10]!;
    const { stmt } = prepared(statusReads(db, front)[0]);
    const res = await stmt.all();
    expect(res.results).toHaveLength(1);
    // A scan would read the whole campaign (100k); the range reads ~10 index entries.
    expect(res.meta.rows_read).toBeLessThan(100);
  });
});
