/**
 * `Idempotency-Key` for POST requests that must happen once (placing a
 * pre-order): the first request claims the key with an `in_flight` row, its
 * final reply is stored with a hash of the request, and the same key then
 * replays that reply exactly. Scoped (e.g. `preorders:<campaign id>`), kept
 * at least 24 hours, then deleted by a cron task.
 *
 *   claim:  INSERT … ON CONFLICT DO NOTHING RETURNING; nothing returned →
 *           read the row: same hash and done → replay; other hash → 422
 *           `idempotency_key_reused`; in flight and locked → 409
 *           `idempotency_in_flight` with Retry-After; in flight past its lock
 *           (the first request died) or past expires_at → take it over.
 *   finish: the reply written as `done`, in the same batch as the change for
 *           a success (`finishStatement`), or alone for a final error.
 *   give up: 5xx and 429 are not final: the row is deleted so a retry runs.
 *
 * `locked_until` doubles as a fencing token: each claim or takeover writes a
 * later value, and the finishing write only succeeds for the request that
 * holds the current one (else it trips a CHECK and aborts its batch, so a
 * request that lost its key to a takeover cannot also place an order).
 * @see ../../db/schema/orders.ts idempotencyKeys
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client";
import { idempotencyKeys } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { errorText } from "../db-errors";

/** How long the first request holds its key before another may take it over. */
export const IDEMPOTENCY_LOCK_MS = 15_000;
/** How long a reply is kept for replay (the contract says at least 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Header value: printable ASCII without spaces at the ends, like a UUID or a ULID. */
const KEY_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/** The CHECK a finishing write trips when the request no longer holds the key. */
const LOST_KEY_CHECK = "idempotency_done_has_response";

export interface StoredReply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface Claim {
  scope: string;
  key: string;
  /** The fencing token: this request's `locked_until`. */
  lock: number;
}

export type ClaimResult =
  | { kind: "claimed"; claim: Claim }
  | { kind: "replay"; reply: StoredReply };

/** The Idempotency-Key header, or 400 `idempotency_key_required`. */
export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header.trim() === "") {
    throw new AppError("idempotency_key_required", {
      detail: "Send an Idempotency-Key header (e.g. a UUID), and the same one when you retry",
    });
  }
  if (!KEY_PATTERN.test(header)) {
    throw new AppError("idempotency_key_required", {
      detail: "The Idempotency-Key must be 1-255 printable ASCII characters",
    });
  }
  return header;
}

/** JSON with object keys sorted, so the same body hashes the same however it was written. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Hash of method, route and canonical body: "the same request". */
export const requestHash = (method: string, route: string, body: unknown) =>
  sha256Hex(`${method.toUpperCase()} ${route}\n${canonicalJson(body)}`);

/**
 * The hash of a pre-order request. Its scope (`preorders:<campaign id>`)
 * already pins the campaign, so the route is a fixed template and the hash
 * can be computed before the campaign is read.
 */
export const preorderRequestHash = (body: unknown) =>
  requestHash("POST", "/v1/campaigns/{campaign}/preorders", body);

const inFlight = (lockedUntil: number, now: number) => {
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  return new AppError("idempotency_in_flight", {
    detail: "A request with this Idempotency-Key is still running; retry after it finishes",
    headers: { "Retry-After": String(seconds) },
  });
};

const reused = () =>
  new AppError("idempotency_key_reused", {
    detail: "This Idempotency-Key was used with another request body; use a new key",
  });

/**
 * The claim's INSERT as batch SQL, for a scope computed in SQL (the
 * campaign's id looked up by slug in the same batch that reads the
 * campaign: one round trip instead of two). Returns the row's `lock` when it
 * claimed the key, nothing when the key was there already.
 */
export function claimInsertSql(
  scopeFrom: { scope: SQL; from: SQL },
  key: string,
  hash: string,
  now: number,
): SQL {
  const lock = now + IDEMPOTENCY_LOCK_MS;
  // `WHERE true`-style clause before ON CONFLICT: SQLite's upsert after
  // INSERT … SELECT needs a WHERE to parse (see "parsing ambiguity").
  // @see https://sqlite.org/lang_upsert.html
  return sql`INSERT INTO idempotency_keys (scope, key, request_hash, status, locked_until,
      created_at, updated_at, expires_at)
    SELECT ${scopeFrom.scope}, ${key}, ${hash}, 'in_flight', ${lock}, ${now}, ${now},
      ${now + IDEMPOTENCY_TTL_MS}
    ${scopeFrom.from}
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING locked_until AS lock`;
}

/**
 * Claims `key` in `scope` for a request with `hash`, or tells how to answer
 * instead (a replay), or throws 422 / 409. Race-free: the claim is one
 * INSERT and a takeover one conditional UPDATE; losing either re-reads.
 * `first` is the outcome of a claim INSERT the caller already ran
 * (`claimInsertSql`): its lock, or null when the key existed.
 */
export async function claimKey(
  db: Db,
  scope: string,
  key: string,
  hash: string,
  now: number,
  first?: { lock: number | null },
): Promise<ClaimResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const lock = now + IDEMPOTENCY_LOCK_MS + attempt;
    if (attempt === 0 && first) {
      if (first.lock !== null) return { kind: "claimed", claim: { scope, key, lock: first.lock } };
    } else {
      const inserted = await db
        .insert(idempotencyKeys)
        .values({
          scope,
          key,
          requestHash: hash,
          status: "in_flight",
          lockedUntil: lock,
          createdAt: now,
          updatedAt: now,
          expiresAt: now + IDEMPOTENCY_TTL_MS,
        })
        .onConflictDoNothing()
        .returning({ lock: idempotencyKeys.lockedUntil });
      if (inserted.length) return { kind: "claimed", claim: { scope, key, lock } };
    }

    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    if (!row) continue; // deleted meanwhile (a 5xx gave it up): claim again
    const expired = row.expiresAt <= now;
    if (!expired && row.requestHash !== hash) throw reused();
    if (!expired && row.status === "done") {
      return {
        kind: "replay",
        reply: {
          status: row.responseStatus ?? 500,
          body: row.responseBody ?? "",
          headers: row.responseHeaders ?? {},
        },
      };
    }
    const held = row.lockedUntil ?? 0;
    if (!expired && held > now) throw inFlight(held, now);
    // The first request died mid-flight, or the row outlived its TTL: take it over.
    const taken = await db
      .update(idempotencyKeys)
      .set({
        requestHash: hash,
        status: "in_flight",
        lockedUntil: Math.max(lock, held + 1),
        responseStatus: null,
        responseBody: null,
        responseHeaders: null,
        updatedAt: now,
        expiresAt: now + IDEMPOTENCY_TTL_MS,
      })
      .where(
        and(
          eq(idempotencyKeys.scope, scope),
          eq(idempotencyKeys.key, key),
          sql`${idempotencyKeys.lockedUntil} IS ${row.lockedUntil}`,
          eq(idempotencyKeys.status, row.status),
        ),
      )
      .returning({ lock: idempotencyKeys.lockedUntil });
    if (taken[0]?.lock != null)
      return { kind: "claimed", claim: { scope, key, lock: taken[0].lock } };
  }
  throw inFlight(now + 1000, now);
}

/**
 * The write that stores `reply` as the key's final answer, for the caller's
 * batch. If this request no longer holds the key (another took it over),
 * it writes `done` without a status, the CHECK fails and the batch aborts.
 */
export function finishStatement(
  db: Db,
  claim: Claim,
  reply: StoredReply,
  now: number,
): BatchItem<"sqlite"> {
  return db
    .update(idempotencyKeys)
    .set({
      status: "done",
      responseStatus: sql`CASE WHEN ${idempotencyKeys.status} = 'in_flight' AND ${idempotencyKeys.lockedUntil} = ${claim.lock} THEN ${reply.status} END`,
      responseBody: reply.body,
      responseHeaders: reply.headers,
      lockedUntil: null,
      updatedAt: now,
    })
    .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
}

/** The batch aborted because this request lost its key (see finishStatement). */
export const isLostKey = (e: unknown) => errorText(e).includes(LOST_KEY_CHECK);

/** 409 for a request that lost its key to a takeover: the other request answers. */
export const lostKey = () => inFlight(0, 0);

/** Stores a final error reply (nothing else to write with it). A lost key stores nothing. */
export async function storeReply(db: Db, claim: Claim, reply: StoredReply, now: number) {
  try {
    await finishStatement(db, claim, reply, now);
  } catch (e) {
    if (!isLostKey(e)) throw e;
  }
}

/** Gives the key up (5xx, 429): the client may retry with it. Only while this request holds it. */
export async function releaseKey(db: Db, claim: Claim): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.scope, claim.scope),
        eq(idempotencyKeys.key, claim.key),
        eq(idempotencyKeys.status, "in_flight"),
        eq(idempotencyKeys.lockedUntil, claim.lock),
      ),
    );
}

/** Rows deleted per cleanup statement, so one cron run stays short. */
const CLEANUP_BATCH = 5000;

/** Cron task: deletes stored replies past their TTL (and keys abandoned in flight). */
export async function deleteExpiredIdempotencyKeys(
  db: Db,
  now: number,
): Promise<{ deleted: number }> {
  const res = await db.run(
    sql`DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ${now} LIMIT ${CLEANUP_BATCH})`,
  );
  return { deleted: res.meta.changes ?? 0 };
}
