import type { Db } from "../../db/client";
import { AppError } from "../../lib/errors";
import { STALE_GUARD_CHECK } from "../campaigns/statements";
import { constraintCode, errorText } from "../db-errors";
import { isLostKey, lostKey } from "./idempotency";
import type { Line } from "./place";
import type { Draft } from "./place-batch";
import { liveUnitsOf, remainingOf } from "./read";
import {
  inviteRejected,
  isUnitsBudgetSpent,
  isUnverifiedCap,
  unitsBudgetError,
  unverifiedCapError,
} from "./verify";

/** The reply for a failed order batch: which cap it hit, read back after the failure. */
export async function explainFailure(
  db: Db,
  e: unknown,
  d: Draft,
  lines: Line[],
): Promise<unknown> {
  const text = errorText(e);
  if (text.includes(STALE_GUARD_CHECK)) {
    return new AppError("campaign_closed", {
      detail: "This campaign is not taking pre-orders now",
    });
  }
  if (isLostKey(e)) return lostKey();
  if (isUnverifiedCap(e)) return unverifiedCapError();
  if (isUnitsBudgetSpent(e)) return unitsBudgetError(d.now);
  const code = constraintCode(e);
  if (code === "sold_out") {
    const now = await remainingOf(
      db,
      lines.map((l) => l.variant.id),
    );
    return soldOut(
      lines.map((l) => ({
        ...l,
        variant: { ...l.variant, remaining: now.get(l.variant.id) ?? 0 },
      })),
    );
  }
  if (code === "limit_exceeded") {
    const have = await liveUnitsOf(db, d.campaign.id, d.email.normalized, !d.pending);
    const capped = lines.filter((l) => l.variant.perCustomerLimit !== null);
    const over = (l: Line) =>
      (have.get(l.variant.id) ?? 0) + l.quantity > (l.variant.perCustomerLimit ?? 0);
    const line = capped.find(over) ?? capped[0] ?? (lines[0] as Line);
    return capError(line, have.get(line.variant.id) ?? 0);
  }
  if (code === "invite_used_up") return inviteRejected(d.campaign, "used_up");
  if (/FOREIGN KEY constraint failed/i.test(text)) {
    return new AppError("conflict", { detail: "The campaign changed while ordering; try again" });
  }
  return e;
}

/** 409 `sold_out` naming the first line that does not fit and what is left of it. */
export function soldOut(lines: Line[]): AppError {
  const line =
    lines.find((l) => l.quantity > l.variant.remaining) ??
    ([...lines].sort((a, b) => a.variant.remaining - b.variant.remaining)[0] as Line);
  const { id, name, remaining } = line.variant;
  return new AppError("sold_out", {
    detail: remaining > 0 ? `Only ${remaining} of "${name}" left` : `"${name}" is sold out`,
    extra: { variant_id: id, variant_name: name, remaining, requested: line.quantity },
  });
}

/** 409 `limit_exceeded`: the per-customer cap of the line's variant. */
export function capError(line: Line, have: number): AppError {
  const { id, name, perCustomerLimit: cap } = line.variant;
  return new AppError("limit_exceeded", {
    detail: `At most ${cap} of "${name}" per customer${have ? `; this email already has ${have}` : ""}`,
    extra: {
      limit: "per_customer",
      variant_id: id,
      variant_name: name,
      per_customer_limit: cap,
      already_ordered: have,
      requested: line.quantity,
    },
  });
}
