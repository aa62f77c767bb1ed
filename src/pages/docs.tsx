import type { Context } from "hono";
import { type Locale, t } from "../i18n";
import { LanguageSwitcher, Layout, type RenderPageOptions, renderPage } from "./layout";

/**
 * The API reference page. Swagger UI is vendored from the swagger-ui-dist
 * package into public/docs/vendor/ by scripts/copy-assets.mjs (postinstall),
 * and started by public/docs/init.js: every script is a same-origin file, so
 * the page works under the strict CSP without any CDN.
 */
export const DOCS_ASSETS = {
  css: "/docs/vendor/swagger-ui.css",
  bundle: "/docs/vendor/swagger-ui-bundle.js",
  init: "/docs/init.js",
} as const;

export const OPENAPI_URL = "/openapi.json";

export function DocsPage(props: { locale: Locale }) {
  const { locale } = props;
  return (
    <Layout
      locale={locale}
      title={t(locale, "docs.title")}
      width="wide"
      header={<LanguageSwitcher locale={locale} path="/docs" />}
      head={
        <>
          <link rel="stylesheet" href={DOCS_ASSETS.css} />
          <script src={DOCS_ASSETS.bundle} defer />
          <script src={DOCS_ASSETS.init} defer />
        </>
      }
    >
      <h1>{t(locale, "docs.title")}</h1>
      <p>
        {t(locale, "docs.intro")} <a href={OPENAPI_URL}>{OPENAPI_URL}</a>
      </p>
      <p>
        {t(locale, "docs.errors")} <a href="/problems">/problems</a>
      </p>
      <noscript>
        <p class="notice">
          {t(locale, "docs.noscript")} <a href={OPENAPI_URL}>{OPENAPI_URL}</a>
        </p>
      </noscript>
      <div id="docs" data-url={OPENAPI_URL} />
    </Layout>
  );
}

export function renderDocsPage(
  c: Context,
  locale: Locale,
  options: RenderPageOptions = {},
): Promise<Response> {
  return renderPage(c, <DocsPage locale={locale} />, options);
}
