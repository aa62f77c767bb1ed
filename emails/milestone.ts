/** A referral milestone reached: thanks, the new place in line, the reward. List mail. */
import { plural } from "./format";
import { type Block, renderLayout } from "./layout";
import { count } from "./parts";
import { common, defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject_one: "A friend joined {campaign} thanks to you",
    subject_other: "{count} friends joined {campaign} thanks to you",
    preheader: "Thanks for spreading the word. You've moved up the waitlist.",
    preheader_position: "Thanks for spreading the word. You're now number {position} in line.",
    heading: "Thanks for sharing!",
    body_one: "1 person has joined and confirmed with your referral link.",
    body_other: "{count} people have joined and confirmed with your referral link.",
    position: "You're now number {position} in line.",
    reward: "Your reward: {reward}",
    keep_going: "Keep sharing: every confirmed friend moves you further up.",
    action: "See my status",
    reason: "You're receiving this because you're on the {campaign} waitlist and shared your link.",
  },
  {
    subject_one: "Siz tufayli {campaign} roʻyxatiga 1 kishi qoʻshildi",
    subject_other: "Siz tufayli {campaign} roʻyxatiga {count} kishi qoʻshildi",
    preheader: "Xabarni tarqatganingiz uchun rahmat. Siz navbatda oldinga siljidingiz.",
    preheader_position:
      "Xabarni tarqatganingiz uchun rahmat. Endi siz navbatda {position}-oʻrindasiz.",
    heading: "Ulashganingiz uchun rahmat!",
    body_one: "Taklif havolangiz orqali 1 kishi roʻyxatdan oʻtib, uni tasdiqladi.",
    body_other: "Taklif havolangiz orqali {count} kishi roʻyxatdan oʻtib, uni tasdiqladi.",
    position: "Endi siz navbatda {position}-oʻrindasiz.",
    reward: "Sovgʻangiz: {reward}",
    keep_going:
      "Ulashishda davom eting: tasdiqlagan har bir doʻstingiz sizni yanada oldinga olib chiqadi.",
    action: "Holatimni koʻrish",
    reason:
      "Bu xat sizga {campaign} kutish roʻyxatida boʻlganingiz va havolangizni ulashganingiz uchun yuborildi.",
  },
);

export function milestone(ctx: EmailContext<"milestone">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const n = count(ctx.data.referrals) ?? 0;
  const position = count(ctx.data.position) || null;
  const reward = ctx.data.reward?.trim();
  const body: Block[] = [
    { kind: "p", text: plural(ctx.locale, n, t("body_one"), t("body_other", { count: n })) },
    ...(position ? [{ kind: "p" as const, text: t("position", { position }) }] : []),
    ...(reward ? [{ kind: "p" as const, text: t("reward", { reward }) }] : []),
  ];
  return renderLayout({
    ...ctx,
    category: "list",
    subject: plural(
      ctx.locale,
      n,
      t("subject_one", { campaign }),
      t("subject_other", { count: n, campaign }),
    ),
    preheader: position ? t("preheader_position", { position }) : t("preheader"),
    heading: t("heading"),
    body,
    action: { label: t("action"), url: ctx.links.status },
    after: [
      { kind: "p", text: t("keep_going") },
      {
        kind: "link",
        label: translator(common, ctx.locale)("referral_link"),
        url: ctx.links.referral,
      },
    ],
    reason: t("reason", { campaign }),
    unsubscribeUrl: ctx.links.unsubscribe,
    manageUrl: ctx.links.manage,
  });
}
