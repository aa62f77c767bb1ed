/** A pre-order from an unproven email: confirm it before the held units go back. Transactional. */
import { formatDuration, formatMoney } from "./format";
import { renderLayout } from "./layout";
import { count, orderBlock } from "./parts";
import { common, defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Confirm your {campaign} pre-order",
    preheader:
      "Order {order}, {total}: your items are on hold for {duration}. Confirm to keep them.",
    heading: "Confirm your pre-order",
    body: "We're holding your items. Confirm your email address within {duration} to keep your pre-order; after that the items go back on sale.",
    action: "Confirm my pre-order",
    note: "Didn't place this order? Ignore this email and the hold will be released.",
    reason:
      "You're receiving this because a pre-order for {campaign} was placed with this address.",
  },
  {
    subject: "{campaign} buyurtmangizni tasdiqlang",
    preheader:
      "Buyurtma {order}, {total}: mahsulotlar {duration} davomida siz uchun band qilingan. Ularni saqlab qolish uchun tasdiqlang.",
    heading: "Buyurtmangizni tasdiqlang",
    body: "Tanlagan mahsulotlaringizni siz uchun band qilib qoʻydik. Buyurtmani saqlab qolish uchun {duration} ichida elektron pochta manzilingizni tasdiqlang, aks holda mahsulotlar qayta sotuvga chiqariladi.",
    action: "Buyurtmani tasdiqlash",
    note: "Bu buyurtmani siz bermaganmisiz? Xatga eʼtibor bermang — band qilingan mahsulotlar boʻshatiladi.",
    reason:
      "Bu xat sizga ushbu manzil bilan {campaign} uchun oldindan buyurtma berilgani uchun yuborildi.",
  },
);

export function orderVerify(ctx: EmailContext<"order_verify">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const c = translator(common, ctx.locale);
  const campaign = ctx.campaign.name;
  const duration = formatDuration(count(ctx.data.expiresMinutes) ?? 60, ctx.locale);
  const total = formatMoney(ctx.data.total, ctx.data.currency, ctx.locale);
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: t("preheader", { order: ctx.data.orderId, total, duration }),
    heading: t("heading"),
    body: [
      { kind: "p", text: t("body", { duration }) },
      { kind: "facts", rows: [[c("order_number"), ctx.data.orderId]] },
      orderBlock(ctx.data, ctx.locale),
    ],
    action: { label: t("action"), url: ctx.links.action },
    after: [{ kind: "note", text: t("note") }],
    reason: t("reason", { campaign }),
  });
}
