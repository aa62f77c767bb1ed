import { and, asc, desc, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type CampaignStatus, campaigns, questions, variants } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { olderThanCursor, pageOf } from "../../lib/pagination";
import { TtlCache } from "../../lib/ttl-cache";
import type { CampaignBundle } from "./wire";

/** A campaign with its variants and questions: one round trip (a batch of three reads). */
export async function findCampaign(db: Db, id: string): Promise<CampaignBundle | null> {
  const [c, v, q] = await db.batch([
    db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1),
    db
      .select()
      .from(variants)
      .where(eq(variants.campaignId, id))
      .orderBy(asc(variants.sortOrder), asc(variants.createdAt), asc(variants.id)),
    db
      .select()
      .from(questions)
      .where(eq(questions.campaignId, id))
      .orderBy(asc(questions.sortOrder), asc(questions.key)),
  ]);
  const campaign = c[0];
  return campaign ? { campaign, variants: v, questions: q } : null;
}

export async function getCampaign(db: Db, id: string): Promise<CampaignBundle> {
  const found = await findCampaign(db, id);
  if (!found) throw notFound("Campaign");
  return found;
}

/** How long an isolate reuses a public campaign read (the reply says max-age=30 anyway). */
export const PUBLIC_CAMPAIGN_CACHE_MS = 5_000;
const publicCache = new TtlCache<CampaignBundle>(500);

/**
 * The public view by slug: never drafts, never archived variants. One batch
 * of three indexed reads, reused by the isolate for a few seconds: every
 * widget load on a busy landing page asks for it, and its own Cache-Control
 * already lets a reader see it 30 s late. Unknown slugs are not cached (a
 * campaign just published shows at once); an edit in this isolate drops the
 * entry (`forgetPublicCampaign`), other isolates catch up within the TTL.
 */
export async function getPublicCampaign(
  db: Db,
  slug: string,
  options: { maxAgeMs?: number; now?: number } = {},
): Promise<CampaignBundle> {
  const now = options.now ?? Date.now();
  const hit = publicCache.get(slug, options.maxAgeMs ?? PUBLIC_CAMPAIGN_CACHE_MS, now);
  if (hit) return hit;
  const visible = and(eq(campaigns.slug, slug), ne(campaigns.status, "draft"));
  const [c, v, q] = await db.batch([
    db.select().from(campaigns).where(visible).limit(1),
    db
      .select({ v: variants })
      .from(variants)
      .innerJoin(campaigns, eq(campaigns.id, variants.campaignId))
      .where(and(visible, isNull(variants.archivedAt)))
      .orderBy(asc(variants.sortOrder), asc(variants.createdAt), asc(variants.id)),
    db
      .select({ q: questions })
      .from(questions)
      .innerJoin(campaigns, eq(campaigns.id, questions.campaignId))
      .where(visible)
      .orderBy(asc(questions.sortOrder), asc(questions.key)),
  ]);
  const campaign = c[0];
  if (!campaign) {
    publicCache.delete(slug);
    throw notFound("Campaign");
  }
  const bundle = { campaign, variants: v.map((r) => r.v), questions: q.map((r) => r.q) };
  publicCache.set(slug, bundle, now);
  return bundle;
}

/** Drops the isolate's cached public view (after an edit of the campaign). */
export function forgetPublicCampaign(slug: string): void {
  publicCache.delete(slug);
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listCampaigns(
  db: Db,
  q: { status?: CampaignStatus | undefined; cursor?: string | undefined; limit: number },
) {
  const conditions = [];
  if (q.status) conditions.push(eq(campaigns.status, q.status));
  conditions.push(olderThanCursor(campaigns.createdAt, campaigns.id, q.cursor));
  const rows = await db
    .select()
    .from(campaigns)
    .where(and(...conditions))
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => ({ v: r.createdAt, id: r.id }));
}
