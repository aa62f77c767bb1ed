import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campaigns, newId } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { iso } from "../../lib/wire";
import { type AuditContext, auditInsert } from "../audit";
import { checkSettings, mapWriteError } from "./errors";
import { getCampaign } from "./read";
import type { CreateCampaignInput, SettingsInput } from "./schemas";
import { abortUnless, insertQuestions, insertVariants, type Stmt, type Stmts } from "./statements";
import { type CampaignBundle, settingsToColumns } from "./wire";

/** Settings as the client sent them (ISO timestamps), for audit rows. */
export function settingsForAudit(s: SettingsInput): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  for (const k of ["opens_at", "closes_at", "cancel_allowed_until"] as const) {
    if (s[k] !== undefined) out[k] = iso(s[k]);
  }
  return out;
}

/**
 * Creates a draft campaign with its variants and questions: one batch with
 * its audit row. A taken slug is caught from the unique index (no pre-check
 * that a concurrent create could slip past).
 */
export async function createCampaign(
  db: Db,
  audit: AuditContext,
  input: CreateCampaignInput,
  now: number,
): Promise<CampaignBundle> {
  const { slug, variants: newVariants, questions: newQuestions, ...settings } = input;
  const cols = settingsToColumns(settings);
  checkSettings({
    opensAt: cols.opensAt ?? null,
    closesAt: cols.closesAt ?? null,
    turnstileEnabled: cols.turnstileEnabled ?? false,
    turnstileSiteKey: cols.turnstileSiteKey ?? null,
  });
  const id = newId("cmp");
  const stmts: Stmt[] = [
    db.insert(campaigns).values({
      ...cols,
      id,
      slug,
      name: input.name,
      currency: input.currency,
      status: "draft",
      createdAt: now,
      updatedAt: now,
    }),
  ];
  if (newVariants.length) stmts.push(insertVariants(db, id, newVariants, 0, now));
  if (newQuestions.length) stmts.push(insertQuestions(db, id, newQuestions, now));
  stmts.push(
    auditInsert(db, audit, {
      action: "campaign.create",
      targetType: "campaign",
      targetId: id,
      campaignId: id,
      changes: {
        ...settingsForAudit(settings),
        slug,
        status: "draft",
        variants: newVariants.map((v) => ({ name: v.name, price: v.price, stock: v.stock })),
        questions: newQuestions.map((q) => q.key),
      },
    }),
  );
  try {
    await db.batch(stmts as Stmts);
  } catch (e) {
    throw await mapWriteError(db, e, { slug });
  }
  return getCampaign(db, id);
}

/**
 * Deletes a draft (children cascade). Anything published may have signups,
 * codes and orders pointing at it: close it instead.
 */
export async function deleteCampaign(db: Db, audit: AuditContext, id: string): Promise<void> {
  const [row] = await db
    .select({ status: campaigns.status, slug: campaigns.slug, name: campaigns.name })
    .from(campaigns)
    .where(eq(campaigns.id, id));
  if (!row) throw notFound("Campaign");
  if (row.status !== "draft") {
    throw new AppError("conflict", {
      detail: `Only draft campaigns can be deleted; this one is ${row.status}. Close it instead (PATCH status "closed").`,
      extra: { campaign_status: row.status },
    });
  }
  try {
    await db.batch([
      // Published between the read and now? Then the batch aborts.
      abortUnless(db, id, sql`status = 'draft'`),
      db.delete(campaigns).where(eq(campaigns.id, id)),
      auditInsert(db, audit, {
        action: "campaign.delete",
        targetType: "campaign",
        targetId: id,
        campaignId: id,
        changes: { slug: row.slug, name: row.name, status: row.status },
      }),
    ]);
  } catch (e) {
    throw await mapWriteError(db, e, { campaignId: id });
  }
}
