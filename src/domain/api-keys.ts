import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, newId } from "../db/schema";
import type { MemberRole } from "../db/schema/enums";
import { keyedHash, randomToken } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { type AuditContext, auditInsert, auditInsertWhere } from "./audit";

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
const KEY_PREFIX = "psk_";
/** Writing last_used_at on every request would double the write load; a minute is precise enough. */
const TOUCH_EVERY_MS = 60_000;

export interface NewApiKey {
  name: string;
  role: MemberRole;
  expiresAt?: number | null;
}

/** Creates a key; the plaintext is returned once and only its keyed hash is kept. */
export async function createApiKey(db: Db, secret: string, audit: AuditContext, input: NewApiKey) {
  const plaintext = `${KEY_PREFIX}${randomToken(32)}`;
  const keyHash = await keyedHash(secret, "api_key", plaintext);
  const id = newId("key");
  const [row] = await db.batch([
    db
      .insert(apiKeys)
      .values({
        id,
        name: input.name,
        role: input.role,
        keyHash,
        prefix: plaintext.slice(0, KEY_PREFIX.length + 6),
        createdBy: audit.actorId ?? audit.actorType,
        expiresAt: input.expiresAt ?? null,
      })
      .returning(),
    auditInsert(db, audit, {
      action: "api_key.create",
      targetType: "api_key",
      targetId: id,
      changes: { name: input.name, role: input.role },
    }),
  ]);
  const created = row[0]!;
  return { key: created, plaintext };
}

export function listApiKeys(db: Db) {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(500);
}

/** Revoking is idempotent: revoking a revoked key keeps the first revocation time. */
export async function revokeApiKey(db: Db, audit: AuditContext, id: string, now: number) {
  const [updated] = await db.batch([
    db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id }),
    // Only the request that revoked it is logged, not a repeat.
    auditInsertWhere(
      db,
      audit,
      { action: "api_key.revoke", targetType: "api_key", targetId: id },
      sql`EXISTS (SELECT 1 FROM api_keys WHERE id = ${id} AND revoked_at = ${now})`,
    ),
  ]);
  if (updated.length === 0) {
    const existing = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, id));
    if (existing.length === 0) throw notFound("API key");
  }
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row!;
}

/**
 * Finds a live key by its keyed hash. Returns a `touch` to run after the
 * response (waitUntil) when last_used_at is stale.
 */
export async function authenticateApiKey(db: Db, secret: string, token: string, now: number) {
  if (!token.startsWith(KEY_PREFIX) || token.length > 200) return null;
  const keyHash = await keyedHash(secret, "api_key", token);
  const [row] = await db
    .select({
      id: apiKeys.id,
      role: apiKeys.role,
      revokedAt: apiKeys.revokedAt,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash));
  if (!row || row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now))
    return null;
  const stale = row.lastUsedAt === null || row.lastUsedAt < now - TOUCH_EVERY_MS;
  const touch = stale
    ? async () => {
        await db
          .update(apiKeys)
          .set({ lastUsedAt: now })
          .where(
            and(
              eq(apiKeys.id, row.id),
              or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now - TOUCH_EVERY_MS)),
            ),
          );
      }
    : null;
  return { id: row.id, role: row.role, touch };
}
