/**
 * Personal invite codes: one per signup, one use, bound to the signup's
 * email. The code is derived by HMAC from TOKEN_SECRET, the campaign, the
 * signup and the row's token_version (src/lib/tokens.ts), so an invitation
 * or a reminder can show it again without it being stored; only its keyed
 * hash is. The partial unique index `invite_codes_personal_signup_unique`
 * (one personal code per signup) makes issuing idempotent: a retried wave
 * or a second admin request inserts nothing and mints no second code.
 * @see ../../../../shared/DOMAIN.md "Invite code", "Secrets"
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { inviteCodes, newId, signups } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { codeLookupHash, derivePersonalCode } from "../../lib/tokens";
import { type AuditContext, auditInsert } from "../audit";
import { run, type Stmt } from "../campaigns/statements";
import { actorString, codeHint, type InviteRow, inJson, insertCodeStatements } from "./codes";

export interface PersonalCodeOptions {
  expiresAt?: number | null;
  label?: string | null;
  /** Who issued them (invite_codes.created_by), e.g. `system:wave`. */
  createdBy?: string | null;
  jobId?: string | null;
}

/**
 * INSERT statements giving each listed signup its personal code (version 1),
 * to run in the caller's batch: one statement per 400 signups, the rows as
 * one JSON parameter. Set-based and safe to repeat: a signup that already
 * holds a personal code, is erased, or is not in `campaign` gets nothing.
 * Does not touch signups.invited_at, wave members or email: the caller's
 * batch does those.
 */
export async function issuePersonalCodeStatements(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaign: { id: string },
  people: readonly { id: string }[],
  now: number,
  options: PersonalCodeOptions = {},
): Promise<Stmt[]> {
  if (people.length === 0) return [];
  const rows = await Promise.all(
    people.map(async (p) => {
      const { body } = await derivePersonalCode(settings.TOKEN_SECRET, campaign.id, p.id, 1);
      return {
        id: newId("inv"),
        signup_id: p.id,
        hash: await codeLookupHash(settings.TOKEN_SECRET, body),
        hint: codeHint(body),
      };
    }),
  );
  return insertCodeStatements(
    db,
    rows,
    {
      campaignId: campaign.id,
      kind: "personal",
      maxUses: 1,
      perEmailLimit: null,
      expiresAt: options.expiresAt ?? null,
      label: options.label ?? null,
      jobId: options.jobId ?? null,
      createdBy: options.createdBy ?? null,
      now,
    },
    {
      where: sql`EXISTS (SELECT 1 FROM signups AS s WHERE s.id = j.value ->> 'signup_id'
        AND s.campaign_id = ${campaign.id} AND s.erased_at IS NULL)`,
      conflict: sql`ON CONFLICT (signup_id) WHERE kind = 'personal' DO NOTHING`,
    },
  );
}

/** The plaintext of a personal code row, re-derived with the row's version. */
export async function personalCodeOf(
  settings: Pick<Settings, "TOKEN_SECRET">,
  row: Pick<InviteRow, "campaignId" | "signupId" | "tokenVersion">,
): Promise<string> {
  if (!row.signupId) throw new TypeError("personalCodeOf: not a personal code");
  return (
    await derivePersonalCode(settings.TOKEN_SECRET, row.campaignId, row.signupId, row.tokenVersion)
  ).code;
}

/**
 * Admin "issue by hand": personal codes for the listed signups of the
 * campaign, in one batch with their `invited_at` (they now hold an invite,
 * so they leave the line) and the audit row. Unknown or erased signups are
 * a 422 and change nothing. Signups that already hold a code keep it and
 * are listed with it. Returns each signup's code row and plaintext. The
 * caller has checked that the campaign exists.
 */
export async function issuePersonalCodes(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  audit: AuditContext,
  campaignId: string,
  input: { signupIds: string[]; expiresAt: number | null; label: string | null },
  now: number,
): Promise<{ invite: InviteRow; code: string }[]> {
  const ids = [...new Set(input.signupIds)];
  const found = await db
    .select({ id: signups.id })
    .from(signups)
    .where(
      and(eq(signups.campaignId, campaignId), isNull(signups.erasedAt), inJson(signups.id, ids)),
    );
  if (found.length !== ids.length) {
    const known = new Set(found.map((f) => f.id));
    const missing = input.signupIds.flatMap((id, i) => (known.has(id) ? [] : [i]));
    throw new AppError("validation_failed", {
      detail: "Some signups are not in this campaign (or were erased)",
      errors: missing.slice(0, 20).map((i) => ({ path: `signup_ids.${i}`, message: "Unknown" })),
    });
  }
  const inserts = await issuePersonalCodeStatements(
    db,
    settings,
    { id: campaignId },
    ids.map((id) => ({ id })),
    now,
    { expiresAt: input.expiresAt, label: input.label, createdBy: actorString(audit) },
  );
  const listed = and(eq(inviteCodes.kind, "personal"), inJson(inviteCodes.signupId, ids));
  const results = await db.batch([
    ...(inserts as [Stmt, ...Stmt[]]),
    run(
      db,
      sql`UPDATE signups SET invited_at = coalesce(invited_at, ${now}), updated_at = ${now}
        WHERE campaign_id = ${campaignId} AND invited_at IS NULL
          AND id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
    ),
    auditInsert(db, audit, {
      action: "invite.create",
      targetType: "campaign",
      targetId: campaignId,
      campaignId,
      changes: {
        kind: "personal",
        signup_ids: ids,
        expires_at: input.expiresAt,
        label: input.label,
      },
    }),
    db.select().from(inviteCodes).where(listed),
  ]);
  const rows = results.at(-1) as InviteRow[];
  const byId = new Map(rows.map((r) => [r.signupId, r]));
  return Promise.all(
    ids.flatMap((id) => {
      const invite = byId.get(id);
      return invite ? [personalCodeOf(settings, invite).then((code) => ({ invite, code }))] : [];
    }),
  );
}
