/** The invite is about to expire: the last nudge before the spot goes to the next person. List mail. */
import { plural } from "./format";
import { expiryText, inviteBlocks } from "./invite-parts";
import { type Block, renderLayout } from "./layout";
import { count } from "./parts";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Last chance: your {campaign} invite expires soon",
    preheader:
      "Your code works until {date}. After that, your spot goes to the next person in line.",
    preheader_no_expiry:
      "Your code expires soon. After that, your spot goes to the next person in line.",
    heading: "Last chance to pre-order",
    body: "Your invite to pre-order {campaign} is about to expire. After that, your spot goes to the next person in line.",
    remaining_one: "Only 1 left.",
    remaining_other: "Only {count} left.",
    code_label: "Your personal invite code",
    expires: "Your code works until {date}.",
    action: "Pre-order now",
    note: "This is the last reminder we'll send about this invite.",
    reason: "You're receiving this because you joined the {campaign} waitlist and were invited.",
  },
  {
    subject: "Soʻnggi imkoniyat: {campaign} taklifnomangiz muddati tugamoqda",
    preheader: "Kodingiz muddati: {date}. Shundan soʻng oʻrningiz navbatdagi odamga oʻtadi.",
    preheader_no_expiry:
      "Kodingiz muddati tez orada tugaydi. Shundan soʻng oʻrningiz navbatdagi odamga oʻtadi.",
    heading: "Buyurtma berish uchun soʻnggi imkoniyat",
    body: "{campaign} uchun oldindan buyurtma berish taklifnomangiz muddati tugay deb qoldi. Shundan soʻng oʻrningiz navbatdagi odamga oʻtadi.",
    remaining_one: "Atigi 1 dona qoldi.",
    remaining_other: "Atigi {count} dona qoldi.",
    code_label: "Shaxsiy taklif kodingiz",
    expires: "Kodning amal qilish muddati: {date}.",
    action: "Hoziroq buyurtma berish",
    note: "Bu taklifnoma haqida yuboradigan soʻnggi eslatmamiz.",
    reason:
      "Bu xat sizga {campaign} kutish roʻyxatiga qoʻshilganingiz va taklifnoma olganingiz uchun yuborildi.",
  },
);

export function lastChance(ctx: EmailContext<"last_chance">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const date = expiryText(ctx, ctx.data);
  const remaining = count(ctx.data.remaining);
  const scarcity: Block[] =
    remaining && remaining > 0
      ? [
          {
            kind: "p",
            text: plural(
              ctx.locale,
              remaining,
              t("remaining_one"),
              t("remaining_other", { count: remaining }),
            ),
          },
        ]
      : [];
  return renderLayout({
    ...ctx,
    category: "list",
    subject: t("subject", { campaign }),
    preheader: date ? t("preheader", { date }) : t("preheader_no_expiry"),
    heading: t("heading"),
    body: [
      { kind: "p", text: t("body", { campaign }) },
      ...scarcity,
      ...inviteBlocks(ctx, ctx.data, { code_label: t("code_label"), expires: t("expires") }),
    ],
    action: { label: t("action"), url: ctx.links.action },
    after: [{ kind: "note", text: t("note") }],
    reason: t("reason", { campaign }),
    unsubscribeUrl: ctx.links.unsubscribe,
    manageUrl: ctx.links.manage,
  });
}
