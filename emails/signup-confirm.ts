/** Double opt-in: confirm the email to take a place in line. Transactional. */
import { formatDuration } from "./format";
import { renderLayout } from "./layout";
import { count } from "./parts";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Confirm your spot on the {campaign} waitlist",
    preheader: "One click and you're on the list. Didn't sign up? Just ignore this email.",
    heading: "Confirm your email",
    body: "Thanks for joining the {campaign} waitlist. Confirm your email address to take your place in line.",
    expires: "The link works for {duration}.",
    action: "Confirm my spot",
    note: "If you didn't sign up, ignore this email: you won't be added to the list.",
    reason: "You're receiving this because this address was entered on the {campaign} waitlist.",
  },
  {
    subject: "{campaign} kutish roʻyxatidagi oʻrningizni tasdiqlang",
    preheader:
      "Bir marta bosing — va siz roʻyxatdasiz. Roʻyxatdan oʻtmagan boʻlsangiz, bu xatga eʼtibor bermang.",
    heading: "Roʻyxatdan oʻtganingizni tasdiqlang",
    body: "{campaign} kutish roʻyxatiga qoʻshilganingiz uchun rahmat. Navbatdagi oʻrningizni egallash uchun elektron pochta manzilingizni tasdiqlang.",
    expires: "Havola {duration} davomida amal qiladi.",
    action: "Oʻrnimni tasdiqlash",
    note: "Agar roʻyxatdan oʻtmagan boʻlsangiz, bu xatga eʼtibor bermang — siz roʻyxatga qoʻshilmaysiz.",
    reason: "Bu xat sizga {campaign} kutish roʻyxatida ushbu manzil koʻrsatilgani uchun yuborildi.",
  },
);

export function signupConfirm(ctx: EmailContext<"signup_confirm">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const minutes = count(ctx.data.expiresMinutes);
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: t("preheader"),
    heading: t("heading"),
    body: [
      { kind: "p", text: t("body", { campaign }) },
      ...(minutes
        ? [
            {
              kind: "p" as const,
              text: t("expires", { duration: formatDuration(minutes, ctx.locale) }),
            },
          ]
        : []),
    ],
    action: { label: t("action"), url: ctx.links.action },
    after: [{ kind: "note", text: t("note") }],
    reason: t("reason", { campaign }),
  });
}
