/**
 * Copy for the emails: each template keeps its own English and Uzbek (Latin)
 * strings next to its code; the shared chrome (greeting, button fallback,
 * footer) lives here. Strings are plain text with `{param}` placeholders; the
 * layout escapes them, so never put HTML in a string.
 *
 * Uzbek typography as in src/i18n/uz.ts: ʻ (U+02BB) in oʻ/gʻ, ʼ (U+02BC) for
 * the tutuq belgisi.
 */
import type { Locale } from "./types";

export type Copy<K extends string> = { en: Record<K, string>; uz: Record<K, string> };

/** English first (the reference); the Uzbek table must have exactly the same keys. */
export function defineCopy<const E extends Record<string, string>>(
  en: E,
  uz: Record<keyof E & string, string>,
): Copy<keyof E & string> {
  return { en, uz };
}

export type Params = Record<string, string | number>;

/** Replaces `{name}` with params.name; unknown placeholders stay as they are. */
export function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** `t("subject", { campaign })` over one template's copy in one locale (unknown locale → en). */
export function translator<K extends string>(copy: Copy<K>, locale: Locale) {
  const table = copy[locale] ?? copy.en;
  return (key: K, params?: Params): string => fill(table[key] ?? copy.en[key], params);
}

export const common = defineCopy(
  {
    greeting: "Hi {name},",
    greeting_anonymous: "Hi there,",
    button_fallback: "If the button doesn't work, copy this link into your browser:",
    unsubscribe: "Unsubscribe",
    unsubscribe_text: "To stop getting these emails, unsubscribe here:",
    manage: "Email preferences",
    sent_by: "Sent by {sender}",
    order_number: "Order number",
    total: "Total",
    expected_ship_date: "Expected ship date",
    status_page: "Your status page",
    order_page: "Your order page",
    referral_link: "Your referral link",
    questions_reply: "Questions? Just reply to this email.",
  },
  {
    greeting: "Assalomu alaykum, {name}!",
    greeting_anonymous: "Assalomu alaykum!",
    button_fallback: "Tugma ishlamasa, ushbu havolani nusxalab, brauzeringizda oching:",
    unsubscribe: "Obunani bekor qilish",
    unsubscribe_text: "Bunday xatlarni olishni istamasangiz, obunani shu yerda bekor qiling:",
    manage: "Xat sozlamalari",
    sent_by: "Yuboruvchi: {sender}",
    order_number: "Buyurtma raqami",
    total: "Jami",
    expected_ship_date: "Taxminiy joʻnatish sanasi",
    status_page: "Holat sahifangiz",
    order_page: "Buyurtma sahifangiz",
    referral_link: "Sizning taklif havolangiz",
    questions_reply: "Savollaringiz boʻlsa, shu xatga javob yozing.",
  },
);
