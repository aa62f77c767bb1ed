/// <reference types="vite/client" />
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import staticHeaders from "../../public/_headers?raw";
import initJs from "../../public/docs/init.js?raw";
import { buildCsp } from "../../src/middleware/security-headers";
import { DOCS_ASSETS } from "../../src/pages/docs";
import { call } from "../helpers/client";

/** Static assets are served by the platform; in tests, through the ASSETS binding. */
const asset = (path: string) => env.ASSETS.fetch(new URL(path, "https://presale.test"));

describe("GET /docs", () => {
  it("renders the reference page from same-origin files only", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");

    const html = await res.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('<div id="docs" data-url="/openapi.json">');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => /src="([^"]+)"/.exec(m[1]!)?.[1])).toEqual([
      DOCS_ASSETS.bundle,
      DOCS_ASSETS.init,
    ]);
    for (const [, , body] of scripts) expect(body).toBe(""); // no inline code
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    for (const url of urls) expect(url, url).toMatch(/^(\/(?!\/)|#)/); // same origin, never //host
    expect(html).toContain(`href="${DOCS_ASSETS.css}"`);
    expect(html).toContain("<noscript>");
  });

  it("speaks Uzbek when asked", async () => {
    const res = await call("/docs", { headers: { "Accept-Language": "uz" } });
    const html = await res.text();
    expect(html).toContain('<html lang="uz"');
    expect(html).toContain("API maʼlumotnomasi");
  });

  it("is listed in the OpenAPI document with the problem pages", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/docs", "/problems", "/problems/{code}"]),
    );
  });
});

describe("docs static assets (public/, vendored by scripts/copy-assets.mjs)", () => {
  it("every file the page loads is there, with the right type and nosniff", async () => {
    for (const [path, type] of [
      [DOCS_ASSETS.bundle, "javascript"],
      [DOCS_ASSETS.init, "javascript"],
      [DOCS_ASSETS.css, "text/css"],
      ["/assets/presale.css", "text/css"],
    ] as const) {
      const res = await asset(path);
      expect(res.status, `${path}: run npm install (postinstall copies Swagger UI)`).toBe(200);
      expect(res.headers.get("content-type")).toContain(type);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const body = await res.text();
      expect(body.length).toBeGreaterThan(100);
      if (path === DOCS_ASSETS.bundle) expect(body).toContain("SwaggerUIBundle");
    }
  });

  it("static assets carry the same CSP as worker pages (public/_headers)", async () => {
    expect(staticHeaders).toContain(`Content-Security-Policy: ${buildCsp()}\n`);
    const res = await asset(DOCS_ASSETS.init);
    expect(res.headers.get("content-security-policy")).toBe(buildCsp());
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("init.js reads the spec URL from the page and calls nowhere else", () => {
    expect(initJs).toContain("SwaggerUIBundle(");
    expect(initJs).toContain("el.dataset.url");
    expect(initJs).toContain("validatorUrl: null");
    expect(initJs).not.toMatch(/https?:\/\//);
  });
});
