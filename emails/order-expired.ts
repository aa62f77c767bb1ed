/** A pending_verification order was not confirmed in time; units went back. Transactional. */
import { renderLayout } from "./layout";
import { orderBlock } from "./parts";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Your {campaign} pre-order has expired",
    preheader: "Your email wasn't confirmed in time, so the items went back on sale.",
    heading: "Your pre-order has expired",
    body: "We held the items of pre-order {order} for you, but the email address wasn't confirmed in time, so the order expired and the items went back on sale.",
    again: "Still interested? If there's stock left, you can place a new pre-order.",
    action: "Pre-order again",
    reason:
      "You're receiving this because a pre-order for {campaign} was placed with this address.",
  },
  {
    subject: "{campaign} buyurtmangiz muddati tugadi",
    preheader:
      "Elektron pochtangiz oʻz vaqtida tasdiqlanmadi, shuning uchun mahsulotlar qayta sotuvga chiqarildi.",
    heading: "Buyurtmangiz muddati tugadi",
    body: "{order} raqamli buyurtmangiz uchun mahsulotlarni band qilib turgan edik, biroq elektron pochta manzili oʻz vaqtida tasdiqlanmadi. Shu sababli buyurtma bekor boʻldi va mahsulotlar qayta sotuvga chiqarildi.",
    again: "Hali ham qiziqyapsizmi? Mahsulot qolgan boʻlsa, yangi buyurtma berishingiz mumkin.",
    action: "Qayta buyurtma berish",
    reason:
      "Bu xat sizga ushbu manzil bilan {campaign} uchun oldindan buyurtma berilgani uchun yuborildi.",
  },
);

export function orderExpired(ctx: EmailContext<"order_expired">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: t("preheader"),
    heading: t("heading"),
    body: [
      { kind: "p", text: t("body", { order: ctx.data.orderId }) },
      orderBlock(ctx.data, ctx.locale),
      { kind: "p", text: t("again") },
    ],
    action: { label: t("action"), url: ctx.links.action },
    reason: t("reason", { campaign }),
  });
}
