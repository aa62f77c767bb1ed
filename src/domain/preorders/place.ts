import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { type Locale, newId } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { iso } from "../../lib/wire";
import { parseEmail } from "../signups/email";
import { fieldIssueMessage, validateOrderFields } from "./fields";
import { type Claim, finishStatement, type StoredReply } from "./idempotency";
import { type Draft, orderStatements } from "./place-batch";
import { capError, explainFailure, soldOut } from "./place-errors";
import { itemToWire, type OrderVariant, orderTokenUrl, type PlacingCampaign } from "./read";
import { proveEmail, UNVERIFIED_LIMITS, unverifiedOrderTooLarge } from "./verify";

export interface PlaceInput {
  email: string;
  name?: string | undefined;
  invite_code?: string | undefined;
  status_token?: string | undefined;
  items: { variant_id: string; quantity: number }[];
  fields?: Record<string, string> | undefined;
}

export interface PlaceContext {
  settings: Pick<Settings, "TOKEN_SECRET" | "PUBLIC_URL">;
  /** The order's language, given the proven signup's (if any). */
  localeFor: (signupLocale: Locale | null) => Locale;
  ipHmac: string;
  /** The idempotency claim whose reply this order's batch writes. */
  claim: Claim;
  now: number;
}

export interface Line {
  variant: OrderVariant;
  quantity: number;
}

/** The 201 body as stored for replays: everything but the manage link. */
export interface StoredPlaced {
  id: string;
  status: "reserved" | "pending_verification";
  items: ReturnType<typeof itemToWire>[];
  total: number;
  currency: string;
  expires_at: string | null;
}

/** The 201 body. `manage_url` (a token) is never stored: replays derive it again. */
export const placedBody = (stored: StoredPlaced, manageUrl: string) => ({
  ...stored,
  manage_url: manageUrl,
});

export interface Placed {
  /** The reply stored for replays (without manage_url). */
  reply: StoredReply;
  body: ReturnType<typeof placedBody>;
}

const invalid = (path: string, message: string) =>
  new AppError("validation_failed", {
    detail: "The request has invalid or missing fields",
    errors: [{ path, message }],
  });

/** Merges lines of one variant (one item row per variant) and checks each is on sale here. */
function linesOf(items: PlaceInput["items"], onSale: readonly OrderVariant[]): Line[] {
  const byId = new Map(onSale.map((v) => [v.id, v]));
  const lines = new Map<string, Line>();
  items.forEach((item, i) => {
    const variant = byId.get(item.variant_id);
    if (!variant) throw invalid(`items.${i}.variant_id`, "No such variant on sale here");
    const line = lines.get(variant.id) ?? { variant, quantity: 0 };
    line.quantity += item.quantity;
    lines.set(variant.id, line);
  });
  return [...lines.values()];
}

/**
 * Places the order or throws the AppError to answer with. The caller holds
 * the idempotency claim and stores error replies; a success's reply is
 * stored by the order's own batch.
 */
export async function placeOrder(
  db: Db,
  loaded: { campaign: PlacingCampaign; variants: OrderVariant[] },
  input: PlaceInput,
  ctx: PlaceContext,
): Promise<Placed> {
  const { campaign } = loaded;
  const { now } = ctx;
  if (campaign.status !== "presale") {
    throw new AppError("campaign_closed", {
      detail: "This campaign is not taking pre-orders now",
      extra: { campaign_status: campaign.status },
    });
  }
  const email = parseEmail(input.email);
  if ("problem" in email) throw invalid("email", "Enter a valid email address");
  const lines = linesOf(input.items, loaded.variants);
  const { values: fields, issues } = validateOrderFields(campaign.orderFields, input.fields);
  if (issues.length) {
    throw new AppError("validation_failed", {
      detail: "Some order fields are missing or invalid",
      errors: issues.map((i) => ({ path: i.path, message: fieldIssueMessage(i) })),
    });
  }
  // Prices go up to 10^12 minor units and an order up to 20 × 1000 units:
  // past 2^53 a JSON number (and D1's) loses cents, so such a total is refused.
  const total = lines.reduce((sum, l) => sum + l.quantity * l.variant.price, 0);
  if (!Number.isSafeInteger(total)) throw invalid("items", "The order total is too large");
  const overCap = lines.find((l) => l.quantity > (l.variant.perCustomerLimit ?? Infinity));
  if (overCap) throw capError(overCap, 0);

  const proof = await proveEmail(db, ctx.settings.TOKEN_SECRET, campaign, {
    emailNormalized: email.normalized,
    statusToken: input.status_token,
    inviteCode: input.invite_code,
    now,
  });
  // A fast refusal without writing; the CHECK in the batch is what enforces
  // it. A proven signup may hold backfill units beyond `remaining`, so only
  // the batch can tell for them.
  const short = proof.signupId ? null : lines.find((l) => l.quantity > l.variant.remaining);
  if (short) throw soldOut([short]);
  const units = lines.reduce((n, l) => n + l.quantity, 0);
  if (!proof.proven && units > UNVERIFIED_LIMITS.unitsPerIpHour) throw unverifiedOrderTooLarge();

  const items = lines.map((l) => ({
    id: newId("itm"),
    variantId: l.variant.id,
    variantName: l.variant.name,
    quantity: l.quantity,
    unitPrice: l.variant.price,
  }));
  const hold = proof.proven ? campaign.holdMinutes : campaign.verifyMinutes;
  const draft: Draft = {
    id: newId("ord"),
    campaign,
    proof,
    email,
    name: input.name?.trim() || null,
    fields,
    locale: ctx.localeFor(proof.signupLocale),
    pending: !proof.proven,
    holdUntil: hold === null ? null : now + hold * 60_000,
    items,
    total,
    ipHmac: ctx.ipHmac,
    now,
  };
  const stored: StoredPlaced = {
    id: draft.id,
    status: draft.pending ? "pending_verification" : "reserved",
    items: items.map(itemToWire),
    total: draft.total,
    currency: campaign.currency,
    expires_at: iso(draft.holdUntil),
  };
  const reply: StoredReply = {
    status: 201,
    body: JSON.stringify(stored),
    headers: { "content-type": "application/json", location: `/v1/preorders/${draft.id}` },
  };
  const stmts = orderStatements(db, draft);
  stmts.push(finishStatement(db, ctx.claim, reply, now));
  try {
    await db.batch(stmts);
  } catch (e) {
    throw await explainFailure(db, e, draft, lines);
  }
  const url = await orderTokenUrl(ctx.settings, { id: draft.id, tokenVersion: 1 });
  return { reply, body: placedBody(stored, url) };
}
