/**
 * Per-referrer quotas: a confirmed signup may hand out up to K single-use
 * shared codes (campaigns.referral_invite_quota) to friends. The rows are
 * shared codes with `issued_to_signup_id` set: anyone may use one, once,
 * except the person handing it out (./lookup.ts says not_for_this_email).
 *
 * Like personal codes they are derived by HMAC (from TOKEN_SECRET, the
 * campaign, the signup, the slot 0…K−1 and a version) rather than stored,
 * so the status page can show them again; only keyed hashes are stored.
 * Slot i always gives the same code, so issuing is idempotent through the
 * code_hash unique index, and raising K later issues only the new slots.
 * @see ../../../../shared/DOMAIN.md "Referral", "Invite code", "Secrets"
 */
import { and, eq, sql } from "drizzle-orm";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { type InviteCodeStatus, inviteCodes, newId } from "../../db/schema";
import { encode, formatCode } from "../../lib/base32";
import { hmacSha256 } from "../../lib/crypto";
import { codeLookupHash } from "../../lib/tokens";
import type { Stmt } from "../campaigns/statements";
import {
  CODE_SYMBOLS,
  codeHint,
  type InviteRow,
  insertCodeStatements,
  inviteStatus,
} from "./codes";

/** The ceiling of the setting (campaigns schema), held here too: the status page lists them all. */
export const MAX_REFERRER_CODES = 100;
/** Bump to replace every referrer code at once (a leaked derivation). */
const REFERRER_CODE_VERSION = 1;

export interface ReferrerCode {
  /** Slot 0…K−1. */
  slot: number;
  /** The display form, `7KQ2-M9XD-4TPA-7`. */
  code: string;
  body: string;
  /** invite_codes.code_hash of the slot's row. */
  hash: string;
  hint: string;
}

type QuotaCampaign = { id: string; referralInviteQuota: number };

async function deriveReferrerCode(
  secret: string,
  campaignId: string,
  signupId: string,
  slot: number,
): Promise<ReferrerCode> {
  // Its own MAC input prefix: never equal to a personal code or a link token.
  const mac = await hmacSha256(
    secret,
    `code/v1|referrer|${campaignId}|${signupId}|${slot}|${REFERRER_CODE_VERSION}`,
  );
  const body = encode(mac.slice(0, 8)).slice(0, CODE_SYMBOLS);
  return {
    slot,
    code: formatCode(body),
    body,
    hash: await codeLookupHash(secret, body),
    hint: codeHint(body),
  };
}

/** The first `n` slots' codes of a signup (pure: no database). */
async function slots(
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaignId: string,
  signupId: string,
  n: number,
): Promise<ReferrerCode[]> {
  const count = Math.max(0, Math.min(n, MAX_REFERRER_CODES));
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      deriveReferrerCode(settings.TOKEN_SECRET, campaignId, signupId, i),
    ),
  );
}

/**
 * The K codes the signup may hand out under the campaign's quota, derived
 * (nothing read). Only those issued as rows work: match by `hash`, or use
 * referrerCodeViews.
 */
export function referrerCodesFor(
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaign: QuotaCampaign,
  signup: { id: string },
): Promise<ReferrerCode[]> {
  return slots(settings, campaign.id, signup.id, campaign.referralInviteQuota);
}

export interface ReferrerCodeView {
  code: string;
  hint: string;
  status: InviteCodeStatus;
  usesLeft: number;
  expiresAt: number | null;
}

/**
 * For the status page: the issued rows of this signup (invite_codes where
 * issued_to_signup_id = signup, as it already reads them) with their
 * plaintext. Rows of slots beyond a since-lowered quota still show.
 */
export async function referrerCodeViews(
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaign: QuotaCampaign,
  signup: { id: string },
  rows: readonly InviteRow[],
  now: number,
): Promise<ReferrerCodeView[]> {
  const mine = rows.filter((r) => r.issuedToSignupId === signup.id && r.kind === "shared");
  if (mine.length === 0) return [];
  const n = Math.max(campaign.referralInviteQuota, mine.length);
  const byHash = new Map(mine.map((r) => [r.codeHash, r]));
  return (await slots(settings, campaign.id, signup.id, n)).flatMap((c) => {
    const row = byHash.get(c.hash);
    if (!row) return [];
    return [
      {
        code: c.code,
        hint: c.hint,
        status: inviteStatus(row, now),
        usesLeft: Math.max(0, row.maxUses - row.uses),
        expiresAt: row.expiresAt,
      },
    ];
  });
}

/**
 * The INSERT giving the signup its K codes, for the caller's batch: only
 * while the signup is confirmed, not rejected and not erased (checked in the
 * statement), and only slots not issued yet (ON CONFLICT on code_hash).
 */
export async function referrerCodeStatements(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaign: QuotaCampaign,
  signupId: string,
  now: number,
): Promise<{ codes: ReferrerCode[]; statements: Stmt[] }> {
  const codes = await referrerCodesFor(settings, campaign, { id: signupId });
  if (codes.length === 0) return { codes, statements: [] };
  const rows = codes.map((c) => ({
    id: newId("inv"),
    hash: c.hash,
    hint: c.hint,
    issued_to: signupId,
  }));
  const statements = insertCodeStatements(
    db,
    rows,
    {
      campaignId: campaign.id,
      kind: "shared",
      maxUses: 1,
      perEmailLimit: null,
      expiresAt: null,
      label: "referral",
      jobId: null,
      createdBy: "system:referral_quota",
      now,
    },
    {
      where: sql`EXISTS (SELECT 1 FROM signups AS s WHERE s.id = ${signupId}
        AND s.campaign_id = ${campaign.id} AND s.status = 'confirmed'
        AND s.review <> 'rejected' AND s.erased_at IS NULL)`,
      conflict: sql`ON CONFLICT (code_hash) DO NOTHING`,
    },
  );
  return { codes, statements };
}

/**
 * Gives a confirmed signup its K hand-out codes (idempotent: repeating it,
 * or racing it, issues each slot once) and returns the plaintext of the
 * codes it holds, in slot order. An unconfirmed, rejected or erased signup,
 * or a quota of 0, gets none and an empty list.
 */
export async function issueReferrerCodes(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  campaign: QuotaCampaign,
  signupId: string,
  now: number,
): Promise<ReferrerCode[]> {
  const { codes, statements } = await referrerCodeStatements(db, settings, campaign, signupId, now);
  if (statements.length === 0) return [];
  const results = await db.batch([
    ...(statements as [Stmt, ...Stmt[]]),
    db
      .select({ hash: inviteCodes.codeHash })
      .from(inviteCodes)
      .where(
        and(eq(inviteCodes.issuedToSignupId, signupId), eq(inviteCodes.campaignId, campaign.id)),
      ),
  ]);
  const held = new Set((results.at(-1) as { hash: string }[]).map((r) => r.hash));
  return codes.filter((c) => held.has(c.hash));
}
