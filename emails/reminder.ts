/** Invited but not ordered yet: a nudge with the same code. List mail. */
import { expiryText, inviteBlocks } from "./invite-parts";
import { renderLayout } from "./layout";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Reminder: your {campaign} invite is waiting",
    preheader: "Your personal code works until {date}. Pre-order while stock lasts.",
    preheader_no_expiry: "Your personal code is still waiting. Pre-order while stock lasts.",
    heading: "Your invite is still waiting",
    body: "A quick reminder: you're invited to pre-order {campaign}, and your personal code hasn't been used yet.",
    code_label: "Your personal invite code",
    expires: "Your code works until {date}.",
    action: "Pre-order now",
    note: "Changed your mind? You don't need to do anything.",
    reason: "You're receiving this because you joined the {campaign} waitlist and were invited.",
  },
  {
    subject: "Eslatma: {campaign} taklifnomangiz sizni kutmoqda",
    preheader:
      "Shaxsiy kodingiz hali kuchda, muddati: {date}. Mahsulot tugab qolmasidan buyurtma bering.",
    preheader_no_expiry:
      "Shaxsiy kodingiz hali ham sizni kutmoqda. Mahsulot tugab qolmasidan buyurtma bering.",
    heading: "Taklifnomangiz hali ham kuchda",
    body: "Eslatib oʻtamiz: sizni {campaign} uchun oldindan buyurtma berishga taklif qilganmiz, shaxsiy kodingiz esa hali ishlatilmagan.",
    code_label: "Shaxsiy taklif kodingiz",
    expires: "Kodning amal qilish muddati: {date}.",
    action: "Hozir buyurtma berish",
    note: "Fikringiz oʻzgardimi? Hech narsa qilishingiz shart emas.",
    reason:
      "Bu xat sizga {campaign} kutish roʻyxatiga qoʻshilganingiz va taklifnoma olganingiz uchun yuborildi.",
  },
);

export function reminder(ctx: EmailContext<"reminder">): RenderedEmail {
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
