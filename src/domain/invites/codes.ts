/**
 * Invite codes: what they look like, how typed input finds them, how their
 * status is derived, and the one set-based INSERT every issuing path uses
 * (shared batches, personal codes, referrer quotas, the generate job).
 *
 * A code is 12 Crockford base32 symbols (60 bits) plus a check symbol,
 * shown grouped: `7KQ2-M9XD-4TPA-7`. Input is read case-insensitively, with
 * I/L read as 1 and O as 0, spaces and dashes ignored (src/lib/base32.ts).
 * Only `codeLookupHash(TOKEN_SECRET, body)` is stored, plus a hint that
 * shows the first group and the check symbol: enough to recognise a code in
 * a list, 35 bits short of using it.
 * @see ../../../../shared/DOMAIN.md "Invite code", "Secrets"
 */
import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import {
  type InviteCode,
  type InviteCodeStatus,
  type InviteKind,
  type inviteCheckReasons,
  inviteCodes,
} from "../../db/schema";
import { checkSymbol, normalizeCode, parseCode, randomCode } from "../../lib/base32";
import { codeLookupHash, PERSONAL_CODE_SYMBOLS } from "../../lib/tokens";
import type { AuditContext } from "../audit";
import { run, type Stmt } from "../campaigns/statements";

/** Data symbols of every code we issue: 60 bits, the floor in DOMAIN.md "Secrets". */
export const CODE_SYMBOLS = PERSONAL_CODE_SYMBOLS;
export const CODE_BITS = CODE_SYMBOLS * 5;

export type InviteCheckReason = (typeof inviteCheckReasons)[number];
export type InviteRow = InviteCode;

/**
 * DOMAIN.md "Invite code": the status is derived, never stored. Precedence:
 * revoked, then used_up, then expired (the same order as the status page).
 */
export function inviteStatus(
  row: Pick<InviteRow, "revokedAt" | "expiresAt" | "uses" | "maxUses">,
  now: number,
): InviteCodeStatus {
  if (row.revokedAt !== null) return "revoked";
  if (row.uses >= row.maxUses) return "used_up";
  if (row.expiresAt !== null && row.expiresAt <= now) return "expired";
  return "active";
}

/** SQL for "the derived status is `status`" (list filters). */
export function inviteStatusIs(status: InviteCodeStatus, now: number): SQL {
  const notRevoked = sql`${inviteCodes.revokedAt} IS NULL`;
  const left = sql`${inviteCodes.uses} < ${inviteCodes.maxUses}`;
  const expired = sql`${inviteCodes.expiresAt} IS NOT NULL AND ${inviteCodes.expiresAt} <= ${now}`;
  switch (status) {
    case "revoked":
      return sql`${inviteCodes.revokedAt} IS NOT NULL`;
    case "used_up":
      return sql`${notRevoked} AND NOT (${left})`;
    case "expired":
      return sql`${notRevoked} AND ${left} AND ${expired}`;
    case "active":
      return sql`${notRevoked} AND ${left} AND NOT (${expired})`;
  }
}

export type ParsedInviteCode =
  | { ok: true; body: string }
  | { ok: false; reason: "malformed" | "checksum" };

/**
 * What a person typed → the canonical body, or why not. `checksum` means the
 * check symbol does not match: a typo (one wrong symbol or two swapped ones
 * always land here; so does one symbol left out or doubled). Input of
 * another length cannot be one of ours and is `malformed`.
 */
export function parseInviteCode(raw: string): ParsedInviteCode {
  const parsed = parseCode(raw);
  if (parsed.ok) {
    return parsed.body.length === CODE_SYMBOLS ? parsed : { ok: false, reason: "malformed" };
  }
  const typed = parsed.reason === "checksum" ? (normalizeCode(raw)?.length ?? 0) : 0;
  return Math.abs(typed - (CODE_SYMBOLS + 1)) <= 1 ? parsed : { ok: false, reason: "malformed" };
}

/** The masked form kept for lists: first group and check symbol, `7KQ2-…-7`. */
export function codeHint(body: string): string {
  return `${body.slice(0, 4)}-…-${checkSymbol(body)}`;
}

/** Keyed hashes of many bodies, in order. */
export function hashCodes(secret: string, bodies: readonly string[]): Promise<string[]> {
  return Promise.all(bodies.map((b) => codeLookupHash(secret, b)));
}

/** A fresh random shared code: `body` for hashing, `code` for showing once. */
export function newSharedCode(): { body: string; code: string } {
  return randomCode(CODE_BITS);
}

/** `member:mem_…`, `api_key:key_…`, `admin_token`: who created a row (invite_codes.created_by). */
export function actorString(audit: AuditContext): string {
  return audit.actorId ? `${audit.actorType}:${audit.actorId}` : audit.actorType;
}

/** One invite_codes row to insert; the rest of the columns are per statement. */
export interface CodeRowInput {
  id: string;
  hash: string;
  hint: string;
  /** Personal codes: the signup the code is bound to. */
  signup_id?: string;
  /** Referrer quota codes: the signup that hands them out. */
  issued_to?: string;
}

export interface CodeColumns {
  campaignId: string;
  kind: InviteKind;
  maxUses: number;
  perEmailLimit: number | null;
  expiresAt: number | null;
  label: string | null;
  jobId: string | null;
  createdBy: string | null;
  now: number;
}

/**
 * Rows per INSERT. A row is about 180 bytes of JSON, so 400 stay under D1's
 * 100 KB per statement; they travel as ONE bound parameter (json_each), so
 * the statement binds about a dozen parameters whatever the count.
 */
export const ROWS_PER_INSERT = 400;

/**
 * `INSERT … SELECT FROM json_each(?)` statements for the rows (one per
 * ROWS_PER_INSERT). `where` may filter rows by SQL over `j` (e.g. "the
 * signup exists in this campaign"); `conflict` is an ON CONFLICT clause.
 */
export function insertCodeStatements(
  db: Db,
  rows: readonly CodeRowInput[],
  cols: CodeColumns,
  tail: { where?: SQL; conflict?: SQL } = {},
): Stmt[] {
  const out: Stmt[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const json = JSON.stringify(rows.slice(i, i + ROWS_PER_INSERT));
    // `WHERE …` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    out.push(
      run(
        db,
        sql`INSERT INTO invite_codes (id, campaign_id, kind, signup_id, issued_to_signup_id,
            code_hash, code_hint, label, max_uses, uses, per_email_limit, expires_at,
            token_version, job_id, created_by, created_at, updated_at)
          SELECT j.value ->> 'id', ${cols.campaignId}, ${cols.kind}, j.value ->> 'signup_id',
            j.value ->> 'issued_to', j.value ->> 'hash', j.value ->> 'hint', ${cols.label},
            ${cols.maxUses}, 0, ${cols.perEmailLimit}, ${cols.expiresAt}, 1, ${cols.jobId},
            ${cols.createdBy}, ${cols.now}, ${cols.now}
          FROM json_each(${json}) AS j
          WHERE ${tail.where ?? sql`true`}
          ${tail.conflict ?? sql``}`,
      ),
    );
  }
  return out;
}

/** `column IN (…)` with the values as ONE JSON parameter (D1: ≤ 100 bound parameters). */
export function inJson(column: SQLiteColumn, values: readonly string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
