/**
 * Escaping for email HTML. Every interpolated value goes through `html`
 * (escaped unless it is already `SafeHtml`); URLs go through `safeUrl` before
 * they reach an href or src. Nothing a user, customer or marketer typed is
 * ever emitted as raw HTML.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** HTML that is already safe (built by `html` or escaped); emitted as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue =
  | string
  | number
  | SafeHtml
  | null
  | undefined
  | false
  | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value as string | number);
}

/** Tagged template: `html\`<p>${name}</p>\`` escapes `name`; nested `html` stays as is. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/**
 * The URL if it is an absolute http(s) URL, normalised (the URL parser drops
 * tabs and newlines, so `java\nscript:` tricks do not survive); else undefined.
 * Anything else (`javascript:`, `data:`, relative paths) is dropped.
 */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (typeof url !== "string" || url.trim() === "") return undefined;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Like `safeUrl`, but https only (images: no mixed content, no tracking over http). */
export function httpsUrl(url: string | null | undefined): string | undefined {
  const safe = safeUrl(url);
  return safe?.startsWith("https:") ? safe : undefined;
}

/** A `#rgb` or `#rrggbb` colour (the only thing allowed into a style attribute), else the fallback. */
export function safeColor(color: string | null | undefined, fallback: string): string {
  return typeof color === "string" && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color.trim())
    ? color.trim().toLowerCase()
    : fallback;
}

/** One line (for subjects and names): control characters and line breaks become spaces. */
export function oneLine(value: string | null | undefined, max = 200): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const line = (value ?? "").replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
  const collapsed = line.replace(/\s+/g, " ").trim();
  return collapsed.length > max ? `${collapsed.slice(0, max - 1).trimEnd()}…` : collapsed;
}

/** Plain text split into paragraphs at blank lines, line endings normalised, empty ones dropped. */
export function splitParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/[ \t]+$/gm, "").trim())
    .filter((p) => p.length > 0);
}

/** Marketer-written plain text as HTML: escaped, blank-line paragraphs as <p>, line breaks as <br>. */
export function textToHtml(text: string, pStyle: string | SafeHtml): SafeHtml {
  return html`${splitParagraphs(text).map(
    (p) =>
      html`<p style="${pStyle}">${p.split("\n").map((line, i) => html`${i > 0 ? html`<br>` : ""}${line}`)}</p>`,
  )}`;
}
