/** The personal status page link (after confirming, or a lost link re-sent). Transactional. */
import { plural } from "./format";
import { type Block, renderLayout } from "./layout";
import { count } from "./parts";
import { common, defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    subject: "Your place in line for {campaign}",
    preheader_position: "You're number {position} on the waitlist. Check your status anytime.",
    preheader: "Your personal link to check your waitlist status anytime.",
    heading: "Your waitlist status",
    position: "You're number {position} in line.",
    ahead_one: "1 person is ahead of you.",
    ahead_other: "{count} people are ahead of you.",
    ahead_none: "You're next in line.",
    no_position: "Here is your personal link to your place on the {campaign} waitlist.",
    body: "Your status page shows your place in line, and your invite code once it's your turn.",
    share:
      "Want to move up? Share your link: every friend who joins and confirms moves you closer to the front.",
    action: "See my status",
    note: "This link is personal, so please don't forward this email.",
    reason: "You're receiving this because you're on the {campaign} waitlist.",
  },
  {
    subject: "{campaign}: navbatdagi oʻrningiz",
    preheader_position:
      "Siz kutish roʻyxatida {position}-oʻrindasiz. Holatingizni istalgan vaqtda tekshiring.",
    preheader: "Kutish roʻyxatidagi holatingizni istalgan vaqtda koʻrish uchun shaxsiy havolangiz.",
    heading: "Kutish roʻyxatidagi holatingiz",
    position: "Siz navbatda {position}-oʻrindasiz.",
    ahead_one: "Sizdan oldin 1 kishi bor.",
    ahead_other: "Sizdan oldin {count} kishi bor.",
    ahead_none: "Keyingi navbat sizniki!",
    no_position: "{campaign} kutish roʻyxatidagi oʻrningizni koʻrish uchun shaxsiy havolangiz.",
    body: "Holat sahifasida navbatdagi oʻrningiz, navbatingiz kelganda esa taklif kodingiz koʻrinadi.",
    share:
      "Oldinga oʻtmoqchimisiz? Havolangizni doʻstlaringizga yuboring: qoʻshilib, tasdiqlagan har bir doʻstingiz sizni navbat boshiga yaqinlashtiradi.",
    action: "Holatimni koʻrish",
    note: "Bu havola faqat siz uchun, shuning uchun xatni boshqalarga yubormang.",
    reason: "Bu xat sizga {campaign} kutish roʻyxatida boʻlganingiz uchun yuborildi.",
  },
);

export function statusLink(ctx: EmailContext<"status_link">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const campaign = ctx.campaign.name;
  const position = count(ctx.data.position) || null;
  const ahead = count(ctx.data.peopleAhead);
  const standing: Block[] = position
    ? [
        {
          kind: "p",
          text: [
            t("position", { position }),
            ahead === null
              ? ""
              : ahead === 0
                ? t("ahead_none")
                : plural(ctx.locale, ahead, t("ahead_one"), t("ahead_other", { count: ahead })),
          ]
            .filter(Boolean)
            .join(" "),
        },
      ]
    : [{ kind: "p", text: t("no_position", { campaign }) }];
  const share: Block[] = ctx.links.referral
    ? [
        { kind: "p", text: t("share") },
        {
          kind: "link",
          label: translator(common, ctx.locale)("referral_link"),
          url: ctx.links.referral,
        },
      ]
    : [];
  return renderLayout({
    ...ctx,
    category: "transactional",
    subject: t("subject", { campaign }),
    preheader: position ? t("preheader_position", { position }) : t("preheader"),
    heading: t("heading"),
    body: [...standing, { kind: "p", text: t("body") }],
    action: { label: t("action"), url: ctx.links.status },
    after: [...share, { kind: "note", text: t("note") }],
    reason: t("reason", { campaign }),
  });
}
