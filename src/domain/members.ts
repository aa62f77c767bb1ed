import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { type MemberRole, members } from "../db/schema";
import { AppError, notFound } from "../lib/errors";
import { type AuditContext, auditInsert } from "./audit";
import { isUniqueViolation } from "./db-errors";

/**
 * Dashboard members. They sign in by an emailed one-time link (dashboard
 * issue); here the owner manages who they are and what role they hold.
 * @see ../../shared/DOMAIN.md "Member, API key, audit"
 */
export const normalizeMemberEmail = (email: string) => email.trim().toLowerCase();

export async function addMember(
  db: Db,
  audit: AuditContext,
  input: { email: string; name?: string | null; role: MemberRole },
) {
  const email = normalizeMemberEmail(input.email);
  try {
    const [rows] = await db.batch([
      db
        .insert(members)
        .values({
          email,
          name: input.name ?? null,
          role: input.role,
          createdBy: audit.actorId ?? audit.actorType,
        })
        .returning(),
      auditInsert(db, audit, {
        action: "member.create",
        targetType: "member",
        changes: { email, role: input.role },
      }),
    ]);
    return rows[0]!;
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new AppError("conflict", { detail: "A member with this email already exists" });
    }
    throw e;
  }
}

export function listMembers(db: Db) {
  return db.select().from(members).orderBy(desc(members.createdAt), desc(members.id)).limit(500);
}

export async function updateMember(
  db: Db,
  audit: AuditContext,
  id: string,
  patch: { role?: MemberRole; name?: string | null; disabled?: boolean },
  now: number,
) {
  const set: Partial<typeof members.$inferInsert> = { updatedAt: now };
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.disabled !== undefined) set.disabledAt = patch.disabled ? now : null;
  const [rows] = await db.batch([
    db.update(members).set(set).where(eq(members.id, id)).returning(),
    auditInsert(db, audit, {
      action: "member.update",
      targetType: "member",
      targetId: id,
      changes: patch,
    }),
  ]);
  // The audit row of a miss is harmless but misleading; a miss is rare (stale UI), so say so loudly.
  if (rows.length === 0) throw notFound("Member");
  return rows[0]!;
}

export async function removeMember(db: Db, audit: AuditContext, id: string) {
  const [rows] = await db.batch([
    db.delete(members).where(eq(members.id, id)).returning({ id: members.id }),
    auditInsert(db, audit, { action: "member.delete", targetType: "member", targetId: id }),
  ]);
  if (rows.length === 0) throw notFound("Member");
}
