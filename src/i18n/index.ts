import type { Context } from "hono";
import { en, type MessageKey } from "./en";
import { uz } from "./uz";

/**
 * Messages for pages and emails in English and Uzbek (Latin script).
 *
 *   t("uz", "problem.page.status", { status: 404 })  // "HTTP holati: 404"
 *
 * Adding text: put the key in en.ts (the reference) and in uz.ts (the type
 * there fails until you do), with the same `{param}` placeholders.
 */
export const LOCALES = ["en", "uz"] as const;
export type Locale = (typeof LOCALES)[number];
export type { MessageKey };

/** Each language named in itself, for language switchers (not translated). */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", uz: "Oʻzbekcha" };

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, uz };

export const isLocale = (value: unknown): value is Locale =>
  typeof value === "string" && (LOCALES as readonly string[]).includes(value);

/** `{name}` placeholders in a message, as a union of names. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;
export type MessageParams = Record<string, string | number>;
/** Params are required (and checked) exactly when the English text has placeholders. */
type ParamsArg<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
  ? [params?: MessageParams]
  : [params: Record<Placeholders<(typeof en)[K]>, string | number>];

const PLACEHOLDER = /\{([a-zA-Z0-9_]+)\}/g;

/** Replaces `{name}` with params.name; unknown placeholders are left as they are. */
export function interpolate(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The message for `key` in `locale`, with `{param}`s filled in. */
export function t<K extends MessageKey>(locale: Locale, key: K, ...[params]: ParamsArg<K>): string {
  // Unknown keys cannot pass the type check; at run time they show as themselves.
  const template: string = catalogues[locale]?.[key] ?? en[key] ?? key;
  return interpolate(template, params);
}

/** `t` bound to one locale, for components: `const tr = translator(locale); tr("docs.title")`. */
export function translator(locale: Locale) {
  return <K extends MessageKey>(key: K, ...params: ParamsArg<K>) => t(locale, key, ...params);
}
export type Translate = ReturnType<typeof translator>;

/** Maps a language tag ("uz-Latn-UZ", "EN_us", "uz") to a supported locale, if any. */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0];
  return isLocale(primary) ? primary : undefined;
}

/**
 * Supported locales in an Accept-Language header, best first: by q-value,
 * then by order in the header. q=0 ("not this one") and "*" are skipped.
 */
export function parseAcceptLanguage(header: string | null | undefined): Locale[] {
  if (!header) return [];
  const ranked: { locale: Locale; q: number; index: number }[] = [];
  // Bounded: a hostile header must not cost much.
  const parts = header.slice(0, 1024).split(",").slice(0, 32);
  parts.forEach((part, index) => {
    const [tag, ...attrs] = part.split(";");
    const locale = matchLocale(tag);
    if (!locale) return;
    let q = 1;
    for (const attr of attrs) {
      const [name, value] = attr.split("=").map((s) => s.trim());
      if (name?.toLowerCase() === "q") {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    if (q > 0) ranked.push({ locale, q, index });
  });
  ranked.sort((a, b) => b.q - a.q || a.index - b.index);
  return [...new Set(ranked.map((r) => r.locale))];
}

export interface LocaleInputs {
  /** A value the client chose on purpose: `?locale=`, a body field, data-locale. */
  explicit?: string | null | undefined;
  /** The campaign's default locale. */
  campaignDefault?: string | null | undefined;
  /** The raw Accept-Language header. */
  acceptLanguage?: string | null | undefined;
}

/**
 * Which language to answer in: an explicit choice wins, then the browser's
 * Accept-Language (by q-value), then the campaign's default, then English.
 * Unsupported values at any step are skipped, never an error.
 */
export function negotiateLocale(inputs: LocaleInputs = {}): Locale {
  return (
    matchLocale(inputs.explicit) ??
    parseAcceptLanguage(inputs.acceptLanguage)[0] ??
    matchLocale(inputs.campaignDefault) ??
    "en"
  );
}

/**
 * negotiateLocale for a page request: `?locale=` query, then Accept-Language,
 * then the campaign default. Adds `Vary: Accept-Language` to the response,
 * since the answer depends on it.
 */
export function requestLocale(c: Context, campaignDefault?: string | null): Locale {
  c.header("Vary", "Accept-Language", { append: true });
  return negotiateLocale({
    explicit: c.req.query("locale"),
    acceptLanguage: c.req.header("Accept-Language"),
    campaignDefault,
  });
}
