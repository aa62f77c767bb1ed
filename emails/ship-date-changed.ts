/** The expected ship date moved. Transactional. */
import { formatDate } from "./format";
import { renderLayout } from "./layout";
import { replyNote } from "./parts";
import { common, defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "New ship date for your {campaign} pre-order",
    preheader: "Your pre-order is now expected to ship on {date}.",
    heading: "Your ship date has changed",
    body_moved: "Your {campaign} pre-order is now expected to ship on {date} instead of {old}.",
    body: "Your {campaign} pre-order is now expected to ship on {date}.",
    old_date: "Previous date",
    new_date: "New date",
    nothing_else:
      "Nothing else about your order has changed. If the new date doesn't work for you, you can cancel your pre-order from your order page; the units go back to stock.",
    action: "View or cancel my order",
    reason: "You're receiving this because you placed a pre-order for {campaign}.",
  },
  {
    subject: "{campaign} buyurtmangiz uchun yangi joʻnatish sanasi",
    preheader: "Buyurtmangiz endi taxminan {date} kuni joʻnatiladi.",
    heading: "Joʻnatish sanasi oʻzgardi",
    body_moved: "{campaign} buyurtmangiz {old} oʻrniga endi taxminan {date} kuni joʻnatiladi.",
    body: "{campaign} buyurtmangiz endi taxminan {date} kuni joʻnatiladi.",
    old_date: "Avvalgi sana",
    new_date: "Yangi sana",
    nothing_else:
      "Buyurtmangizdagi boshqa hech narsa oʻzgarmadi. Yangi sana sizga toʻgʻri kelmasa, buyurtma sahifangizdan buyurtmani bekor qilishingiz mumkin.",
    action: "Buyurtmani koʻrish yoki bekor qilish",
    reason: "Bu xat sizga {campaign} uchun oldindan buyurtma berganingiz uchun yuborildi.",
  },
);

export function shipDateChanged(ctx: EmailContext<"ship_date_changed">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const c = translator(common, ctx.locale);
  const campaign = ctx.campaign.name;
  const date = formatDate(ctx.data.newDate, ctx.locale);
  const old = ctx.data.oldDate ? formatDate(ctx.data.oldDate, ctx.locale) : null;
  const rows: [string, string][] = [];
  if (ctx.data.orderId) rows.push([c("order_number"), ctx.data.orderId]);
  if (old) rows.push([t("old_date"), old]);
  rows.push([t("new_date"), date]);
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: t("preheader", { date }),
    heading: t("heading"),
    body: [
      {
        kind: "p",
        text: old ? t("body_moved", { campaign, date, old }) : t("body", { campaign, date }),
      },
      { kind: "facts", rows },
      { kind: "p", text: t("nothing_else") },
    ],
    action: { label: t("action"), url: ctx.links.order },
    after: replyNote(ctx.campaign.branding.replyTo, ctx.locale),
    reason: t("reason", { campaign }),
  });
}
