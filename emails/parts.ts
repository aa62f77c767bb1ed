/** Pieces several templates share: the order summary, links, and sanity checks on numbers. */
import { formatMoney } from "./format";
import type { Block } from "./layout";
import { common, translator } from "./strings";
import type { Locale, OrderData } from "./types";

/** A whole, non-negative count; anything else becomes null (the copy then leaves it out). */
export function count(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0
    ? Math.floor(value)
    : null;
}

/** The items table with line totals and the order total. */
export function orderBlock(order: OrderData, locale: Locale): Block {
  const t = translator(common, locale);
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  return {
    kind: "order",
    lines: order.items.map((item) => ({
      name: item.name,
      quantity: `${item.quantity} × ${money(item.unitPrice)}`,
      amount: money(item.quantity * item.unitPrice),
    })),
    totalLabel: t("total"),
    total: money(order.total),
  };
}

/** "Questions? Just reply." only when replies reach someone (the campaign has a reply-to). */
export function replyNote(replyTo: string | undefined, locale: Locale): Block[] {
  return replyTo?.trim()
    ? [{ kind: "note", text: translator(common, locale)("questions_reply") }]
    : [];
}
