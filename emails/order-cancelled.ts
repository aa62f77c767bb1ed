/** The order was cancelled, by the customer or by the team; units went back. Transactional. */
import { renderLayout } from "./layout";
import { orderBlock, replyNote } from "./parts";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Your {campaign} pre-order has been cancelled",
    preheader_customer: "Order {order} is cancelled, as you asked.",
    preheader_admin: "Order {order} was cancelled by {sender}.",
    heading: "Your pre-order is cancelled",
    body_customer: "As you asked, we've cancelled your pre-order {order}. These items were in it:",
    body_admin:
      "We're sorry: {sender} had to cancel your pre-order {order}. These items were in it:",
    again: "Cancelled by mistake? If there's stock left, you can place a new pre-order.",
    action: "Go to {campaign}",
    reason: "You're receiving this because you placed a pre-order for {campaign}.",
  },
  {
    subject: "{campaign} buyurtmangiz bekor qilindi",
    preheader_customer: "Soʻrovingizga koʻra {order} raqamli buyurtma bekor qilindi.",
    preheader_admin: "{order} raqamli buyurtma {sender} tomonidan bekor qilindi.",
    heading: "Buyurtmangiz bekor qilindi",
    body_customer:
      "Soʻrovingizga binoan {order} raqamli oldindan buyurtmangizni bekor qildik. Buyurtmada quyidagilar bor edi:",
    body_admin:
      "Uzr soʻraymiz: {sender} {order} raqamli oldindan buyurtmangizni bekor qilishga majbur boʻldi. Buyurtmada quyidagilar bor edi:",
    again:
      "Adashib bekor qildingizmi? Mahsulot hali qolgan boʻlsa, yangi buyurtma berishingiz mumkin.",
    action: "{campaign} sahifasiga oʻtish",
    reason: "Bu xat sizga {campaign} uchun oldindan buyurtma berganingiz uchun yuborildi.",
  },
);

export function orderCancelled(ctx: EmailContext<"order_cancelled">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const sender = ctx.campaign.branding.senderName?.trim() || campaign;
  const order = ctx.data.orderId;
  const byAdmin = ctx.data.cancelledBy === "admin";
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: byAdmin
      ? t("preheader_admin", { order, sender })
      : t("preheader_customer", { order }),
    heading: t("heading"),
    body: [
      {
        kind: "p",
        text: byAdmin ? t("body_admin", { order, sender }) : t("body_customer", { order }),
      },
      orderBlock(ctx.data, ctx.locale),
      ...(byAdmin ? [] : [{ kind: "p" as const, text: t("again") }]),
    ],
    action: { label: t("action", { campaign }), url: ctx.links.action },
    after: replyNote(ctx.campaign.branding.replyTo, ctx.locale),
    reason: t("reason", { campaign }),
  });
}
