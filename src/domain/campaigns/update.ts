import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type Campaign, campaigns, type Question, type Variant } from "../../db/schema";
import { AppError, type FieldError } from "../../lib/errors";
import { type AuditContext, auditInsert } from "../audit";
import { checkSettings, mapWriteError } from "./errors";
import { forgetPublicCampaign, getCampaign } from "./read";
import type { NewVariantInput, PatchCampaignInput, VariantPatchInput } from "./schemas";
import {
  abortUnless,
  insertVariants,
  removeVariants,
  replaceQuestions,
  type Stmt,
  type Stmts,
  updateVariants,
} from "./statements";
import { transitionColumns } from "./status";
import { type CampaignBundle, questionToStored, settingsToColumns, summaryToWire } from "./wire";

const MAX_VARIANTS = 100;

/** Fields of a variant a PATCH may set, wire name → column. */
const variantFields = [
  ["name", "name"],
  ["description", "description"],
  ["price", "price"],
  ["stock", "stock"],
  ["per_customer_limit", "perCustomerLimit"],
  ["sort_order", "sortOrder"],
] as const;

interface VariantPlan {
  add: NewVariantInput[];
  update: VariantPatchInput[];
  remove: string[];
  liveAfter: number;
  audit: { added: unknown[]; updated: unknown[]; removed: unknown[] };
}

function planVariants(existing: Variant[], patch: VariantPatchInput[]): VariantPlan {
  const byId = new Map(existing.map((v) => [v.id, v]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const plan: VariantPlan = {
    add: [],
    update: [],
    remove: [],
    liveAfter: 0,
    audit: { added: [], updated: [], removed: [] },
  };
  let nextSort = Math.max(-1, ...existing.map((v) => v.sortOrder)) + 1;
  patch.forEach((p, i) => {
    if (p.id === undefined) {
      const { id: _i, remove: _r, ...fields } = p;
      plan.add.push({
        ...fields,
        name: p.name!,
        price: p.price!,
        stock: p.stock!,
        sort_order: p.sort_order ?? nextSort++,
      });
      plan.audit.added.push({ name: p.name, price: p.price, stock: p.stock });
      return;
    }
    const current = byId.get(p.id);
    if (!current) {
      errors.push({ path: `variants.${i}.id`, message: "No such variant in this campaign" });
      return;
    }
    if (seen.has(p.id)) {
      errors.push({ path: `variants.${i}.id`, message: "Listed twice" });
      return;
    }
    seen.add(p.id);
    if (p.remove) {
      plan.remove.push(p.id);
      plan.audit.removed.push({ id: p.id, name: current.name });
      return;
    }
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    for (const [wire, col] of variantFields) {
      const to = p[wire];
      if (to !== undefined && to !== current[col]) changed[wire] = { from: current[col], to };
    }
    if (Object.keys(changed).length) {
      plan.update.push(p);
      plan.audit.updated.push({ id: p.id, ...changed });
    }
  });
  if (errors.length) {
    throw new AppError("validation_failed", { detail: "Some variants cannot be changed", errors });
  }
  plan.liveAfter =
    existing.filter((v) => v.archivedAt === null && !plan.remove.includes(v.id)).length +
    plan.add.length;
  if (existing.length + plan.add.length > MAX_VARIANTS) {
    throw new AppError("validation_failed", {
      errors: [{ path: "variants", message: `At most ${MAX_VARIANTS} variants per campaign` }],
    });
  }
  return plan;
}

const storedQuestion = (q: Question) => ({
  key: q.key,
  label: q.label,
  help: q.help ?? null,
  type: q.type,
  required: q.required,
  options: q.options ?? null,
  max_length: q.maxLength,
  sort_order: q.sortOrder,
});

/** Wire fields whose change is a status change, not a settings update. */
const STATUS_FIELDS = new Set(["status", "paused_from_status", "published_at"]);
const NOT_SETTINGS = new Set(["version", "updated_at", "created_at", "id", ...STATUS_FIELDS]);

function diffSettings(before: Campaign, after: Campaign) {
  const a = summaryToWire(before) as Record<string, unknown>;
  const b = summaryToWire(after) as Record<string, unknown>;
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(b)) {
    if (NOT_SETTINGS.has(key)) continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key]))
      changes[key] = { from: a[key], to: b[key] };
  }
  return changes;
}

/**
 * Applies a PATCH: settings, variants (add / update / remove by id),
 * questions (the whole list, matched by key), and a status transition, in one
 * batch with its audit rows (`campaign.update` for the edits,
 * `campaign.status` for the transition). The batch applies only to the
 * campaign version it was planned on.
 */
export async function updateCampaign(
  db: Db,
  audit: AuditContext,
  id: string,
  patch: PatchCampaignInput,
  now: number,
): Promise<CampaignBundle> {
  const before = await getCampaign(db, id);
  const c = before.campaign;
  if (patch.version !== undefined && patch.version !== c.version) {
    throw new AppError("conflict", {
      detail: `The campaign is at version ${c.version}, not ${patch.version}; reload it and retry`,
      extra: { version: c.version },
    });
  }
  const {
    status,
    variants: variantPatch,
    questions: newQuestions,
    slug,
    version: _v,
    ...settings
  } = patch;
  const cols = settingsToColumns(settings);
  if (slug !== undefined && slug !== c.slug) {
    if (c.status !== "draft") {
      throw new AppError("conflict", {
        detail: "The slug is fixed once published (widgets and links use it)",
      });
    }
    cols.slug = slug;
  }
  if (cols.currency !== undefined && cols.currency !== c.currency && c.status !== "draft") {
    throw new AppError("conflict", { detail: "The currency is fixed once published" });
  }
  const edited = { ...c, ...cols } as Campaign;
  checkSettings(edited);

  const plan = planVariants(before.variants, variantPatch ?? []);
  const statusCols =
    status !== undefined && status !== c.status
      ? transitionColumns(edited, plan.liveAfter, status, now)
      : {};
  const settingsChanges = diffSettings(c, edited);
  const questionsChanged =
    newQuestions !== undefined &&
    JSON.stringify(newQuestions.map((q, i) => questionToStored(q, i))) !==
      JSON.stringify(before.questions.map(storedQuestion));
  const variantsChanged = plan.add.length + plan.update.length + plan.remove.length > 0;
  const edits = Object.keys(settingsChanges).length > 0 || questionsChanged || variantsChanged;
  if (!edits && !statusCols.status) return before;

  const stmts: Stmt[] = [
    abortUnless(db, id, sql`version = ${c.version}`),
    db
      .update(campaigns)
      .set({ ...cols, ...statusCols, version: sql`version + 1`, updatedAt: now })
      .where(eq(campaigns.id, id)),
  ];
  if (plan.update.length) stmts.push(updateVariants(db, id, plan.update, now));
  if (plan.remove.length) stmts.push(...removeVariants(db, id, plan.remove, now));
  if (plan.add.length) stmts.push(insertVariants(db, id, plan.add, 0, now));
  if (questionsChanged) stmts.push(...replaceQuestions(db, id, newQuestions, now));
  const target = { targetType: "campaign", targetId: id, campaignId: id } as const;
  if (edits) {
    const changes: Record<string, unknown> = { ...settingsChanges };
    if (variantsChanged) changes.variants = plan.audit;
    if (questionsChanged) {
      changes.questions = {
        from: before.questions.map((q) => q.key),
        to: newQuestions.map((q) => q.key),
      };
    }
    stmts.push(auditInsert(db, audit, { ...target, action: "campaign.update", changes }));
  }
  if (statusCols.status) {
    stmts.push(
      auditInsert(db, audit, {
        ...target,
        action: "campaign.status",
        changes: { status: { from: c.status, to: statusCols.status } },
      }),
    );
  }
  try {
    await db.batch(stmts as Stmts);
  } catch (e) {
    throw await mapWriteError(db, e, {
      slug,
      campaignId: id,
      stock: plan.update.flatMap((v) =>
        v.stock === undefined ? [] : [{ id: v.id!, stock: v.stock }],
      ),
      removed: plan.remove,
    });
  }
  forgetPublicCampaign(c.slug);
  return getCampaign(db, id);
}
