/**
 * The shared shell: one message description rendered twice, as table-based
 * HTML with inline styles (email clients ignore <style>) and as real plain
 * text, so both parts always say the same thing. Every value is escaped here.
 */

import {
  html,
  httpsUrl,
  oneLine,
  type SafeHtml,
  safeColor,
  safeUrl,
  splitParagraphs,
  textToHtml,
} from "./escape";
import { common, translator } from "./strings";
import type { CampaignInfo, EmailCategory, Locale, Recipient, RenderedEmail } from "./types";

export type OrderLine = { name: string; quantity: string; amount: string };

export type Block =
  | { kind: "p"; text: string }
  /** Small, muted text (safety notes, "didn't ask for this?"). */
  | { kind: "note"; text: string }
  /** A code to copy, e.g. the personal invite code. */
  | { kind: "code"; label: string; code: string }
  | { kind: "facts"; rows: [label: string, value: string][] }
  | { kind: "order"; lines: OrderLine[]; totalLabel: string; total: string }
  /** Marketer-written plain text with blank-line paragraphs. */
  | { kind: "body"; text: string }
  /** A secondary link, written out in full. */
  | { kind: "link"; label: string; url: string | undefined };

export type Message = {
  locale: Locale;
  category: EmailCategory;
  campaign: CampaignInfo;
  recipient: Recipient;
  subject: string;
  preheader: string;
  heading: string;
  /** Before the button. */
  body: Block[];
  /** The main action; dropped when the URL is not http(s). */
  action?: { label: string; url: string | undefined };
  /** After the button. */
  after?: Block[];
  /** Why the recipient got this email (footer). */
  reason: string;
  unsubscribeUrl?: string | undefined;
  manageUrl?: string | undefined;
};

const DEFAULT_ACCENT = "#111827";
const FONT =
  "font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;";
const S = {
  p: `${FONT}margin:0 0 16px;font-size:16px;line-height:24px;color:#27272a;`,
  note: `${FONT}margin:0 0 12px;font-size:13px;line-height:20px;color:#71717a;`,
  h1: `${FONT}margin:0 0 16px;font-size:22px;line-height:30px;font-weight:700;color:#18181b;`,
  cell: `${FONT}padding:8px 0;font-size:15px;line-height:22px;color:#27272a;border-bottom:1px solid #e4e4e7;`,
  footer: `${FONT}margin:0 0 8px;font-size:12px;line-height:18px;color:#71717a;`,
};

function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, (c) => c + c) : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Brand colours: the accent, readable text on it, and a link colour readable on white. */
function palette(accentColor: string | undefined) {
  const accent = safeColor(accentColor, DEFAULT_ACCENT);
  const l = luminance(accent);
  return { accent, onAccent: l > 0.4 ? "#111827" : "#ffffff", link: l < 0.3 ? accent : "#1d4ed8" };
}

function greeting(m: Message): string {
  const t = translator(common, m.locale);
  const name = oneLine(m.recipient.name, 80);
  return name ? t("greeting", { name }) : t("greeting_anonymous");
}

function blockHtml(b: Block, link: string): SafeHtml {
  switch (b.kind) {
    case "p":
      return html`<p style="${S.p}">${b.text}</p>`;
    case "note":
      return html`<p style="${S.note}">${b.text}</p>`;
    case "body":
      return textToHtml(b.text, S.p);
    case "code":
      return html`<p style="${S.note}margin-bottom:4px;">${b.label}</p>
<p style="margin:0 0 20px;padding:14px 16px;background-color:#f4f4f5;border:1px dashed #a1a1aa;border-radius:6px;font-family:Menlo,Consolas,monospace;font-size:22px;line-height:28px;letter-spacing:2px;color:#18181b;text-align:center;">${b.code}</p>`;
    case "facts":
      return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;">${b.rows.map(
        ([label, value]) =>
          html`<tr><td style="${S.cell}color:#71717a;">${label}</td><td align="right" style="${S.cell}text-align:right;">${value}</td></tr>`,
      )}</table>`;
    case "order":
      return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;">${b.lines.map(
        (l) =>
          html`<tr><td style="${S.cell}">${l.name}<br><span style="font-size:13px;color:#71717a;">${l.quantity}</span></td><td align="right" valign="top" style="${S.cell}text-align:right;white-space:nowrap;">${l.amount}</td></tr>`,
      )}<tr><td style="${S.cell}font-weight:700;border-bottom:0;">${b.totalLabel}</td><td align="right" style="${S.cell}font-weight:700;text-align:right;white-space:nowrap;border-bottom:0;">${b.total}</td></tr></table>`;
    case "link": {
      const url = safeUrl(b.url);
      return url
        ? html`<p style="${S.p}">${b.label}:<br><a href="${url}" target="_blank" style="color:${link};word-break:break-all;">${url}</a></p>`
        : html``;
    }
  }
}

function blockText(b: Block): string {
  switch (b.kind) {
    case "p":
    case "note":
      return b.text;
    case "body":
      return splitParagraphs(b.text).join("\n\n");
    case "code":
      return `${b.label}:\n${b.code}`;
    case "facts":
      return b.rows.map(([label, value]) => `${label}: ${value}`).join("\n");
    case "order":
      return [
        ...b.lines.map((l) => `- ${l.name}, ${l.quantity}: ${l.amount}`),
        `${b.totalLabel}: ${b.total}`,
      ].join("\n");
    case "link": {
      const url = safeUrl(b.url);
      return url ? `${b.label}:\n${url}` : "";
    }
  }
}

/** Hidden inbox preview, padded so the body text does not leak into the preview line. */
function preheaderHtml(text: string): SafeHtml {
  const pad = html`${Array.from({ length: 40 }, () => html`&#847;&zwnj;&nbsp;`)}`;
  return html`<span style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;color:#f4f4f5;">${text}${pad}</span>`;
}

export function renderLayout(m: Message): RenderedEmail {
  const t = translator(common, m.locale);
  const { accent, onAccent, link } = palette(m.campaign.branding.accentColor);
  const campaignName = oneLine(m.campaign.name, 120);
  const sender = oneLine(m.campaign.branding.senderName, 120) || campaignName;
  const address = (m.campaign.branding.postalAddress ?? "").trim();
  const logo = httpsUrl(m.campaign.branding.logoUrl);
  const actionUrl = safeUrl(m.action?.url);
  const list = m.category === "list";
  const unsubscribe = list ? safeUrl(m.unsubscribeUrl) : undefined;
  const manage = list ? safeUrl(m.manageUrl) : undefined;
  const subject = oneLine(m.subject, 200);
  const preheader = oneLine(m.preheader, 200);
  const after = m.after ?? [];

  const button = actionUrl
    ? html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;"><tr><td align="center" bgcolor="${accent}" style="border-radius:6px;background-color:${accent};"><a href="${actionUrl}" target="_blank" style="${FONT}display:inline-block;padding:13px 28px;font-size:16px;line-height:22px;font-weight:600;color:${onAccent};text-decoration:none;border-radius:6px;">${m.action?.label}</a></td></tr></table>
<p style="${S.note}">${t("button_fallback")}<br><a href="${actionUrl}" target="_blank" style="color:${link};word-break:break-all;">${actionUrl}</a></p>`
    : "";

  const footerLinks = unsubscribe
    ? html`<p style="${S.footer}"><a href="${unsubscribe}" target="_blank" style="color:#71717a;text-decoration:underline;">${t("unsubscribe")}</a>${manage ? html` · <a href="${manage}" target="_blank" style="color:#71717a;text-decoration:underline;">${t("manage")}</a>` : ""}</p>`
    : "";

  const htmlDoc = html`<!DOCTYPE html>
<html lang="${m.locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light only">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
${preheaderHtml(preheader)}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;">
<tr><td style="${FONT}padding:0 8px 16px;font-size:18px;line-height:24px;font-weight:700;color:#18181b;">${logo ? html`<img src="${logo}" alt="${campaignName}" height="40" style="display:block;height:40px;width:auto;max-width:240px;border:0;margin:0 0 8px;">` : ""}${campaignName}</td></tr>
<tr><td style="background-color:#ffffff;border-top:4px solid ${accent};border-radius:8px;padding:32px 28px;">
<h1 style="${S.h1}">${m.heading}</h1>
<p style="${S.p}">${greeting(m)}</p>
${m.body.map((b) => blockHtml(b, link))}
${button}
${after.map((b) => blockHtml(b, link))}
</td></tr>
<tr><td style="padding:20px 8px;">
<p style="${S.footer}">${m.reason}</p>
<p style="${S.footer}">${t("sent_by", { sender })}</p>
${address ? html`<p style="${S.footer}">${address.split(/\r?\n/).map((line, i) => html`${i > 0 ? html`<br>` : ""}${line}`)}</p>` : ""}
${footerLinks}
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;

  const text = [
    greeting(m),
    ...m.body.map(blockText),
    actionUrl ? `${m.action?.label}:\n${actionUrl}` : "",
    ...after.map(blockText),
    [
      "-- ",
      m.reason,
      t("sent_by", { sender }),
      address,
      unsubscribe ? `${t("unsubscribe_text")}\n${unsubscribe}` : "",
      manage ? `${t("manage")}:\n${manage}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
  ]
    .filter((part) => part.trim() !== "")
    .join("\n\n");

  return { subject, preheader, html: htmlDoc.value, text: `${text}\n` };
}
