/**
 * Money, dates and durations per locale.
 *
 * workerd ships ICU without Uzbek locale data: `Intl.NumberFormat("uz-UZ")`
 * claims support but formats with root data ("UZS 1,234,567.00", dates as
 * "2026 M03 5"). So for `uz` we use Intl only when it really has the data
 * (decimal separator ","), and otherwise write the CLDR Uzbek pattern by hand:
 * "1 234 567 soʻm", "1 234,50 $". Uzbek dates are always written by hand in the
 * usual form "2026-yil 5-mart".
 */
import type { Locale } from "./types";

const NBSP = "\u00a0";

/** Currencies whose minor units are not used in everyday prices: whole amounts show no decimals. */
const WHOLE_UNIT_CURRENCIES = new Set(["UZS"]);

/** Symbols the hand-written Uzbek fallback uses; others take the en-US symbol. */
const UZ_SYMBOLS: Record<string, string> = { UZS: "soʻm", USD: "$" };

function fractionDigits(currency: string): number {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

let uzIntl: boolean | undefined;
/** True when the runtime's ICU really has Uzbek number data. */
function hasUzbekNumbers(): boolean {
  if (uzIntl === undefined) {
    try {
      const parts = new Intl.NumberFormat("uz-UZ", { minimumFractionDigits: 1 }).formatToParts(1.5);
      uzIntl = parts.some((p) => p.type === "decimal" && p.value === ",");
    } catch {
      uzIntl = false;
    }
  }
  return uzIntl;
}

/** Integer minor units → "$1,234.50" (en) or "1 234,50 $" / "150 000 soʻm" (uz). */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  try {
    const digits = fractionDigits(currency);
    const amount = minor / 10 ** digits;
    const options: Intl.NumberFormatOptions = { style: "currency", currency };
    if (WHOLE_UNIT_CURRENCIES.has(currency)) {
      (options as { trailingZeroDisplay?: string }).trailingZeroDisplay = "stripIfInteger";
    }
    if (locale === "en" || hasUzbekNumbers()) {
      return new Intl.NumberFormat(locale === "uz" ? "uz-UZ" : "en-US", options).format(amount);
    }
    // Uzbek by hand: space-grouped integer, decimal comma, symbol after the number.
    const parts = new Intl.NumberFormat("en-US", options).formatToParts(amount);
    let number = "";
    let symbol = UZ_SYMBOLS[currency];
    for (const part of parts) {
      if (part.type === "integer" || part.type === "fraction" || part.type === "minusSign") {
        number += part.value;
      } else if (part.type === "group") number += NBSP;
      else if (part.type === "decimal") number += ",";
      else if (part.type === "currency") symbol ??= part.value;
    }
    return `${number}${NBSP}${symbol ?? currency}`;
  } catch {
    // Unknown currency code: never fail a message over formatting.
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

const UZ_MONTHS = [
  "yanvar",
  "fevral",
  "mart",
  "aprel",
  "may",
  "iyun",
  "iyul",
  "avgust",
  "sentabr",
  "oktabr",
  "noyabr",
  "dekabr",
];

type Parts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  zone: string;
};

function zonedParts(date: Date, timeZone: string): Parts {
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat("en-US", {
    timeZone,
    timeZoneName: "short",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date)) {
    out[p.type] = p.value;
  }
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    zone: out.timeZoneName ?? "UTC",
  };
}

function validZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** A calendar date `YYYY-MM-DD` (or an instant's UTC date): "March 5, 2026" / "2026-yil 5-mart". */
export function formatDate(value: string, locale: Locale): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  if (locale === "uz") {
    return `${date.getUTCFullYear()}-yil ${date.getUTCDate()}-${UZ_MONTHS[date.getUTCMonth()]}`;
  }
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(date);
}

/** An instant with time and zone: "March 5, 2026, 15:00 GMT+5" / "2026-yil 5-mart, 15:00 (GMT+5)". */
export function formatDateTime(iso: string, locale: Locale, timeZone?: string | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = zonedParts(date, validZone(timeZone));
  const time = `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  if (locale === "uz")
    return `${p.year}-yil ${p.day}-${UZ_MONTHS[p.month - 1]}, ${time} (${p.zone})`;
  const day = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(p.year, p.month - 1, p.day)),
  );
  return `${day}, ${time} ${p.zone}`;
}

const enPlural = new Intl.PluralRules("en-US");

/** English picks one/other; Uzbek nouns do not change after a number, so `other`. */
export function plural(locale: Locale, count: number, one: string, other: string): string {
  return locale === "en" && enPlural.select(count) === "one" ? one : other;
}

/** 30 → "30 minutes" / "30 daqiqa"; 60 → "1 hour" / "1 soat"; 2880 → "2 days" / "2 kun". */
export function formatDuration(minutes: number, locale: Locale): string {
  const m = Math.max(1, Math.round(minutes));
  const [n, unit] =
    m % 1440 === 0 ? [m / 1440, "day"] : m % 60 === 0 ? [m / 60, "hour"] : [m, "minute"];
  if (locale === "uz") return `${n} ${{ day: "kun", hour: "soat", minute: "daqiqa" }[unit]}`;
  return `${n} ${plural(locale, n, unit, `${unit}s`)}`;
}
