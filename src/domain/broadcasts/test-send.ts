/**
 * A broadcast's test message: rendered as its recipients will see it and
 * sent at once to ONE address (the sender's own, to check it), not through
 * the outbox, and never to the segment. The outbox cannot carry it: list
 * mail needs a signup to unsubscribe, and the tester is not one. So the
 * unsubscribe link in a test points at a page that says the link is not
 * valid, and the subject says `[Test]`. A globally suppressed address is
 * refused (bounces and complaints stop everything).
 */
import { eq } from "drizzle-orm";
import { renderEmail } from "../../../emails/index";
import type { Settings } from "../../config";
import type { Db } from "../../db/client";
import { campaigns, suppressions } from "../../db/schema";
import type { Locale } from "../../db/schema/enums";
import { fromHeader } from "../../email/compose";
import { LINK_PATHS } from "../../email/links";
import { providerFor } from "../../email/providers/index";
import type { EmailProvider } from "../../email/providers/types";
import { randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { type BroadcastInput, singleLocale, toContent } from "./content";

export interface TestSendResult {
  to: string;
  subject: string;
  locale: Locale;
}

export async function sendTestBroadcast(
  db: Db,
  settings: Settings,
  campaignId: string,
  input: BroadcastInput,
  to: { email: string; normalized: string },
  provider: EmailProvider = providerFor(settings),
): Promise<TestSendResult> {
  const [[campaign], [suppressed]] = await db.batch([
    db.select().from(campaigns).where(eq(campaigns.id, campaignId)),
    db
      .select({ reason: suppressions.reason })
      .from(suppressions)
      .where(eq(suppressions.emailNormalized, to.normalized)),
  ]);
  if (!campaign) throw notFound("Campaign");
  if (suppressed) {
    throw new AppError("conflict", {
      detail: `That address is suppressed (${suppressed.reason}); nothing is sent to it`,
    });
  }
  const content = toContent(input, campaign.defaultLocale);
  const locale = singleLocale(content, campaign.defaultLocale);
  const text = content.texts[locale] ?? content.texts.en;
  if (!text) throw new AppError("validation_failed", { detail: "The broadcast has no text" });
  const base = settings.PUBLIC_URL;
  const links = {
    unsubscribe: `${base}${LINK_PATHS.unsubscribe("test")}`,
    ...(content.actionUrl ? { action: content.actionUrl } : {}),
  };
  const rendered = renderEmail("broadcast", {
    locale,
    campaign: {
      name: campaign.name,
      branding: campaign.branding,
      currency: campaign.currency,
      expectedShipDate: campaign.expectedShipDate,
    },
    recipient: { email: to.email },
    links,
    data: { subject: text.subject, body: text.body, actionLabel: content.actionLabel },
  });
  const key = `test_${randomToken(16)}`;
  const replyTo = campaign.branding.replyTo?.trim();
  const subject = `[Test] ${rendered.subject}`;
  const outcome = await provider.send(
    [
      {
        rowId: key,
        from: fromHeader(settings.EMAIL_FROM, campaign.branding.senderName),
        to: to.email,
        subject,
        html: rendered.html,
        text: rendered.text,
        ...(replyTo ? { replyTo } : {}),
        meta: { template: "broadcast", links },
      },
    ],
    key,
  );
  if (outcome.kind !== "sent") {
    throw new AppError("service_unavailable", {
      detail: `The email provider did not take the test message: ${outcome.error}`,
      headers: { "Retry-After": "30" },
    });
  }
  return { to: to.email, subject, locale };
}
