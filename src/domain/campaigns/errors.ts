import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type Campaign, variants } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { errorText } from "../db-errors";
import { STALE_GUARD_CHECK } from "./statements";

/** Settings that depend on each other: checked on the campaign as it will be. */
export function checkSettings(
  c: Pick<Campaign, "opensAt" | "closesAt" | "turnstileEnabled" | "turnstileSiteKey">,
) {
  const errors = [];
  if (c.opensAt !== null && c.closesAt !== null && c.closesAt <= c.opensAt) {
    errors.push({ path: "closes_at", message: "Must be after opens_at" });
  }
  if (c.turnstileEnabled && !c.turnstileSiteKey) {
    errors.push({
      path: "turnstile_site_key",
      message: "Required while turnstile_enabled is true",
    });
  }
  if (errors.length) {
    throw new AppError("validation_failed", {
      detail: "The settings contradict each other",
      errors,
    });
  }
}

export interface WriteContext {
  slug?: string | undefined;
  campaignId?: string;
  /** Variants whose stock the batch lowered or set, with the requested stock. */
  stock?: { id: string; stock: number }[];
  removed?: string[];
}

/**
 * Maps what a failed campaign batch hit in the database to an API error.
 * Reads after the failure only to explain it (how many units are sold); the
 * decision was the database's.
 */
export async function mapWriteError(db: Db, e: unknown, ctx: WriteContext): Promise<unknown> {
  const text = errorText(e);
  if (/UNIQUE constraint failed: campaigns\.slug/i.test(text)) {
    return new AppError("conflict", {
      detail: `The slug "${ctx.slug ?? ""}" is already used by another campaign`,
      errors: [{ path: "slug", message: "Already taken" }],
    });
  }
  if (text.includes(STALE_GUARD_CHECK)) {
    return new AppError("conflict", {
      detail:
        "The campaign changed while this request ran (another edit or the scheduler); reload it and retry",
    });
  }
  if (text.includes("variant_remaining_range") && ctx.campaignId) {
    return await stockConflict(db, ctx);
  }
  if (text.includes("campaign_dates_order")) {
    return new AppError("validation_failed", {
      errors: [{ path: "closes_at", message: "Must be after opens_at" }],
    });
  }
  return e;
}

async function stockConflict(db: Db, ctx: WriteContext) {
  const ids = [...(ctx.stock ?? []).map((s) => s.id), ...(ctx.removed ?? [])];
  const rows = ids.length
    ? await db
        .select({
          id: variants.id,
          name: variants.name,
          stock: variants.stock,
          remaining: variants.remaining,
        })
        .from(variants)
        .where(
          and(eq(variants.campaignId, ctx.campaignId!), inArray(variants.id, ids.slice(0, 90))),
        )
    : [];
  const problems: { id: string; sold: number; message: string }[] = [];
  for (const r of rows) {
    const sold = r.stock - r.remaining;
    const wanted = ctx.stock?.find((s) => s.id === r.id);
    if (ctx.removed?.includes(r.id) && sold > 0) {
      problems.push({
        id: r.id,
        sold,
        message: `"${r.name}" has ${sold} units sold or held, so it cannot be removed`,
      });
    } else if (wanted && wanted.stock < sold) {
      problems.push({
        id: r.id,
        sold,
        message: `"${r.name}" has ${sold} units sold or held, so its stock cannot go below ${sold}`,
      });
    }
  }
  return new AppError("conflict", {
    detail: problems.length
      ? problems.map((p) => p.message).join("; ")
      : "Stock cannot go below the units already sold or held",
    extra: { variants: problems.map(({ id, sold }) => ({ id, sold })) },
  });
}
