/**
 * Finding the invite a person typed and judging it for an email: shared by
 * the public check (./check.ts) and pre-orders, so both give the same
 * answer. Pre-orders then consume the use in their own batch (uses + 1 and
 * an invite_redemptions row); the database refuses an over-use there
 * (`invite_uses_range` CHECK, `invite_used_up` trigger), since this read may
 * be stale by the time the order commits.
 * @see ../../../../shared/DOMAIN.md "Invite code"
 */
import { and, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { inviteCodes, signups } from "../../db/schema";
import { codeLookupHash } from "../../lib/tokens";
import {
  type InviteCheckReason,
  type InviteRow,
  inviteStatus,
  type ParsedInviteCode,
  parseInviteCode,
} from "./codes";

/** What a lookup found, with the facts judging it needs. */
export interface InviteFacts {
  invite: InviteRow;
  /** Personal codes: the owner's normalised email (null once erased). */
  ownerEmail: string | null;
  ownerErased: boolean;
  /** Referrer codes: the normalised email of the signup handing it out. */
  issuerEmail: string | null;
  /** Live (unreleased) redemptions of this code by the email asked about. */
  emailUses: number;
}

export type InviteVerdict =
  | { ok: true; invite: InviteRow; usesLeft: number }
  | { ok: false; reason: InviteCheckReason; invite: InviteRow | null };

export type InviteLookup =
  | (InviteVerdict & { ok: true })
  | {
      ok: false;
      reason: InviteCheckReason;
      invite: InviteRow | null;
      /** The input failed its check symbol: a typo, not a code at all. */
      typo: boolean;
    };

/**
 * Judges a found code for `email` (normalised; null = not said). Reasons in
 * order: revoked; not_for_this_email (a personal code of someone else, or a
 * referrer's own hand-out code); used_up (in total, or this email's
 * per-email limit); expired. A personal code whose owner was erased is
 * `invalid`: it no longer belongs to anyone.
 */
export function judgeInvite(facts: InviteFacts, email: string | null, now: number): InviteVerdict {
  const { invite } = facts;
  const no = (reason: InviteCheckReason): InviteVerdict => ({ ok: false, reason, invite });
  if (invite.kind === "personal" && facts.ownerErased) return no("invalid");
  const status = inviteStatus(invite, now);
  if (status === "revoked") return no("revoked");
  if (email !== null) {
    if (invite.kind === "personal" && facts.ownerEmail !== email) return no("not_for_this_email");
    if (invite.issuedToSignupId !== null && facts.issuerEmail === email) {
      return no("not_for_this_email");
    }
  }
  if (status === "used_up") return no("used_up");
  if (status === "expired") return no("expired");
  let usesLeft = invite.maxUses - invite.uses;
  if (email !== null && invite.perEmailLimit !== null) {
    const mine = invite.perEmailLimit - facts.emailUses;
    if (mine <= 0) return no("used_up");
    usesLeft = Math.min(usesLeft, mine);
  }
  return { ok: true, invite, usesLeft };
}

const owner = alias(signups, "owner");
const issuer = alias(signups, "issuer");

/** The code with that hash in the campaign, with the facts judgeInvite needs (one query). */
export async function loadInviteFacts(
  db: Db,
  campaignId: string,
  codeHash: string,
  email: string | null,
): Promise<InviteFacts | null> {
  const emailUses =
    email === null
      ? sql<number>`0`
      : sql<number>`(SELECT count(*) FROM invite_redemptions AS r
          WHERE r.invite_id = ${inviteCodes.id} AND r.email_normalized = ${email}
            AND r.released_at IS NULL)`;
  const [row] = await db
    .select({
      invite: inviteCodes,
      ownerEmail: sql<string | null>`${owner.emailNormalized}`.as("owner_email"),
      ownerErased: sql<number>`${owner.erasedAt} IS NOT NULL`.as("owner_erased"),
      issuerEmail: sql<string | null>`${issuer.emailNormalized}`.as("issuer_email"),
      emailUses: emailUses.as("email_uses"),
    })
    .from(inviteCodes)
    .leftJoin(owner, eq(owner.id, inviteCodes.signupId))
    .leftJoin(issuer, eq(issuer.id, inviteCodes.issuedToSignupId))
    .where(and(eq(inviteCodes.codeHash, codeHash), eq(inviteCodes.campaignId, campaignId)))
    .limit(1);
  if (!row) return null;
  return {
    invite: row.invite,
    ownerEmail: row.ownerEmail,
    ownerErased: Boolean(Number(row.ownerErased)),
    issuerEmail: row.issuerEmail,
    emailUses: Number(row.emailUses),
  };
}

/**
 * The invite a pre-order names, judged for the order's email. An unknown,
 * malformed or mistyped code is `invalid` (with `typo` when only its check
 * symbol is wrong). Pass `emailNormalized` as signups store it (the whole
 * address trimmed and lower-cased). One query, none for malformed input.
 */
export async function findInviteForOrder(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaignId: string,
  rawCode: string,
  emailNormalized: string | null,
  now: number,
): Promise<InviteLookup> {
  const parsed: ParsedInviteCode = parseInviteCode(rawCode);
  if (!parsed.ok) {
    return { ok: false, reason: "invalid", invite: null, typo: parsed.reason === "checksum" };
  }
  const hash = await codeLookupHash(settings.TOKEN_SECRET, parsed.body);
  const facts = await loadInviteFacts(db, campaignId, hash, emailNormalized);
  if (!facts) return { ok: false, reason: "invalid", invite: null, typo: false };
  const verdict = judgeInvite(facts, emailNormalized, now);
  return verdict.ok ? verdict : { ...verdict, typo: false };
}
