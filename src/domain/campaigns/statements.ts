/**
 * Set-based statements for a campaign's child rows. Each takes its rows as one
 * JSON parameter read with json_each, so a statement binds a handful of
 * parameters however many variants or questions there are (D1: ≤ 100 bound
 * parameters per statement), and a PATCH is a fixed number of statements.
 */
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { campaigns, newId } from "../../db/schema";
import type { NewVariantInput, QuestionInput, VariantPatchInput } from "./schemas";
import { questionToStored } from "./wire";

export type Stmt = BatchItem<"sqlite">;
export type Stmts = [Stmt, ...Stmt[]];

/**
 * Raw SQL as a batch item. drizzle-orm 0.45's D1 batch binds parameters on
 * `prepared.stmt`, which its raw `db.run(sql)` query does not have ("Cannot
 * read properties of undefined (reading 'bind')" once the SQL has a
 * parameter); preparing the statement here makes raw SQL batchable.
 */
export function run(db: Db, query: SQL): Stmt {
  const raw = db.run(query);
  return Object.assign(raw, { stmt: db.$client.prepare(raw.getQuery().sql) });
}

export function insertVariants(
  db: Db,
  campaignId: string,
  items: NewVariantInput[],
  firstSort: number,
  now: number,
): Stmt {
  const rows = items.map((v, i) => ({
    id: newId("var"),
    name: v.name,
    description: v.description ?? null,
    price: v.price,
    stock: v.stock,
    per_customer_limit: v.per_customer_limit ?? null,
    sort_order: v.sort_order ?? firstSort + i,
  }));
  return run(
    db,
    sql`INSERT INTO variants (id, campaign_id, name, description, price, stock, remaining,
        per_customer_limit, sort_order, created_at, updated_at)
      SELECT j.value ->> 'id', ${campaignId}, j.value ->> 'name', j.value ->> 'description',
        j.value ->> 'price', j.value ->> 'stock', j.value ->> 'stock',
        j.value ->> 'per_customer_limit', j.value ->> 'sort_order', ${now}, ${now}
      FROM json_each(${JSON.stringify(rows)}) AS j`,
  );
}

/** `col = the given value if the key is present (even null), else unchanged`. */
const keep = (key: string, col: string) =>
  sql.raw(
    `${col} = CASE WHEN json_type(j.value, '$.${key}') IS NULL THEN variants.${col} ELSE j.value ->> '${key}' END`,
  );

/**
 * Updates listed variants of the campaign. Stock moves with `remaining` by
 * the same delta in the same statement (`remaining + (new − old stock)`), so
 * sold and held units stay accounted for without reading them first; lowering
 * stock below them makes remaining negative and the variant_remaining_range
 * CHECK aborts the whole batch.
 */
export function updateVariants(
  db: Db,
  campaignId: string,
  items: VariantPatchInput[],
  now: number,
) {
  const rows = items.map(({ remove: _r, ...v }) => v);
  return run(
    db,
    sql`UPDATE variants SET
        ${keep("name", "name")}, ${keep("description", "description")}, ${keep("price", "price")},
        ${keep("per_customer_limit", "per_customer_limit")}, ${keep("sort_order", "sort_order")},
        stock = coalesce(j.value ->> 'stock', variants.stock),
        remaining = variants.remaining + (coalesce(j.value ->> 'stock', variants.stock) - variants.stock),
        updated_at = ${now}
      FROM json_each(${JSON.stringify(rows)}) AS j
      WHERE variants.id = j.value ->> 'id' AND variants.campaign_id = ${campaignId}`,
  );
}

/**
 * Removes variants with nothing sold or held (`remaining = stock`): deleted
 * when no order ever pointed at them, archived (hidden from sale, kept for
 * the orders' sake) otherwise. A listed variant still live after that has
 * units sold or held: setting its remaining to −1 trips the CHECK and aborts
 * the batch, so a removal never half-happens, however orders race it.
 */
export function removeVariants(db: Db, campaignId: string, ids: string[], now: number): Stmt[] {
  const list = JSON.stringify(ids);
  const listed = sql`variants.campaign_id = ${campaignId} AND variants.id IN (SELECT value FROM json_each(${list}))`;
  return [
    run(
      db,
      sql`DELETE FROM variants WHERE ${listed} AND variants.remaining = variants.stock
        AND NOT EXISTS (SELECT 1 FROM preorder_items i WHERE i.variant_id = variants.id)`,
    ),
    run(
      db,
      sql`UPDATE variants SET archived_at = ${now}, updated_at = ${now}
        WHERE ${listed} AND variants.remaining = variants.stock AND variants.archived_at IS NULL`,
    ),
    run(
      db,
      sql`UPDATE variants SET remaining = -1 WHERE ${listed} AND variants.archived_at IS NULL`,
    ),
  ];
}

export function insertQuestions(db: Db, campaignId: string, items: QuestionInput[], now: number) {
  return run(db, questionsInsertSql(campaignId, items, now, false));
}

/**
 * Replaces the question list, matching by key: a kept key keeps its id (and
 * its answers keep meaning), new keys are added, missing keys are deleted.
 */
export function replaceQuestions(
  db: Db,
  campaignId: string,
  items: QuestionInput[],
  now: number,
): Stmt[] {
  const keys = JSON.stringify(items.map((q) => q.key));
  const stmts: Stmt[] = [
    run(
      db,
      sql`DELETE FROM questions WHERE campaign_id = ${campaignId}
        AND key NOT IN (SELECT value FROM json_each(${keys}))`,
    ),
  ];
  if (items.length) stmts.push(run(db, questionsInsertSql(campaignId, items, now, true)));
  return stmts;
}

function questionsInsertSql(
  campaignId: string,
  items: QuestionInput[],
  now: number,
  upsert: boolean,
) {
  const rows = items.map((q, i) => ({ id: newId("qst"), ...questionToStored(q, i) }));
  // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
  return sql`INSERT INTO questions (id, campaign_id, key, label, help, type, required, options,
      max_length, sort_order, created_at, updated_at)
    SELECT j.value ->> 'id', ${campaignId}, j.value ->> 'key', j.value ->> 'label',
      j.value ->> 'help', j.value ->> 'type', j.value ->> 'required', j.value ->> 'options',
      j.value ->> 'max_length', j.value ->> 'sort_order', ${now}, ${now}
    FROM json_each(${JSON.stringify(rows)}) AS j WHERE true
    ${
      upsert
        ? sql`ON CONFLICT (campaign_id, key) DO UPDATE SET label = excluded.label,
            help = excluded.help, type = excluded.type, required = excluded.required,
            options = excluded.options, max_length = excluded.max_length,
            sort_order = excluded.sort_order, updated_at = excluded.updated_at`
        : sql``
    }`;
}

/**
 * First statement of a batch that must apply only to the campaign as it was
 * read: if the campaign no longer matches `expect` (another PATCH, the cron,
 * a publish raced us), it writes an impossible currency and the
 * campaign_currency_format CHECK aborts the whole batch. D1 runs a batch as
 * one serialized transaction, so nothing can slip in between this and the
 * rest. Currency is always validated by the API, so that CHECK firing means
 * exactly this.
 */
export const STALE_GUARD_CHECK = "campaign_currency_format";
export function abortUnless(db: Db, campaignId: string, expect: SQL): Stmt {
  return run(
    db,
    sql`UPDATE ${campaigns} SET currency = 'stale' WHERE id = ${campaignId} AND NOT (${expect})`,
  );
}
