/**
 * A marketer's message to a segment. Subject and body are plain text written
 * by the marketer: escaped, never HTML. List mail.
 */
import { oneLine, splitParagraphs } from "./escape";
import { renderLayout } from "./layout";
import { defineCopy, translator } from "./strings";
import type { EmailContext, RenderedEmail } from "./types";

export const copy = defineCopy(
  {
    action: "Learn more",
    reason: "You're receiving this because you're on the {campaign} list.",
  },
  {
    action: "Batafsil",
    reason: "Bu xat sizga {campaign} roʻyxatida boʻlganingiz uchun yuborildi.",
  },
);

export function broadcast(ctx: EmailContext<"broadcast">): RenderedEmail {
  const t = translator(copy, ctx.locale);
  const subject = oneLine(ctx.data.subject, 200);
  const firstParagraph = splitParagraphs(ctx.data.body)[0] ?? "";
  const label = oneLine(ctx.data.actionLabel, 60) || t("action");
  return renderLayout({
    ...ctx,
    category: "list",
    subject,
    preheader: oneLine(firstParagraph, 140),
    heading: subject,
    body: [{ kind: "body", text: ctx.data.body }],
    action: { label, url: ctx.links.action },
    reason: t("reason", { campaign: ctx.campaign.name }),
    unsubscribeUrl: ctx.links.unsubscribe,
    manageUrl: ctx.links.manage,
  });
}
