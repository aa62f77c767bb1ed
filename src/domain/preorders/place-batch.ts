/**
 * The statements of one order batch (see ./place.ts for the order and why
 * each cap is a constraint inside the batch).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  holds,
  inviteCodes,
  inviteRedemptions,
  type Locale,
  type OrderFieldValues,
  preorders,
} from "../../db/schema";
import { abortUnless, run, type Stmts } from "../campaigns/statements";
import type { PlacingCampaign } from "./read";
import {
  orderMailInsert,
  type Proof,
  pendingDeadline,
  UNVERIFIED_LIMITS,
  unverifiedUnitsStatement,
} from "./verify";

/** What the batch writes, decided before it runs (the reply is stored by the batch itself). */
export interface Draft {
  id: string;
  campaign: PlacingCampaign;
  proof: Proof;
  email: { email: string; normalized: string };
  name: string | null;
  fields: OrderFieldValues;
  locale: Locale;
  pending: boolean;
  holdUntil: number | null;
  items: {
    id: string;
    variantId: string;
    variantName: string;
    quantity: number;
    unitPrice: number;
  }[];
  total: number;
  ipHmac: string;
  now: number;
}

/** Every write of the order, in the order ./place.ts describes. */
export function orderStatements(db: Db, d: Draft): Stmts {
  const { campaign, proof, now } = d;
  const lines = JSON.stringify(
    d.items.map((i) => ({
      id: i.id,
      v: i.variantId,
      q: i.quantity,
      p: i.unitPrice,
      n: i.variantName,
    })),
  );
  const stmts: Stmts = [
    abortUnless(db, campaign.id, sql`status = 'presale'`),
    db.insert(preorders).values({
      id: d.id,
      campaignId: campaign.id,
      signupId: proof.signupId,
      email: d.email.email,
      emailNormalized: d.email.normalized,
      name: d.name,
      locale: d.locale,
      status: d.pending ? "pending_verification" : "reserved",
      total: d.total,
      currency: campaign.currency,
      inviteId: proof.invite?.id ?? null,
      fields: d.fields,
      holdExpiresAt: d.pending
        ? pendingDeadline(campaign.id, d.email.normalized, d.holdUntil as number)
        : d.holdUntil,
      verifiedAt: d.pending ? null : now,
      ipHmac: d.ipHmac,
      createdAt: now,
      updatedAt: now,
    }),
    run(
      db,
      sql`INSERT INTO preorder_items (id, preorder_id, variant_id, quantity, unit_price,
          variant_name, created_at)
        SELECT j.value ->> 'id', ${d.id}, j.value ->> 'v', j.value ->> 'q', j.value ->> 'p',
          j.value ->> 'n', ${now}
        FROM json_each(${lines}) AS j`,
    ),
    // Units the person holds from a backfill come back into the sum as they are claimed.
    run(
      db,
      sql`UPDATE variants SET remaining = variants.remaining - (j.value ->> 'q')
          + coalesce((SELECT sum(h.quantity) FROM holds h WHERE h.signup_id = ${proof.signupId}
            AND h.variant_id = variants.id AND h.status = 'held' AND h.expires_at > ${now}), 0),
          updated_at = ${now}
        FROM json_each(${lines}) AS j
        WHERE variants.id = j.value ->> 'v'`,
    ),
  ];
  if (proof.signupId) {
    const mine = and(eq(holds.signupId, proof.signupId), eq(holds.status, "held"));
    const variantIds = d.items.map((i) => i.variantId);
    stmts.push(
      db
        .update(holds)
        .set({ status: "claimed", preorderId: d.id, claimedAt: now })
        .where(and(mine, sql`${holds.expiresAt} > ${now}`, inArray(holds.variantId, variantIds))),
    );
  }
  if (proof.invite) {
    // A code revoked or expired since it was read counts as used up: the CHECK aborts.
    const live = sql`${inviteCodes.revokedAt} IS NULL
      AND (${inviteCodes.expiresAt} IS NULL OR ${inviteCodes.expiresAt} > ${now})`;
    stmts.push(
      db
        .update(inviteCodes)
        .set({
          uses: sql`${inviteCodes.uses} + CASE WHEN ${live} THEN 1 ELSE ${inviteCodes.maxUses} + 1 END`,
          updatedAt: now,
        })
        .where(eq(inviteCodes.id, proof.invite.id)),
      db.insert(inviteRedemptions).values({
        inviteId: proof.invite.id,
        preorderId: d.id,
        emailNormalized: d.email.normalized,
        createdAt: now,
      }),
    );
  }
  const order = {
    id: d.id,
    campaignId: campaign.id,
    signupId: proof.signupId,
    email: d.email.email,
    locale: d.locale,
    status: d.pending ? ("pending_verification" as const) : ("reserved" as const),
    total: d.total,
    currency: campaign.currency,
  };
  stmts.push(orderMailInsert(db, order, d.items, campaign, now));
  if (d.pending) {
    // Last, so a refusal for stock or caps wins over the budget, and only
    // units this batch really holds are counted.
    const units = d.items.reduce((n, i) => n + i.quantity, 0);
    stmts.push(
      unverifiedUnitsStatement(db, d.ipHmac, units, UNVERIFIED_LIMITS.unitsPerIpHour, now),
    );
  }
  return stmts;
}
