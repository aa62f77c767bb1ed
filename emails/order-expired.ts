/**
 * A held pre-order ran out of time; units went back. Transactional. Two
 * reasons (`data.reason`, written by src/domain/preorders/expire.ts):
 * `unverified`, a pending_verification order whose email was not confirmed in
 * time, and `hold`, a reserved order past the campaign's optional hold.
 * Rows queued before the field existed were all `unverified`.
 */
import { renderLayout } from "./layout";
import { orderBlock } from "./parts";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Your {campaign} pre-order has expired",
    preheader_unverified: "Your email wasn't confirmed in time, so the items went back on sale.",
    preheader_hold: "The time we held your items for ran out, so they went back on sale.",
    heading: "Your pre-order has expired",
    body_unverified:
      "We held the items of pre-order {order} for you, but the email address wasn't confirmed in time, so the order expired and the items went back on sale.",
    body_hold:
      "We held the items of pre-order {order} for you for a limited time. That time ran out before the order was confirmed, so the order expired and the items went back on sale.",
    again: "Still interested? If there's stock left, you can place a new pre-order.",
    action: "Pre-order again",
    reason:
      "You're receiving this because a pre-order for {campaign} was placed with this address.",
  },
  {
    subject: "{campaign} buyurtmangiz muddati tugadi",
    preheader_unverified:
      "Elektron pochtangiz oʻz vaqtida tasdiqlanmadi, shuning uchun mahsulotlar qayta sotuvga chiqarildi.",
    preheader_hold:
      "Mahsulotlarni siz uchun band qilib turish muddati tugadi, shuning uchun ular qayta sotuvga chiqarildi.",
    heading: "Buyurtmangiz muddati tugadi",
    body_unverified:
      "{order} raqamli buyurtmangiz uchun mahsulotlarni band qilib turgan edik, biroq elektron pochta manzili oʻz vaqtida tasdiqlanmadi. Shu sababli buyurtma bekor boʻldi va mahsulotlar qayta sotuvga chiqarildi.",
    body_hold:
      "{order} raqamli buyurtmangiz uchun mahsulotlarni maʼlum muddatga band qilib turgan edik, biroq buyurtma tasdiqlanishidan oldin bu muddat tugadi. Shu sababli buyurtma bekor boʻldi va mahsulotlar qayta sotuvga chiqarildi.",
    again: "Hali ham qiziqyapsizmi? Mahsulot qolgan boʻlsa, yangi buyurtma berishingiz mumkin.",
    action: "Qayta buyurtma berish",
    reason:
      "Bu xat sizga ushbu manzil bilan {campaign} uchun oldindan buyurtma berilgani uchun yuborildi.",
  },
);

export function orderExpired(ctx: EmailContext<"order_expired">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const hold = ctx.data.reason === "hold";
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: t(hold ? "preheader_hold" : "preheader_unverified"),
    heading: t("heading"),
    body: [
      { kind: "p", text: t(hold ? "body_hold" : "body_unverified", { order: ctx.data.orderId }) },
      orderBlock(ctx.data, ctx.locale),
      { kind: "p", text: t("again") },
    ],
    action: { label: t("action"), url: ctx.links.action },
    reason: t("reason", { campaign }),
  });
}
