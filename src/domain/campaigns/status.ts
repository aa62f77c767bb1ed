/**
 * The campaign status machine. @see /work/shared/DOMAIN.md "Campaign"
 *
 *   draft ──publish──▶ waitlist ──▶ presale          (opens_at does this by cron too)
 *   waitlist | presale ──▶ paused ──resume──▶ the status it left
 *   waitlist | presale | paused ──▶ closed           (final; closes_at by cron)
 */
import type { Campaign, CampaignStatus, NewCampaign } from "../../db/schema";
import { AppError } from "../../lib/errors";

export function allowedTransitions(c: Pick<Campaign, "status" | "pausedFromStatus">) {
  switch (c.status) {
    case "draft":
      return ["waitlist"] as CampaignStatus[];
    case "waitlist":
      return ["presale", "paused", "closed"] as CampaignStatus[];
    case "presale":
      return ["paused", "closed"] as CampaignStatus[];
    case "paused":
      return [c.pausedFromStatus ?? "waitlist", "closed"] as CampaignStatus[];
    case "closed":
      return [] as CampaignStatus[];
  }
}

/**
 * The columns a transition writes, or a 409 naming what is allowed. `after`
 * is the campaign with the same PATCH's other changes applied, so a draft can
 * get its first variant and be published in one request.
 */
export function transitionColumns(
  after: Campaign,
  liveVariants: number,
  to: CampaignStatus,
  now: number,
): Partial<NewCampaign> {
  const from = after.status;
  const allowed = allowedTransitions(after);
  if (!allowed.includes(to)) {
    throw new AppError("conflict", {
      detail: allowed.length
        ? `A ${from} campaign can move to ${allowed.join(" or ")}, not ${to}`
        : `A ${from} campaign is final; its status cannot change`,
      extra: { campaign_status: from, allowed_statuses: allowed },
    });
  }
  if (from === "draft") {
    const missing: string[] = [];
    if (liveVariants === 0) missing.push("at least one variant");
    if (!after.name.trim()) missing.push("a name");
    if (after.turnstileEnabled && !after.turnstileSiteKey) missing.push("a Turnstile site key");
    if (missing.length) {
      throw new AppError("conflict", {
        detail: `To publish, the campaign needs ${missing.join(", ")}`,
      });
    }
    if (after.closesAt !== null && after.closesAt <= now) {
      throw new AppError("conflict", { detail: "closes_at has passed; move it before publishing" });
    }
    return { status: to, publishedAt: now };
  }
  if (to === "paused") {
    return { status: "paused", pausedFromStatus: from as "waitlist" | "presale" };
  }
  return { status: to, pausedFromStatus: null };
}
