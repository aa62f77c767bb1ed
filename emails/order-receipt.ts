/** The pre-order is in: items, total, ship date and the order page. Transactional. */
import { formatDate, formatDateTime, formatMoney } from "./format";
import { type Block, renderLayout } from "./layout";
import { orderBlock, replyNote } from "./parts";
import { common, defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Your {campaign} pre-order is in",
    preheader: "Order {order}, {total}. Expected to ship on {date}.",
    preheader_no_date: "Order {order}, {total}. Keep this email for your records.",
    heading: "Thanks for your pre-order",
    body: "Your pre-order for {campaign} is in. Here's what you ordered:",
    cancel_until: "Changed your mind? You can cancel from your order page until {date}.",
    action: "View my order",
    note: "Keep this email: the button opens your order page, where you can check its status at any time.",
    reason: "You're receiving this because you placed a pre-order for {campaign}.",
  },
  {
    subject: "{campaign}: oldindan buyurtmangiz qabul qilindi",
    preheader: "Buyurtma {order}, {total}. Taxminiy joʻnatish sanasi: {date}.",
    preheader_no_date: "Buyurtma {order}, {total}. Bu xatni saqlab qoʻying.",
    heading: "Buyurtmangiz uchun rahmat",
    body: "{campaign} uchun oldindan buyurtmangiz qabul qilindi. Buyurtmangiz tarkibi:",
    cancel_until:
      "Fikringiz oʻzgardimi? Buyurtmani buyurtma sahifasida bekor qilishingiz mumkin. Oxirgi muddat: {date}.",
    action: "Buyurtmamni koʻrish",
    note: "Bu xatni saqlab qoʻying: tugma buyurtma sahifangizni ochadi, u yerda buyurtma holatini istalgan vaqtda koʻrishingiz mumkin.",
    reason: "Bu xat sizga {campaign} uchun oldindan buyurtma berganingiz uchun yuborildi.",
  },
);

export function orderReceipt(ctx: EmailContext<"order_receipt">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const c = translator(common, ctx.locale);
  const campaign = ctx.campaign.name;
  const order = ctx.data.orderId;
  const total = formatMoney(ctx.data.total, ctx.data.currency, ctx.locale);
  const shipDate = ctx.campaign.expectedShipDate
    ? formatDate(ctx.campaign.expectedShipDate, ctx.locale)
    : null;
  const facts: [string, string][] = [[c("order_number"), order]];
  if (shipDate) facts.push([c("expected_ship_date"), shipDate]);
  const cancel: Block[] = ctx.data.cancelUntil
    ? [
        {
          kind: "p",
          text: t("cancel_until", {
            date: formatDateTime(ctx.data.cancelUntil, ctx.locale, ctx.campaign.timeZone),
          }),
        },
      ]
    : [];
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: shipDate
      ? t("preheader", { order, total, date: shipDate })
      : t("preheader_no_date", { order, total }),
    heading: t("heading"),
    body: [
      { kind: "p", text: t("body", { campaign }) },
      orderBlock(ctx.data, ctx.locale),
      { kind: "facts", rows: facts },
      ...cancel,
    ],
    action: { label: t("action"), url: ctx.links.order },
    after: [
      { kind: "note", text: t("note") },
      ...replyNote(ctx.campaign.branding.replyTo, ctx.locale),
    ],
    reason: t("reason", { campaign }),
  });
}
