import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditLog, newId } from "../db/schema";
import type { ActorType } from "../db/schema/enums";
import type { AuditChanges } from "../db/schema/types";
import { olderThanCursor, pageOf } from "../lib/pagination";
import { run, type Stmt } from "./campaigns/statements";

/**
 * Who did something and from where, captured once per request by the route
 * layer and handed to domain functions, which put the audit row in the same
 * batch as the change: a change without its audit row cannot exist.
 * @see ../../shared/DOMAIN.md "Member, API key, audit"
 */
export interface AuditContext {
  actorType: ActorType;
  actorId: string | null;
  ipHmac: string | null;
  requestId: string | null;
}

export interface AuditEvent {
  action: string;
  targetType: string;
  targetId?: string | null;
  campaignId?: string | null;
  changes?: AuditChanges | null;
}

export const systemAudit: AuditContext = {
  actorType: "system",
  actorId: null,
  ipHmac: null,
  requestId: null,
};

/** An insert to put in the caller's batch. */
export function auditInsert(db: Db, ctx: AuditContext, event: AuditEvent) {
  return db.insert(auditLog).values({
    actorType: ctx.actorType,
    actorId: ctx.actorId,
    ipHmac: ctx.ipHmac,
    requestId: ctx.requestId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId ?? null,
    campaignId: event.campaignId ?? null,
    changes: event.changes ?? null,
  });
}

/**
 * An audit row written only when `condition` holds when the statement runs,
 * for changes whose batch may turn out to change nothing (revoking what is
 * already revoked): the log records what happened, not what was asked.
 */
export function auditInsertWhere(
  db: Db,
  ctx: AuditContext,
  event: AuditEvent,
  condition: SQL,
): Stmt {
  return run(
    db,
    sql`INSERT INTO audit_log (id, actor_type, actor_id, ip_hmac, request_id, action, target_type,
        target_id, campaign_id, changes)
      SELECT ${newId("aud")}, ${ctx.actorType}, ${ctx.actorId}, ${ctx.ipHmac}, ${ctx.requestId},
        ${event.action}, ${event.targetType}, ${event.targetId ?? null}, ${event.campaignId ?? null},
        ${event.changes ? JSON.stringify(event.changes) : null}
      WHERE ${condition}`,
  );
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listAuditLog(
  db: Db,
  q: {
    cursor?: string | undefined;
    limit: number;
    campaign_id?: string | undefined;
    action?: string | undefined;
  },
) {
  const conditions = [];
  if (q.campaign_id) conditions.push(eq(auditLog.campaignId, q.campaign_id));
  if (q.action) conditions.push(eq(auditLog.action, q.action));
  conditions.push(olderThanCursor(auditLog.createdAt, auditLog.id, q.cursor));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => ({ v: r.createdAt, id: r.id }));
}
