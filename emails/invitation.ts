/** A wave invite: the personal code and the pre-order link. List mail. */
import { expiryText, inviteBlocks } from "./invite-parts";
import { renderLayout } from "./layout";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "You're invited: your code for {campaign}",
    preheader: "It's your turn. Use your personal code to pre-order before {date}.",
    preheader_no_expiry: "It's your turn. Use your personal code to pre-order.",
    heading: "It's your turn",
    body: "Thanks for waiting. You're invited to pre-order {campaign}.",
    code_label: "Your personal invite code",
    expires: "Your code works until {date}.",
    action: "Pre-order now",
    note: "The code is yours alone and works once. Quantities are limited, so don't wait too long.",
    reason: "You're receiving this because you joined the {campaign} waitlist.",
  },
  {
    subject: "Taklifnoma: {campaign} uchun kodingiz",
    preheader:
      "Navbatingiz keldi. Shaxsiy kodingiz bilan oldindan buyurtma bering. Muddat: {date}.",
    preheader_no_expiry: "Navbatingiz keldi. Shaxsiy kodingiz bilan oldindan buyurtma bering.",
    heading: "Navbatingiz keldi",
    body: "Kutganingiz uchun rahmat. Sizni {campaign} uchun oldindan buyurtma berishga taklif qilamiz.",
    code_label: "Shaxsiy taklif kodingiz",
    expires: "Kodning amal qilish muddati: {date}.",
    action: "Hozir buyurtma berish",
    note: "Kod faqat siz uchun va bir marta ishlaydi. Mahsulot soni cheklangan, shuning uchun kechiktirmang.",
    reason: "Bu xat sizga {campaign} kutish roʻyxatiga qoʻshilganingiz uchun yuborildi.",
  },
);

export function invitation(ctx: EmailContext<"invitation">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const date = expiryText(ctx, ctx.data);
  return renderLayout({
    ...ctx,
    category: "list",
    subject: t("subject", { campaign }),
    preheader: date ? t("preheader", { date }) : t("preheader_no_expiry"),
    heading: t("heading"),
    body: [
      { kind: "p", text: t("body", { campaign }) },
      ...inviteBlocks(ctx, ctx.data, { code_label: t("code_label"), expires: t("expires") }),
    ],
    action: { label: t("action"), url: ctx.links.action },
    after: [{ kind: "note", text: t("note") }],
    reason: t("reason", { campaign }),
    unsubscribeUrl: ctx.links.unsubscribe,
    manageUrl: ctx.links.manage,
  });
}
