import type { Context } from "hono";
import type { Child, PropsWithChildren } from "hono/jsx";
import { createContext, useContext } from "hono/jsx";
import { raw } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LOCALE_NAMES, LOCALES, type Locale, t } from "../i18n";
import { type CspOptions, htmlSecurityHeaders } from "../middleware/security-headers";

/**
 * The page shell for every HTML page (dashboard, customer pages, problem
 * pages), and `renderPage` to send one with its security headers.
 *
 *   return renderPage(c, (
 *     <Layout locale={locale} title={campaign.name} accent={campaign.accent} noIndex>
 *       <h1>…</h1>
 *     </Layout>
 *   ), { noReferrer: true });   // pages with a customer token in the path
 *
 * No inline scripts anywhere (the CSP forbids them): put behaviour in a file
 * under public/ and load it with <script src> through the `head` prop.
 */

/** Bump the query when public/assets/presale.css changes, to beat caches. */
export const STYLESHEET_URL = "/assets/presale.css?v=1";

/** Per-response values renderPage hands to the Layout (the CSP style nonce). */
const PageContext = createContext<{ nonce?: string }>({});

export interface LayoutProps {
  locale: Locale;
  /** The page's own title; the site name is appended. */
  title: string;
  description?: string;
  /** Campaign accent colour as #rgb or #rrggbb; anything else is ignored. */
  accent?: string | null;
  /** Keep search engines out: token pages, the dashboard. */
  noIndex?: boolean;
  /** Extra <link>/<script src … defer> elements for <head>. */
  head?: Child;
  /** Content above <main> (campaign name, dashboard nav, language switcher). */
  header?: Child;
  footer?: Child;
  /** "wide" for tables and the API reference; default is a readable text column. */
  width?: "narrow" | "wide";
}

export function Layout(props: PropsWithChildren<LayoutProps>) {
  const { nonce } = useContext(PageContext);
  const accentCss = accentStyles(props.accent);
  return (
    <>
      {raw("<!doctype html>")}
      <html lang={props.locale} dir="ltr">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{t(props.locale, "chrome.page_title", { title: props.title })}</title>
          {props.description ? <meta name="description" content={props.description} /> : null}
          {props.noIndex ? <meta name="robots" content="noindex, nofollow" /> : null}
          <meta name="color-scheme" content="light" />
          <link rel="stylesheet" href={STYLESHEET_URL} />
          {/* Only with a nonce from renderPage; without one the CSP would block it anyway. */}
          {accentCss && nonce ? <style nonce={nonce}>{accentCss}</style> : null}
          {props.head}
        </head>
        <body>
          <a class="skip-link" href="#main">
            {t(props.locale, "chrome.skip_to_content")}
          </a>
          {props.header ? <header class="site-header">{props.header}</header> : null}
          <main id="main" tabindex={-1} class={props.width === "wide" ? "wide" : undefined}>
            {props.children}
          </main>
          {props.footer ? <footer class="site-footer">{props.footer}</footer> : null}
        </body>
      </html>
    </>
  );
}

/**
 * Links to the same page in each language (`?locale=`). `path` is the page's
 * path only; other query parameters are dropped.
 */
export function LanguageSwitcher(props: { locale: Locale; path: string }) {
  return (
    <nav class="lang-switch" aria-label={t(props.locale, "chrome.language")}>
      <ul>
        {LOCALES.map((l) => (
          <li>
            <a
              href={`${props.path}?locale=${l}`}
              hreflang={l}
              lang={l}
              aria-current={l === props.locale ? "true" : undefined}
            >
              {LOCALE_NAMES[l]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export interface RenderPageOptions {
  status?: ContentfulStatusCode;
  /** The page carries a customer token in its path: no Referer leaves it, and nothing caches it. */
  noReferrer?: boolean;
  /** Extra CSP sources this page needs (e.g. Turnstile); see CspOptions. */
  csp?: Pick<CspOptions, "extra">;
  /** Other response headers, e.g. Cache-Control for a public page. */
  headers?: Record<string, string>;
}

/**
 * Renders a page (normally a <Layout>) to a complete HTML response with the
 * security headers. Token pages: `{ noReferrer: true }` (also sets
 * `Cache-Control: no-store` unless you pass one).
 */
export async function renderPage(
  c: Context,
  page: Child,
  options: RenderPageOptions = {},
): Promise<Response> {
  const nonce = makeNonce();
  const headers = htmlSecurityHeaders({
    noReferrer: options.noReferrer,
    csp: { ...options.csp, styleNonce: nonce },
  });
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (options.noReferrer) c.header("Cache-Control", "no-store");
  for (const [name, value] of Object.entries(options.headers ?? {})) c.header(name, value);
  return c.html(
    <PageContext.Provider value={{ nonce }}>{page}</PageContext.Provider>,
    options.status ?? 200,
  );
}

function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

// ---------------------------------------------------------------------------
// Accent colour: used as given for backgrounds, with a readable ink on top and
// a darker shade for text on white, so any brand colour keeps WCAG AA contrast.

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

type Rgb = [number, number, number];

export function parseHexColour(value: string | null | undefined): Rgb | undefined {
  if (!value || !HEX.test(value)) return undefined;
  const hex =
    value.length === 4
      ? value
          .slice(1)
          .split("")
          .map((ch) => ch + ch)
          .join("")
      : value.slice(1);
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb) =>
  `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

/** WCAG 2 relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
// Pure black: with white it guarantees >= 4.58:1 on any background colour.
const INK: Rgb = [0, 0, 0];

/** CSS custom properties for a valid accent colour, or undefined. */
export function accentStyles(accent: string | null | undefined): string | undefined {
  const rgb = parseHexColour(accent);
  if (!rgb) return undefined;
  const ink = contrastRatio(rgb, WHITE) >= contrastRatio(rgb, INK) ? WHITE : INK;
  let text = rgb;
  for (let i = 0; i < 20 && contrastRatio(text, WHITE) < 4.5; i++) {
    text = text.map((v) => v * 0.85) as Rgb;
  }
  return `:root{--accent:${toHex(rgb)};--accent-ink:${toHex(ink)};--accent-text:${toHex(text)}}`;
}
