/**
 * Links in emails, rendered at send time from `PUBLIC_URL` and tokens derived
 * from `TOKEN_SECRET` (DOMAIN.md "Secrets"): the outbox stores ids, never
 * links, so a re-sent or retried message always carries a link valid for the
 * record's current `token_version`, and bumping the version revokes old mail.
 *
 * The paths are the routes that read the tokens (CONTRACT.md "Public routes"):
 * change a path here and in its route together.
 */
import type { Settings } from "../config";
import type { EmailTemplate } from "../db/schema/enums";
import { derivePersonalCode, deriveToken } from "../lib/tokens";

/** Where each token purpose lands. Tokens are path segments (never a query string). */
export const LINK_PATHS = {
  confirm: (token: string) => `/confirm/${token}`,
  status: (token: string) => `/s/${token}`,
  order: (token: string) => `/o/${token}`,
  /** Proves the email of a `pending_verification` pre-order (page with a button). */
  verify: (token: string) => `/verify/${token}`,
  unsubscribe: (token: string) => `/unsubscribe/${token}`,
  login: (token: string) => `/admin/login/${token}`,
} as const;

type LinkSettings = Pick<Settings, "PUBLIC_URL" | "TOKEN_SECRET">;

/** `PUBLIC_URL` without a trailing slash (the settings schema already strips it). */
const base = (settings: LinkSettings) => settings.PUBLIC_URL.replace(/\/+$/, "");

/** The RFC 8058 one-click unsubscribe URL for a signup at its current token version. */
export async function unsubscribeUrl(
  settings: LinkSettings,
  signupId: string,
  version: number,
): Promise<string> {
  const token = await deriveToken(settings.TOKEN_SECRET, "unsubscribe", signupId, version);
  return `${base(settings)}${LINK_PATHS.unsubscribe(token)}`;
}

/** `mailto:` for List-Unsubscribe, carrying the token in the subject so a mailbox handler can act on it. */
export async function unsubscribeMailto(
  settings: LinkSettings,
  mailbox: string,
  signupId: string,
  version: number,
): Promise<string> {
  const token = await deriveToken(settings.TOKEN_SECRET, "unsubscribe", signupId, version);
  return `mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`;
}

/** The public referral link: the hosted landing page with the signup's public code. */
export function referralUrl(settings: Pick<Settings, "PUBLIC_URL">, slug: string, code: string) {
  return `${base(settings as LinkSettings)}/c/${encodeURIComponent(slug)}?ref=${encodeURIComponent(code)}`;
}

/** The records a message's links are derived from, loaded by the sender at send time. */
export interface LinkRecords {
  campaign?: { id: string; slug: string } | null;
  signup?: { id: string; tokenVersion: number; referralCode?: string | null } | null;
  preorder?: { id: string; tokenVersion: number } | null;
  /** A `login_links` row id (one-time dashboard sign-in); the token version is 1. */
  loginLink?: { id: string; version?: number } | null;
  /** The signup's personal invite code row, for invitation / reminder / last chance. */
  personalInvite?: { tokenVersion: number } | null;
}

/** The outbox row fields that decide which links a message gets. */
export interface LinkRow {
  template: EmailTemplate;
  /** Broadcasts may carry a marketer's plain public URL for their button. */
  payload?: Record<string, unknown> | null;
}

/**
 * Every link (and the personal invite code) a message needs, keyed as the
 * templates expect (`emails/types.ts` `Links`): `action` is the main button.
 * Also returns the raw per-purpose URLs for the log provider and tests.
 */
export interface MessageLinks {
  action?: string;
  status?: string;
  order?: string;
  unsubscribe?: string;
  manage?: string;
  referral?: string;
  /** Derived personal invite code (shown in invitation mail; never stored). */
  inviteCode?: string;
}

export async function linksFor(
  settings: LinkSettings,
  row: LinkRow,
  records: LinkRecords,
): Promise<MessageLinks> {
  const secret = settings.TOKEN_SECRET;
  const url = async (purpose: keyof typeof LINK_PATHS, id: string, version: number) =>
    `${base(settings)}${LINK_PATHS[purpose](await deriveToken(secret, purpose, id, version))}`;

  const links: MessageLinks = {};
  const { signup, preorder, campaign } = records;
  if (signup) {
    links.status = await url("status", signup.id, signup.tokenVersion);
    links.unsubscribe = await unsubscribeUrl(settings, signup.id, signup.tokenVersion);
    links.manage = links.status;
    if (campaign && signup.referralCode) {
      links.referral = referralUrl(settings, campaign.slug, signup.referralCode);
    }
  }
  if (preorder) links.order = await url("order", preorder.id, preorder.tokenVersion);

  switch (row.template) {
    case "signup_confirm":
      if (signup) links.action = await url("confirm", signup.id, signup.tokenVersion);
      break;
    case "invitation":
    case "reminder":
    case "last_chance":
      // The status page shows the invite code and the pre-order button.
      links.action = links.status;
      if (campaign && signup && records.personalInvite) {
        const { code } = await derivePersonalCode(
          secret,
          campaign.id,
          signup.id,
          records.personalInvite.tokenVersion,
        );
        links.inviteCode = code;
      }
      break;
    case "order_verify":
      if (preorder) links.action = await url("verify", preorder.id, preorder.tokenVersion);
      break;
    case "login_link":
      if (records.loginLink) {
        links.action = await url("login", records.loginLink.id, records.loginLink.version ?? 1);
      }
      break;
    case "broadcast": {
      const actionUrl = row.payload?.actionUrl;
      if (typeof actionUrl === "string" && /^https?:\/\//i.test(actionUrl))
        links.action = actionUrl;
      break;
    }
    default:
      break;
  }
  return links;
}
