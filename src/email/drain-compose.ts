/**
 * Drain step 3: filter the claimed rows (suppressed address, list mail to an
 * unsubscribed signup, erased recipient → `suppressed`, last_error says why)
 * and render the rest into provider messages.
 * @see ./drain.ts
 */
import { EmailRenderError } from "../../emails/index";
import type { Settings } from "../config";
import type { Branding } from "../db/schema/types";
import { log } from "../lib/log";
import { type ComposeInput, composeEmail } from "./compose";
import type { ClaimedRow, ContextRow } from "./drain-claim";
import type { Outcomes } from "./drain-record";
import { UNSUBSCRIBED_REASON } from "./outbox";
import type { OutgoingEmail } from "./providers/types";

function parsePayload(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

function parseBranding(text: string | null): Branding {
  const v = text ? parsePayload(text) : {};
  return v as Branding;
}

/** The address to send the row to, or why it must not be sent. */
function recipientOf(
  row: ClaimedRow,
  ctx: ContextRow | undefined,
): { to: string } | { suppressed: string } {
  if (row.erased || !row.to_email) return { suppressed: "recipient erased" };
  if (ctx?.sup_reason) return { suppressed: `address suppressed (${ctx.sup_reason})` };
  if (row.category === "list" && ctx?.s_unsub != null) {
    return { suppressed: UNSUBSCRIBED_REASON };
  }
  return { to: row.to_email };
}

/** What composeEmail needs for one row: its own fields plus the loaded records. */
function composeInput(row: ClaimedRow, to: string, ctx: ContextRow | undefined): ComposeInput {
  const payload = parsePayload(row.payload);
  return {
    id: row.id,
    template: row.template,
    category: row.category,
    locale: row.locale,
    to,
    subject: row.subject,
    payload,
    recipientName: ctx?.s_name ?? ctx?.p_name ?? ctx?.m_name ?? null,
    campaign:
      ctx?.c_id && ctx.c_slug && ctx.c_name
        ? {
            id: ctx.c_id,
            slug: ctx.c_slug,
            name: ctx.c_name,
            branding: parseBranding(ctx.c_branding),
            currency: ctx.c_currency ?? "USD",
            expectedShipDate: ctx.c_ship,
          }
        : null,
    records: {
      campaign: ctx?.c_id && ctx.c_slug ? { id: ctx.c_id, slug: ctx.c_slug } : null,
      signup: ctx?.s_id
        ? { id: ctx.s_id, tokenVersion: ctx.s_tv ?? 1, referralCode: ctx.s_ref }
        : null,
      preorder: ctx?.p_id ? { id: ctx.p_id, tokenVersion: ctx.p_tv ?? 1 } : null,
      loginLink:
        typeof payload.loginLinkId === "string"
          ? {
              id: payload.loginLinkId,
              version: typeof payload.loginVersion === "number" ? payload.loginVersion : 1,
            }
          : null,
      personalInvite: ctx?.i_tv != null ? { tokenVersion: ctx.i_tv } : null,
    },
  };
}

/**
 * The messages to send, in claim order. Rows that must not be sent are
 * finished as `suppressed`, rows that cannot be rendered as `failed`.
 */
export async function composeClaimed(
  settings: Settings,
  claimed: ClaimedRow[],
  context: Map<string, ContextRow>,
  outcomes: Outcomes,
): Promise<OutgoingEmail[]> {
  const outgoing: OutgoingEmail[] = [];
  for (const row of claimed) {
    const ctx = context.get(row.id);
    const recipient = recipientOf(row, ctx);
    if ("suppressed" in recipient) {
      outcomes.suppress(row.id, recipient.suppressed);
      continue;
    }
    const input = composeInput(row, recipient.to, ctx);
    try {
      outgoing.push(await composeEmail(settings, input));
    } catch (err) {
      // A row that cannot be rendered fails alone (visible, retryable once
      // fixed) instead of blocking the rows claimed with it.
      const known = err instanceof EmailRenderError || err instanceof RangeError;
      if (!known)
        log("error", "outbox row could not be rendered", { id: row.id, template: row.template });
      outcomes.fail(row.id, `cannot render: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return outgoing;
}
