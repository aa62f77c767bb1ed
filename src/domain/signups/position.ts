/**
 * A signup's place in line, per DOMAIN.md "Signup" (Position): rank among the
 * campaign's rank-eligible signups (confirmed, ok, inside the audience, not
 * yet invited, not erased) by score = created_at − boost × verified
 * referrals; ties go to the earlier signup, then the smaller id.
 *
 * position = 1 + the number of eligible rows ahead. The count walks only the
 * `signups_rank_idx` range (campaign_id, rank_eligible = 1, score ≤ mine), so
 * a lookup never sorts the list; test/domain/position.test.ts checks the
 * plan on 100k rows.
 * @see ../../../../shared/DOMAIN.md "Signup"
 * @see ../../db/schema/signups.ts signups_rank_idx
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** The sort key of one signup; lower is further ahead. */
export interface RankKey {
  campaignId: string;
  score: number;
  createdAt: number;
  id: string;
}

/** Anything shaped like the signups table (the table or an alias of it). */
type SignupsLike = Record<"campaignId" | "score" | "createdAt" | "id", SQLiteColumn>;

/**
 * `(score, created_at, id) < key` for the row alias `ahead`, plus the redundant
 * `score <= key.score` that gives SQLite a range on the index (an OR alone
 * would make it read every eligible row of the campaign).
 */
function aheadCondition(key: {
  campaignId: SQL | string;
  score: SQL | number;
  createdAt: SQL | number;
  id: SQL | string;
}): SQL {
  return sql`ahead.campaign_id = ${key.campaignId} AND ahead.rank_eligible = 1
    AND ahead.score <= ${key.score}
    AND (ahead.score < ${key.score}
      OR (ahead.score = ${key.score}
        AND (ahead.created_at < ${key.createdAt}
          OR (ahead.created_at = ${key.createdAt} AND ahead.id < ${key.id}))))`;
}

/**
 * A scalar subquery for a select over `me` (the signups table or an alias):
 * how many eligible signups of the same campaign are ahead of that row. Lets
 * the status read fetch the row and its place in one statement.
 */
export function rowsAheadOf(me: SignupsLike): SQL<number> {
  const col = (c: SQLiteColumn) => sql`${c}`;
  return sql<number>`(SELECT count(*) FROM signups AS ahead WHERE ${aheadCondition({
    campaignId: col(me.campaignId),
    score: col(me.score),
    createdAt: col(me.createdAt),
    id: col(me.id),
  })})`;
}

/** The same count for a known key, as a standalone statement (tests, admin tools). */
export function rowsAheadQuery(key: RankKey): SQL {
  return sql`SELECT count(*) AS ahead FROM signups AS ahead WHERE ${aheadCondition(key)}`;
}

/** Position from the count ahead, or null when the signup is not in line. */
export function positionFrom(
  rankEligible: boolean,
  ahead: number,
): {
  position: number | null;
  peopleAhead: number | null;
} {
  if (!rankEligible) return { position: null, peopleAhead: null };
  return { position: ahead + 1, peopleAhead: ahead };
}
