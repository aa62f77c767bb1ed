/**
 * The campaign as the signup path needs it (rules, questions, origins),
 * cached per isolate by slug.
 *
 * Why a cache is safe: the signup batch re-checks the campaign's `version`
 * and status inside the same batch (./create.ts), and every PATCH and every
 * cron transition bumps `version`. A stale entry therefore never lets a
 * signup through under old rules: the batch writes nothing, and the caller
 * reloads and tries again. The cache only saves the read, so the hot path is
 * one D1 round trip. Only open campaigns are cached; anything else is read
 * fresh every time. The origin check uses entries at most a few seconds old
 * (it has no batch to re-check in).
 */
import { and, asc, eq, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type Campaign, campaigns, type Question, questions } from "../../db/schema";
import { TtlCache } from "../../lib/ttl-cache";

export type SignupCampaign = Pick<
  Campaign,
  | "id"
  | "slug"
  | "name"
  | "description"
  | "status"
  | "version"
  | "defaultLocale"
  | "doubleOptIn"
  | "referralEnabled"
  | "referralInviteQuota"
  | "audienceRules"
  | "allowedOrigins"
  | "turnstileEnabled"
  | "turnstileSiteKey"
  | "branding"
> & { questions: Question[] };

/** Statuses that take signups. @see DOMAIN.md "Campaign" */
export const OPEN_STATUSES = ["waitlist", "presale"] as const;
export const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

/** Longest a signup reuses a cached campaign (the batch re-checks the version). */
export const SIGNUP_CACHE_MS = 60_000;
/** Longest the origin check trusts a cached allow-list. */
export const ORIGIN_CACHE_MS = 5_000;
const cache = new TtlCache<SignupCampaign>(500);

/** Reads the campaign (never a draft) and its questions in one batch. */
async function read(db: Db, slug: string): Promise<SignupCampaign | null> {
  const visible = and(eq(campaigns.slug, slug), ne(campaigns.status, "draft"));
  const [rows, qs] = await db.batch([
    db
      .select({
        id: campaigns.id,
        slug: campaigns.slug,
        name: campaigns.name,
        description: campaigns.description,
        status: campaigns.status,
        version: campaigns.version,
        defaultLocale: campaigns.defaultLocale,
        doubleOptIn: campaigns.doubleOptIn,
        referralEnabled: campaigns.referralEnabled,
        referralInviteQuota: campaigns.referralInviteQuota,
        audienceRules: campaigns.audienceRules,
        allowedOrigins: campaigns.allowedOrigins,
        turnstileEnabled: campaigns.turnstileEnabled,
        turnstileSiteKey: campaigns.turnstileSiteKey,
        branding: campaigns.branding,
      })
      .from(campaigns)
      .where(visible)
      .limit(1),
    db
      .select({ q: questions })
      .from(questions)
      .innerJoin(campaigns, eq(campaigns.id, questions.campaignId))
      .where(visible)
      .orderBy(asc(questions.sortOrder), asc(questions.key)),
  ]);
  const row = rows[0];
  return row ? { ...row, questions: qs.map((r) => r.q) } : null;
}

/**
 * The public campaign by slug (null for unknown slugs and drafts), from the
 * cache when an entry is younger than `maxAgeMs`.
 */
export async function loadSignupCampaign(
  db: Db,
  slug: string,
  options: { maxAgeMs?: number; now?: number } = {},
): Promise<SignupCampaign | null> {
  const now = options.now ?? Date.now();
  const hit = cache.get(slug, options.maxAgeMs ?? SIGNUP_CACHE_MS, now);
  if (hit) return hit;
  const fresh = await read(db, slug);
  if (fresh && isOpen(fresh.status)) cache.set(slug, fresh, now);
  else cache.delete(slug);
  return fresh;
}

/** Drops a cached entry (the batch saw another version or status). */
export function forgetSignupCampaign(slug: string): void {
  cache.delete(slug);
}
