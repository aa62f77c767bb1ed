/** What the invitation, reminder and last-chance emails share: the code box and expiry line. */
import { formatDateTime } from "./format";
import type { Block } from "./layout";
import type { EmailContext, InviteData } from "./types";

export type InviteCopy = { code_label: string; expires: string };

export function inviteBlocks(
  ctx: Pick<EmailContext<"invitation">, "locale" | "campaign">,
  data: InviteData,
  words: InviteCopy,
): Block[] {
  const blocks: Block[] = [{ kind: "code", label: words.code_label, code: data.code }];
  if (data.expiresAt) {
    const date = formatDateTime(data.expiresAt, ctx.locale, ctx.campaign.timeZone);
    blocks.push({ kind: "p", text: words.expires.replace("{date}", date) });
  }
  return blocks;
}

/** The expiry as text, for subjects and preheaders; null when there is none. */
export function expiryText(
  ctx: Pick<EmailContext<"invitation">, "locale" | "campaign">,
  data: InviteData,
): string | null {
  return data.expiresAt ? formatDateTime(data.expiresAt, ctx.locale, ctx.campaign.timeZone) : null;
}
