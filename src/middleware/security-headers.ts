import type { MiddlewareHandler } from "hono";

/**
 * Security headers. Every response gets `X-Content-Type-Options: nosniff`;
 * HTML responses also get a strict CSP (scripts only from our own origin, no
 * inline script, no framing), X-Frame-Options, Referrer-Policy,
 * Permissions-Policy and COOP/CORP.
 *
 * Pages rendered with `renderPage` (src/pages/layout.tsx) set these headers
 * themselves (with a per-response style nonce, extra CSP sources and
 * `no-referrer` for token pages); this middleware fills in whatever an HTML
 * response is missing and never overrides what a handler chose.
 * Static assets never reach the worker: their headers are in public/_headers.
 * @see ../../shared/CONTRACT.md "Customer tokens"
 */

export type CspDirective =
  | "default-src"
  | "script-src"
  | "style-src"
  | "img-src"
  | "font-src"
  | "connect-src"
  | "frame-src"
  | "frame-ancestors"
  | "base-uri"
  | "form-action"
  | "object-src"
  | "manifest-src"
  | "worker-src";

const BASE_CSP: ReadonlyArray<readonly [CspDirective, readonly string[]]> = [
  ["default-src", ["'self'"]],
  ["script-src", ["'self'"]],
  ["style-src", ["'self'"]],
  ["img-src", ["'self'", "https:", "data:"]],
  ["font-src", ["'self'"]],
  ["connect-src", ["'self'"]],
  ["frame-src", ["'none'"]],
  ["frame-ancestors", ["'none'"]],
  ["base-uri", ["'none'"]],
  ["form-action", ["'self'"]],
  ["object-src", ["'none'"]],
];

export interface CspOptions {
  /** Allows `<style nonce="…">` (the Layout's accent colour); never scripts. */
  styleNonce?: string;
  /**
   * Extra sources for one page, e.g. Turnstile:
   * `{ "script-src": ["https://challenges.cloudflare.com"], "frame-src": ["https://challenges.cloudflare.com"] }`.
   * Never add 'unsafe-inline' or 'unsafe-eval' to script-src.
   */
  extra?: Partial<Record<CspDirective, string[]>>;
}

const SAFE_SOURCE = /^[^\s;,]+$/;

export function buildCsp(options: CspOptions = {}): string {
  const directives = new Map<CspDirective, string[]>(BASE_CSP.map(([d, s]) => [d, [...s]]));
  if (options.styleNonce) directives.get("style-src")!.push(`'nonce-${options.styleNonce}'`);
  for (const [name, sources] of Object.entries(options.extra ?? {}) as [CspDirective, string[]][]) {
    const clean = sources.filter((s) => SAFE_SOURCE.test(s));
    if (!clean.length) continue;
    const current = (directives.get(name) ?? []).filter((s) => s !== "'none'");
    directives.set(name, [...new Set([...current, ...clean])]);
  }
  return [...directives].map(([name, sources]) => `${name} ${sources.join(" ")}`).join("; ");
}

export const PERMISSIONS_POLICY =
  "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()";

export interface HtmlSecurityOptions {
  /** Pages with a customer token in the path: `Referrer-Policy: no-referrer`. */
  noReferrer?: boolean;
  csp?: CspOptions;
}

/** The full set of headers for one HTML response. */
export function htmlSecurityHeaders(options: HtmlSecurityOptions = {}): Record<string, string> {
  return {
    "Content-Security-Policy": buildCsp(options.csp),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": options.noReferrer ? "no-referrer" : "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
}

const DEFAULT_HTML_HEADERS = Object.entries(htmlSecurityHeaders());

function apply(headers: Headers): void {
  headers.set("X-Content-Type-Options", "nosniff");
  if (!headers.get("Content-Type")?.toLowerCase().startsWith("text/html")) return;
  for (const [name, value] of DEFAULT_HTML_HEADERS) {
    if (!headers.has(name)) headers.set(name, value);
  }
}

/** App-wide: `base.use("*", securityHeaders)` in src/app.ts. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  try {
    apply(c.res.headers);
  } catch {
    // Headers of a fetched response (e.g. from a binding) are immutable: copy it.
    c.res = new Response(c.res.body, c.res);
    apply(c.res.headers);
  }
};
