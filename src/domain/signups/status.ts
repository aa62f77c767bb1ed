/**
 * What a person sees about their own signup: the status page `/s/{token}`
 * and `GET /v1/status` (Bearer). The token is a `status` token derived from
 * TOKEN_SECRET, the signup id and its token_version (src/lib/tokens.ts), so
 * a revoked (version bumped) or erased signup stops answering.
 *
 * One D1 round trip: a batch of two reads, the signup with its campaign,
 * its place in line and "is a customer" as scalar subqueries, and its invite
 * codes (the personal one and the shared ones it may hand out, whose
 * plaintext is re-derived: ../invites/quota.ts).
 * @see ../../../../shared/CONTRACT.md "Public routes", "Customer tokens"
 * @see ../../../../shared/DOMAIN.md "Signup", "Invite code"
 */
import { and, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import {
  type AudienceState,
  type CampaignStatus,
  campaigns,
  type InviteCodeStatus,
  inviteCodes,
  type Locale,
  livePreorderStatuses,
  type ReviewState,
  signups,
} from "../../db/schema";
import { referralUrl } from "../../email/links";
import { derivePersonalCode, verifyToken } from "../../lib/tokens";
import { MAX_REFERRER_CODES, referrerCodeViews } from "../invites/quota";
import { positionFrom, rowsAheadOf } from "./position";

/** The funnel stage as the person sees it (DOMAIN.md "Signup": stage). */
export type StatusStage = "pending" | "confirmed" | "invited" | "customer";

export interface InviteView {
  /** The personal code, re-derived (never stored). */
  code: string;
  status: InviteCodeStatus;
  expiresAt: number | null;
}

/**
 * A shared single-use code issued to this signup to hand out (its
 * per-referrer quota). Only a keyed hash is stored; the plaintext is
 * re-derived from TOKEN_SECRET, so the page can show it every time.
 */
export interface SharedCodeView {
  code: string;
  hint: string;
  status: InviteCodeStatus;
  usesLeft: number;
  expiresAt: number | null;
}

export interface SignupStatus {
  signupId: string;
  campaignId: string;
  /** The address as given; callers mask it before showing it. */
  email: string;
  locale: Locale;
  stage: StatusStage;
  review: ReviewState;
  audience: AudienceState;
  unsubscribedAt: number | null;
  /** In line for invites (and so has a position). */
  inLine: boolean;
  position: number | null;
  peopleAhead: number | null;
  /** Null while pending or when the campaign has referrals off. */
  referralCode: string | null;
  referralUrl: string | null;
  verifiedReferrals: number;
  invite: InviteView | null;
  sharedCodes: SharedCodeView[];
  signedUpAt: number;
  confirmedAt: number | null;
  invitedAt: number | null;
  campaign: {
    id: string;
    name: string;
    slug: string;
    status: CampaignStatus;
    accent: string | null;
    referralBoostMs: number;
  };
}

/** DOMAIN.md "Invite code": statuses are derived, in this order of precedence. */
export function inviteStatus(
  row: { revokedAt: number | null; expiresAt: number | null; uses: number; maxUses: number },
  now: number,
): InviteCodeStatus {
  if (row.revokedAt !== null) return "revoked";
  if (row.uses >= row.maxUses) return "used_up";
  if (row.expiresAt !== null && row.expiresAt <= now) return "expired";
  return "active";
}

const me = alias(signups, "me");
const LIVE = livePreorderStatuses.map((s) => `'${s}'`).join(", ");

/** The two reads of a status lookup, as one batch. Exported for the query-plan test. */
export function statusReads(db: Db, signupId: string) {
  return [
    db
      .select({
        signup: me,
        ahead: sql<number>`${rowsAheadOf(me)}`.as("ahead"),
        // Orders placed by the person's address without a status token have no signup_id.
        customer: sql<number>`EXISTS (SELECT 1 FROM preorders AS p
          WHERE p.status IN (${sql.raw(LIVE)})
            AND (p.signup_id = ${me.id}
              OR (p.campaign_id = ${me.campaignId} AND p.email_normalized = ${me.emailNormalized})))`.as(
          "customer",
        ),
        // Aliased: a D1 batch returns rows as objects, so column names must not repeat.
        campaign: {
          name: sql<string>`${campaigns.name}`.as("campaign_name"),
          slug: sql<string>`${campaigns.slug}`.as("campaign_slug"),
          status: sql<CampaignStatus>`${campaigns.status}`.as("campaign_status"),
          accent: sql<string | null>`json_extract(${campaigns.branding}, '$.accentColor')`.as(
            "campaign_accent",
          ),
          referralEnabled: sql<number>`${campaigns.referralEnabled}`.as(
            "campaign_referral_enabled",
          ),
          referralBoostMs: sql<number>`${campaigns.referralBoostMs}`.as(
            "campaign_referral_boost_ms",
          ),
          referralInviteQuota: sql<number>`${campaigns.referralInviteQuota}`.as(
            "campaign_referral_invite_quota",
          ),
        },
      })
      .from(me)
      .innerJoin(campaigns, eq(campaigns.id, me.campaignId))
      .where(eq(me.id, signupId))
      .limit(1),
    db
      .select()
      .from(inviteCodes)
      .where(
        or(
          and(eq(inviteCodes.signupId, signupId), eq(inviteCodes.kind, "personal")),
          eq(inviteCodes.issuedToSignupId, signupId),
        ),
      )
      // The personal code plus every hand-out code the quota allows.
      .limit(MAX_REFERRER_CODES + 1),
  ] as const;
}

/**
 * The signup a status token points at, or null when the token is not a valid
 * status token, was revoked (version ≠ token_version) or the signup is gone
 * or erased. Callers answer every null the same way (401 / 404 page).
 */
export async function findSignupStatus(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET" | "PUBLIC_URL">,
  token: string,
  now: number,
): Promise<SignupStatus | null> {
  const claims = await verifyToken(settings.TOKEN_SECRET, "status", token);
  if (!claims) return null;
  const [rows, codes] = await db.batch(statusReads(db, claims.id));
  const row = rows[0];
  if (!row) return null;
  const s = row.signup;
  if (s.tokenVersion !== claims.version || s.erasedAt !== null || s.email === null) return null;

  const rankEligible =
    s.status === "confirmed" &&
    s.review === "ok" &&
    s.audience === "inside" &&
    s.invitedAt === null &&
    s.erasedAt === null;
  const { position, peopleAhead } = positionFrom(rankEligible, Number(row.ahead));

  const personal = codes.find((c) => c.kind === "personal" && c.signupId === s.id);
  const invite = personal
    ? {
        code: (
          await derivePersonalCode(settings.TOKEN_SECRET, s.campaignId, s.id, personal.tokenVersion)
        ).code,
        status: inviteStatus(personal, now),
        expiresAt: personal.expiresAt,
      }
    : null;
  const sharedCodes = await referrerCodeViews(
    settings,
    { id: s.campaignId, referralInviteQuota: Number(row.campaign.referralInviteQuota) },
    s,
    codes,
    now,
  );

  const stage: StatusStage = Number(row.customer)
    ? "customer"
    : s.invitedAt !== null || personal
      ? "invited"
      : s.status;
  const sharing = Boolean(row.campaign.referralEnabled) && s.status === "confirmed";
  return {
    signupId: s.id,
    campaignId: s.campaignId,
    email: s.email,
    locale: s.locale,
    stage,
    review: s.review,
    audience: s.audience,
    unsubscribedAt: s.unsubscribedAt,
    inLine: rankEligible,
    position,
    peopleAhead,
    referralCode: sharing ? s.referralCode : null,
    referralUrl: sharing ? referralUrl(settings, row.campaign.slug, s.referralCode) : null,
    verifiedReferrals: s.verifiedReferrals,
    invite,
    sharedCodes,
    signedUpAt: s.createdAt,
    confirmedAt: s.confirmedAt,
    invitedAt: s.invitedAt,
    campaign: {
      id: s.campaignId,
      name: row.campaign.name,
      slug: row.campaign.slug,
      status: row.campaign.status,
      accent: typeof row.campaign.accent === "string" ? row.campaign.accent : null,
      referralBoostMs: Number(row.campaign.referralBoostMs),
    },
  };
}
