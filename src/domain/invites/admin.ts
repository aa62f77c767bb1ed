/**
 * Admin side of invite codes: create a small batch of shared codes inline
 * (plaintext shown once, in the reply), list codes without plaintext, and
 * revoke. Large batches go to the generate job (./generate-job.ts) and
 * personal codes to ./personal.ts.
 * @see ../../../../shared/DOMAIN.md "Invite code"
 * @see ../../../../shared/CONTRACT.md "Admin API"
 */
import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { type InviteCodeStatus, type InviteKind, inviteCodes, newId } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { olderThanCursor, pageOf } from "../../lib/pagination";
import { type AuditContext, auditInsert } from "../audit";
import type { Stmt } from "../campaigns/statements";
import { isUniqueViolation } from "../db-errors";
import {
  actorString,
  codeHint,
  hashCodes,
  type InviteRow,
  inJson,
  insertCodeStatements,
  inviteStatusIs,
  newSharedCode,
} from "./codes";

/** Codes made in the request (and shown in its reply); more go to a job. */
export const INLINE_MAX_CODES = 100;
/** The most codes one request may ask for (a job of 50 chunks). */
export const MAX_CODES_PER_REQUEST = 100_000;
/** Signups per personal-code request (one statement per 400, see ROWS_PER_INSERT). */
export const MAX_PERSONAL_PER_REQUEST = 1000;

export interface SharedCodeSettings {
  maxUses: number;
  perEmailLimit: number | null;
  expiresAt: number | null;
  label: string | null;
}

/**
 * `count` shared codes (≤ INLINE_MAX_CODES), inserted with their audit row
 * in one batch. Returns the rows and the plaintext, the only time it exists.
 * A hash collision with an existing code (2^-60 per pair) aborts the batch,
 * which is then retried with fresh codes.
 */
export async function createSharedCodes(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  audit: AuditContext,
  campaignId: string,
  count: number,
  opts: SharedCodeSettings,
  now: number,
): Promise<{ invite: InviteRow; code: string }[]> {
  if (count < 1 || count > INLINE_MAX_CODES) throw new RangeError("createSharedCodes: bad count");
  for (let attempt = 1; ; attempt++) {
    const fresh = Array.from({ length: count }, () => newSharedCode());
    const hashes = await hashCodes(
      settings.TOKEN_SECRET,
      fresh.map((f) => f.body),
    );
    const rows = fresh.map((f, i) => ({
      id: newId("inv"),
      hash: hashes[i] as string,
      hint: codeHint(f.body),
    }));
    const ids = rows.map((r) => r.id);
    const inserts = insertCodeStatements(db, rows, {
      campaignId,
      kind: "shared",
      ...opts,
      jobId: null,
      createdBy: actorString(audit),
      now,
    });
    try {
      const results = await db.batch([
        ...(inserts as [Stmt, ...Stmt[]]),
        auditInsert(db, audit, {
          action: "invite.create",
          targetType: "campaign",
          targetId: campaignId,
          campaignId,
          changes: {
            kind: "shared",
            count,
            max_uses: opts.maxUses,
            per_email_limit: opts.perEmailLimit,
            expires_at: opts.expiresAt,
            label: opts.label,
            invite_ids: ids,
          },
        }),
        db.select().from(inviteCodes).where(inJson(inviteCodes.id, ids)),
      ]);
      const byId = new Map((results.at(-1) as InviteRow[]).map((r) => [r.id, r]));
      return ids.map((id, i) => ({
        invite: byId.get(id) as InviteRow,
        code: (fresh[i] as { code: string }).code,
      }));
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

export interface InviteListQuery {
  kind?: InviteKind | undefined;
  status?: InviteCodeStatus | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** The campaign's codes, newest first, keyset-paginated on (created_at, id). Never plaintext. */
export async function listInvites(db: Db, campaignId: string, q: InviteListQuery, now: number) {
  const conditions: (SQL | undefined)[] = [eq(inviteCodes.campaignId, campaignId)];
  if (q.kind) conditions.push(eq(inviteCodes.kind, q.kind));
  if (q.status) conditions.push(inviteStatusIs(q.status, now));
  conditions.push(olderThanCursor(inviteCodes.createdAt, inviteCodes.id, q.cursor));
  const rows = await db
    .select()
    .from(inviteCodes)
    .where(and(...conditions))
    .orderBy(desc(inviteCodes.createdAt), desc(inviteCodes.id))
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => ({ v: r.createdAt, id: r.id }));
}

/**
 * Revokes a code (personal or shared). Idempotent: a revoked code keeps its
 * first revocation time and writes no second audit row. Uses already
 * consumed stay consumed; a use given back later (a cancelled order) cannot
 * be taken again, since a revoked code is refused.
 */
export async function revokeInvite(
  db: Db,
  audit: AuditContext,
  id: string,
  now: number,
): Promise<InviteRow> {
  const [row] = await db.select().from(inviteCodes).where(eq(inviteCodes.id, id)).limit(1);
  if (!row) throw notFound("Invite code");
  if (row.revokedAt !== null) return row;
  const [, , after] = await db.batch([
    db
      .update(inviteCodes)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(inviteCodes.id, id), isNull(inviteCodes.revokedAt))),
    auditInsert(db, audit, {
      action: "invite.revoke",
      targetType: "invite",
      targetId: id,
      campaignId: row.campaignId,
      changes: { kind: row.kind, hint: row.codeHint },
    }),
    db.select().from(inviteCodes).where(eq(inviteCodes.id, id)).limit(1),
  ]);
  return after[0] ?? row;
}
