import { Hono } from "hono";
import { jsx } from "hono/jsx";
import { describe, expect, it } from "vitest";
import { type Locale, t } from "../../src/i18n";
import { type ErrorCode, problemCatalog } from "../../src/lib/errors";
import { securityHeaders } from "../../src/middleware/security-headers";
import {
  accentStyles,
  contrastRatio,
  Layout,
  parseHexColour,
  renderPage,
} from "../../src/pages/layout";
import { call, expectProblem } from "../helpers/client";

const codes = Object.keys(problemCatalog) as ErrorCode[];

/** The escaping hono/jsx applies to text. */
const esc = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

function expectHtmlSecurityHeaders(res: Response) {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'none'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(res.headers.get("permissions-policy")).toContain("camera=()");
}

describe("GET /problems/{code}", () => {
  for (const locale of ["en", "uz"] as Locale[]) {
    it(`serves a page for every code in ${locale}`, async () => {
      for (const code of codes) {
        const res = await call(`/problems/${code}`, {
          headers: { "Accept-Language": locale === "uz" ? "uz-UZ,uz;q=0.9,ru;q=0.8" : "en-GB" },
        });
        expect(res.status, code).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/html/);
        const html = await res.text();
        expect(html.startsWith("<!doctype html>")).toBe(true);
        expect(html).toContain(`<html lang="${locale}"`);
        expect(html).toContain(esc(t(locale, `problem.${code}.title`)));
        expect(html).toContain(esc(t(locale, `problem.${code}.meaning`)));
        expect(html).toContain(esc(t(locale, `problem.${code}.action`)));
        expect(html).toContain(
          esc(t(locale, "problem.page.status", { status: problemCatalog[code].status })),
        );
        expect(html).toContain(`<code>${code}</code>`);
      }
    });
  }

  it("English pages use the catalog's titles", async () => {
    const html = await (await call("/problems/sold_out")).text();
    expect(html).toContain(`<h1>${problemCatalog.sold_out.title}</h1>`);
  });

  it("?locale= beats Accept-Language, and the answer varies on it", async () => {
    const res = await call("/problems/rate_limited?locale=uz", {
      headers: { "Accept-Language": "en" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html lang="uz"');
    expect(res.headers.get("vary")).toContain("Accept-Language");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
  });

  it("has a skip link, a main landmark, a viewport and the stylesheet", async () => {
    const html = await (await call("/problems/not_found")).text();
    expect(html).toContain('<a class="skip-link" href="#main">');
    expect(html).toMatch(/<main id="main" tabindex="-1"/);
    expect(html).toContain('name="viewport"');
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/presale\.css/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).toContain('hreflang="uz"');
  });

  it("sends the security headers on HTML", async () => {
    const res = await call("/problems/forbidden");
    expectHtmlSecurityHeaders(res);
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });

  it("unknown codes get a 404 problem+json", async () => {
    for (const path of [
      "/problems/no_such_code",
      "/problems/SOLD_OUT",
      "/problems/__proto__",
      `/problems/${"x".repeat(300)}`,
    ]) {
      const res = await call(path);
      await expectProblem(res, 404, "not_found");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toBeNull();
    }
  });

  it("GET /problems lists every code", async () => {
    const res = await call("/problems", { headers: { "Accept-Language": "uz" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const code of codes) expect(html).toContain(`href="/problems/${code}"`);
    expect(html).toContain(esc(t("uz", "problem.index.title")));
  });
});

describe("security headers on other responses", () => {
  it("JSON gets nosniff but no page-only headers", async () => {
    const res = await call("/healthz");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.headers.get("x-frame-options")).toBeNull();
  });
});

describe("page shell (Layout + renderPage)", () => {
  const app = new Hono()
    .use(securityHeaders)
    .get("/s/:token", (c) =>
      renderPage(
        c,
        jsx(Layout, { locale: "uz", title: "Holat", accent: "#ff0", noIndex: true }, "salom"),
        { noReferrer: true },
      ),
    )
    .get("/turnstile", (c) =>
      renderPage(
        c,
        jsx(Layout, { locale: "en", title: "Sign up", accent: "red;}body{x:y" }, "hi"),
        {
          status: 201,
          csp: { extra: { "script-src": ["https://challenges.cloudflare.com", "'self' bad;x"] } },
          headers: { "Cache-Control": "public, max-age=60" },
        },
      ),
    )
    .get("/plain", (c) => c.html("<!doctype html><p>raw</p>"))
    .get("/own", (c) => {
      c.header("Referrer-Policy", "no-referrer");
      return c.html("<p>own</p>");
    });

  it("token pages: no-referrer, no-store, noindex, and a nonce'd accent style", async () => {
    const res = await app.request("/s/secret-token");
    expect(res.status).toBe(200);
    expectHtmlSecurityHeaders(res);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain('<html lang="uz"');
    expect(html).toContain("<title>Holat · Presale</title>");
    expect(html).toContain('content="noindex, nofollow"');
    const nonce = /<style nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.headers.get("content-security-policy")).toContain(
      `style-src 'self' 'nonce-${nonce}'`,
    );
    expect(html).toContain("--accent:#ffff00;--accent-ink:#000000");
    const other = await (await app.request("/s/secret-token")).text();
    expect(other).not.toContain(nonce);
  });

  it("extra CSP sources, status and headers pass through; invalid accents are dropped", async () => {
    const res = await app.request("/turnstile");
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com;");
    expect(csp).not.toContain("bad");
    expect(await res.text()).not.toContain("<style");
  });

  it("the middleware covers HTML that skipped renderPage, without overriding choices", async () => {
    const plain = await app.request("/plain");
    expectHtmlSecurityHeaders(plain);
    expect(plain.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    const own = await app.request("/own");
    expect(own.headers.get("referrer-policy")).toBe("no-referrer");
    expect(own.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("accent colours keep readable contrast", () => {
    for (const accent of [
      "#ffff00",
      "#0f0",
      "#1d4ed8",
      "#000000",
      "#ffffff",
      "#ff6600",
      "#777777",
      "#7a7a7a",
      "#808080",
    ]) {
      const css = accentStyles(accent)!;
      const [, bg, ink, text] = /--accent:(#\w+);--accent-ink:(#\w+);--accent-text:(#\w+)/.exec(
        css,
      )!;
      const rgb = (h: string) => parseHexColour(h)!;
      expect(contrastRatio(rgb(bg!), rgb(ink!)), accent).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(rgb(text!), [255, 255, 255]), accent).toBeGreaterThanOrEqual(4.5);
    }
    for (const bad of [undefined, null, "", "red", "#12345", "#1234567", "#abc;}", "url(x)"]) {
      expect(accentStyles(bad)).toBeUndefined();
    }
  });
});
