/**
 * What a broadcast says. Plain text written by a marketer (the template
 * escapes it), in one language for everyone, or per language: then each
 * recipient gets their own locale's text when there is one, else English.
 */
import type { Locale } from "../../db/schema/enums";
import type { JsonObject, LocalizedText } from "../../db/schema/types";

export interface BroadcastText {
  subject: string;
  body: string;
}

export interface BroadcastContent {
  /** Text per locale. With `locale` set, only that locale's text is used. */
  texts: Partial<Record<Locale, BroadcastText>>;
  /** One language for every recipient, or null: each recipient's own (falling back to en). */
  locale: Locale | null;
  /** An http(s) URL for the button, or null for no button. */
  actionUrl: string | null;
  actionLabel: string | null;
}

/** As stored on the broadcast row: `en` always present, as the fallback text. */
export function storedText(content: BroadcastContent, field: keyof BroadcastText): LocalizedText {
  const { texts } = content;
  const fallback = (content.locale ? texts[content.locale] : texts.en) ?? texts.en ?? texts.uz;
  const out: LocalizedText = { en: fallback?.[field] ?? "" };
  if (texts.uz) out.uz = texts.uz[field];
  return out;
}

/** The language of a one-off message (a test send): the fixed one, else the campaign's if written, else en. */
export function singleLocale(content: BroadcastContent, campaignLocale: Locale): Locale {
  if (content.locale) return content.locale;
  return content.texts[campaignLocale] ? campaignLocale : "en";
}

/** Job params: everything the rows need except the text (read from the broadcast row). */
export interface BroadcastJobParams extends JsonObject {
  broadcastId: string;
  locale: Locale | null;
  actionUrl: string | null;
  actionLabel: string | null;
}

/** A broadcast as the API takes it: plain strings in one language, or text per language. */
export interface BroadcastInput {
  subject: string | { en: string; uz?: string | undefined };
  body: string | { en: string; uz?: string | undefined };
  locale?: Locale | undefined;
  actionUrl?: string | undefined;
  actionLabel?: string | undefined;
}

/**
 * The content to send. Plain strings are in `locale` (default: the
 * campaign's) for everyone; per-language text goes to each recipient in
 * their locale (en otherwise), unless `locale` fixes one.
 */
export function toContent(input: BroadcastInput, campaignLocale: Locale): BroadcastContent {
  const common = { actionUrl: input.actionUrl ?? null, actionLabel: input.actionLabel ?? null };
  if (typeof input.subject === "string" && typeof input.body === "string") {
    const locale = input.locale ?? campaignLocale;
    return { ...common, locale, texts: { [locale]: { subject: input.subject, body: input.body } } };
  }
  const subject = typeof input.subject === "string" ? { en: input.subject } : input.subject;
  const body = typeof input.body === "string" ? { en: input.body } : input.body;
  const texts: BroadcastContent["texts"] = { en: { subject: subject.en, body: body.en } };
  if (subject.uz && body.uz) texts.uz = { subject: subject.uz, body: body.uz };
  return { ...common, locale: input.locale ?? null, texts };
}
