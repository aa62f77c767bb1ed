/**
 * The public check, `POST /v1/campaigns/{slug}/invites/check`: is this code
 * good (for this email)? Rate-limited so guessing is hopeless:
 *
 *  - per IP: the RL_SENSITIVE burst binding (10 per 10 s, in the route) and
 *    a D1 counter of INVITE_CHECKS_PER_IP_PER_HOUR per HMAC'd IP;
 *  - per campaign: a D1 counter of INVITE_CHECKS_PER_CAMPAIGN_PER_HOUR,
 *    whoever asks, against guessing spread over many IPs.
 *
 * The arithmetic: a code is 60 random bits (1.15e18 values). Even with
 * 100,000 live codes, the campaign ceiling allows 20,000 × 24 × 365 =
 * 1.75e8 guesses a year, an expected 1.5e-5 hits a year. The price is that
 * a flood can use up a campaign's hour for everyone; pre-orders do not go
 * through this endpoint, so it never blocks a purchase.
 *
 * What it tells: `invalid` for anything that is not a live code of this
 * campaign (unknown, malformed, another campaign's), so existence leaks only
 * for codes one already holds. A wrong check symbol also says `invalid`,
 * with `typo: true` so a form can say "check what you typed": the check
 * symbol is public arithmetic over the typed symbols (src/lib/base32.ts), so
 * it tells a guesser nothing they could not compute offline.
 * @see ../../../../shared/CONTRACT.md "Public routes"
 */
import { sql } from "drizzle-orm";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { rateCounters } from "../../db/schema";
import { AppError, notFound, rateLimited } from "../../lib/errors";
import { loadSignupCampaign } from "../signups/campaign";
import { parseEmail } from "../signups/email";
import type { InviteCheckReason } from "./codes";
import { findInviteForOrder } from "./lookup";

export const INVITE_CHECKS_PER_IP_PER_HOUR = 60;
export const INVITE_CHECKS_PER_CAMPAIGN_PER_HOUR = 20_000;
const HOUR = 3_600_000;

export type CheckReply =
  | { valid: true; uses_left: number; expires_at: number | null }
  | { valid: false; reason: InviteCheckReason; typo?: true };

/** The per-client key of invite checks (burst limiter and hourly counter alike). */
export const inviteCheckIpKey = (ipHmac: string) => `invite_check:ip:${ipHmac}`;

/** The two hourly counters, hit in one round trip; 429 when either is over. */
async function countCheck(db: Db, campaignId: string, ipHmac: string, now: number): Promise<void> {
  const windowStart = Math.floor(now / HOUR) * HOUR;
  const hit = (key: string) =>
    db
      .insert(rateCounters)
      .values({ key, windowStart, count: 1, expiresAt: windowStart + HOUR })
      .onConflictDoUpdate({
        target: [rateCounters.key, rateCounters.windowStart],
        set: { count: sql`${rateCounters.count} + 1` },
      })
      .returning({ count: rateCounters.count });
  const [perIp, perCampaign] = await db.batch([
    hit(inviteCheckIpKey(ipHmac)),
    hit(`invite_check:campaign:${campaignId}`),
  ]);
  const over =
    Number(perIp[0]?.count ?? 0) > INVITE_CHECKS_PER_IP_PER_HOUR ||
    Number(perCampaign[0]?.count ?? 0) > INVITE_CHECKS_PER_CAMPAIGN_PER_HOUR;
  if (over) throw rateLimited((windowStart + HOUR - now) / 1000);
}

export async function checkInvite(
  db: Db,
  settings: Pick<Settings, "TOKEN_SECRET">,
  slug: string,
  input: { code: string; email?: string | undefined },
  /** The client IP's keyed hash (src/lib/client-ip.ts clientIpHmac). */
  ctx: { ipHmac: string; now: number },
): Promise<CheckReply> {
  let email: string | null = null;
  if (input.email !== undefined) {
    const parsed = parseEmail(input.email);
    if ("problem" in parsed) {
      throw new AppError("validation_failed", {
        detail: "The email address is not valid",
        errors: [{ path: "email", message: "Invalid email address" }],
      });
    }
    email = parsed.normalized;
  }
  const campaign = await loadSignupCampaign(db, slug, { now: ctx.now });
  if (!campaign) throw notFound("Campaign");
  await countCheck(db, campaign.id, ctx.ipHmac, ctx.now);

  const found = await findInviteForOrder(db, settings, campaign.id, input.code, email, ctx.now);
  if (found.ok) {
    return { valid: true, uses_left: found.usesLeft, expires_at: found.invite.expiresAt };
  }
  return found.typo
    ? { valid: false, reason: "invalid", typo: true }
    : { valid: false, reason: found.reason };
}
