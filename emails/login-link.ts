/** Dashboard sign-in: a one-time link to a page with a button. Transactional. */
import { formatDuration } from "./format";
import { renderLayout } from "./layout";
import { count } from "./parts";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Your sign-in link for {campaign}",
    preheader: "The link works once, for {duration}. Didn't ask for it? Ignore this email.",
    heading: "Sign in to {campaign}",
    body: "Use the button below to sign in to the {campaign} dashboard. The link works once and expires in {duration}.",
    action: "Sign in",
    note: "If you didn't ask to sign in, you can safely ignore this email: nobody can sign in without this link. Don't forward it.",
    reason:
      "You're receiving this because someone asked to sign in to {campaign} with this address.",
  },
  {
    subject: "{campaign} tizimiga kirish havolasi",
    preheader:
      "Havola bir marta va {duration} davomida ishlaydi. Siz soʻramagan boʻlsangiz, xatga eʼtibor bermang.",
    heading: "{campaign} tizimiga kirish",
    body: "{campaign} boshqaruv paneliga kirish uchun quyidagi tugmani bosing. Havola bir martalik va {duration} davomida amal qiladi.",
    action: "Kirish",
    note: "Agar kirishni soʻramagan boʻlsangiz, bu xatga eʼtibor bermang: bu havolasiz hech kim kira olmaydi. Xatni boshqalarga yubormang.",
    reason:
      "Bu xat sizga kimdir ushbu manzil bilan {campaign} tizimiga kirishni soʻragani uchun yuborildi.",
  },
);

export function loginLink(ctx: EmailContext<"login_link">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const duration = formatDuration(count(ctx.data.expiresMinutes) ?? 15, ctx.locale);
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: t("preheader", { duration }),
    heading: t("heading", { campaign }),
    body: [{ kind: "p", text: t("body", { campaign, duration }) }],
    action: { label: t("action"), url: ctx.links.action },
    after: [{ kind: "note", text: t("note") }],
    reason: t("reason", { campaign }),
  });
}
