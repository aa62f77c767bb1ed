/**
 * One outbox row → one provider message, at send time: links with fresh
 * tokens, the template rendered in the row's locale, the sender and reply-to
 * from the campaign's branding, and RFC 8058 unsubscribe headers on list mail.
 */
import { type CampaignInfo, EmailRenderError, renderEmail } from "../../emails/index";
import type { Settings } from "../config";
import type { EmailCategory, EmailTemplate, Locale } from "../db/schema/enums";
import type { Branding } from "../db/schema/types";
import { type LinkRecords, linksFor, unsubscribeMailto } from "./links";
import type { OutgoingEmail } from "./providers/types";

type ComposeSettings = Pick<
  Settings,
  "PUBLIC_URL" | "TOKEN_SECRET" | "EMAIL_FROM" | "EMAIL_UNSUBSCRIBE_MAILTO"
>;

/** The row as the sender claimed it, with the records its links and copy need. */
export interface ComposeInput {
  id: string;
  template: EmailTemplate;
  category: EmailCategory;
  locale: Locale;
  to: string;
  subject: string | null;
  payload: Record<string, unknown>;
  recipientName: string | null;
  campaign: {
    id: string;
    slug: string;
    name: string;
    branding: Branding;
    currency: string;
    expectedShipDate: string | null;
  } | null;
  records: LinkRecords;
}

/** Ids in the payload that are not template data. */
const PAYLOAD_IDS = new Set(["loginLinkId", "loginVersion", "actionUrl"]);

/** Header-safe text: no CR/LF or other control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();

/** `Name <addr>` or `addr` → the bare address. */
export function addressOf(from: string): string {
  const m = from.match(/<([^<>]+)>\s*$/);
  return (m?.[1] ?? from).trim();
}

/** The sender: EMAIL_FROM's address under the campaign's sender name, if it has one. */
export function fromHeader(emailFrom: string, senderName?: string | null): string {
  const name = senderName ? oneLine(senderName).replace(/["\\]/g, "").slice(0, 80) : "";
  if (!name) return oneLine(emailFrom);
  return `"${name}" <${addressOf(emailFrom)}>`;
}

const SIMPLE_EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

export async function composeEmail(
  settings: ComposeSettings,
  row: ComposeInput,
): Promise<OutgoingEmail> {
  const links = await linksFor(
    settings,
    { template: row.template, payload: row.payload },
    row.records,
  );
  if (row.category === "list" && !links.unsubscribe) {
    throw new EmailRenderError("list mail needs a signup to unsubscribe");
  }

  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row.payload)) if (!PAYLOAD_IDS.has(k)) data[k] = v;
  if (links.inviteCode) data.code = links.inviteCode;
  if (
    (row.template === "invitation" ||
      row.template === "reminder" ||
      row.template === "last_chance") &&
    typeof data.code !== "string"
  ) {
    throw new EmailRenderError(`${row.template}: the signup has no personal invite code`);
  }

  const branding = row.campaign?.branding ?? {};
  const campaign: CampaignInfo = row.campaign
    ? {
        name: row.campaign.name,
        branding,
        currency: row.campaign.currency,
        expectedShipDate: row.campaign.expectedShipDate,
      }
    : { name: branding.senderName ?? "Presale", branding, currency: "USD" };

  const { inviteCode: _code, ...templateLinks } = links;
  const rendered = renderEmail(row.template, {
    locale: row.locale,
    campaign,
    recipient: { name: row.recipientName, email: row.to },
    links: templateLinks as never,
    data: data as never,
  });

  const headers: Record<string, string> = {};
  if (row.category === "list" && links.unsubscribe && row.records.signup) {
    const targets = [`<${links.unsubscribe}>`];
    if (settings.EMAIL_UNSUBSCRIBE_MAILTO) {
      const { id, tokenVersion } = row.records.signup;
      targets.push(
        `<${await unsubscribeMailto(settings, settings.EMAIL_UNSUBSCRIBE_MAILTO, id, tokenVersion)}>`,
      );
    }
    headers["List-Unsubscribe"] = targets.join(", ");
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }

  const replyTo = branding.replyTo ? oneLine(branding.replyTo) : "";
  return {
    rowId: row.id,
    from: fromHeader(settings.EMAIL_FROM, branding.senderName),
    to: row.to,
    subject: oneLine(row.subject ?? rendered.subject),
    html: rendered.html,
    text: rendered.text,
    ...(SIMPLE_EMAIL.test(replyTo) ? { replyTo } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    meta: { template: row.template, links },
  };
}
