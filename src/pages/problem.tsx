import type { Context } from "hono";
import { type Locale, t } from "../i18n";
import { type ErrorCode, problemCatalog } from "../lib/errors";
import { LanguageSwitcher, Layout, type RenderPageOptions, renderPage } from "./layout";

/**
 * The page for one problem code: what it means and what to do, in the
 * reader's language. Served at /problems/{code} (the `type` of every
 * problem+json), and usable by HTML routes as their error page via
 * `renderProblemPage`.
 */

export const problemCodes = Object.keys(problemCatalog) as ErrorCode[];

export const isProblemCode = (code: string): code is ErrorCode =>
  Object.hasOwn(problemCatalog, code);

export function problemTitle(locale: Locale, code: ErrorCode): string {
  return t(locale, `problem.${code}.title`);
}

export function ProblemPage(props: {
  locale: Locale;
  code: ErrorCode;
  /** The reference page at /problems/{code}: adds the language switcher and the developer notes. */
  reference?: boolean;
}) {
  const { locale, code } = props;
  const { status } = problemCatalog[code];
  const path = `/problems/${code}`;
  return (
    <Layout
      locale={locale}
      title={problemTitle(locale, code)}
      description={t(locale, `problem.${code}.meaning`)}
      header={props.reference ? <LanguageSwitcher locale={locale} path={path} /> : undefined}
    >
      <h1>{problemTitle(locale, code)}</h1>
      <dl class="facts">
        <dt>{t(locale, "problem.page.code")}</dt>
        <dd>
          <code>{code}</code>
        </dd>
        <dt>HTTP</dt>
        <dd>{t(locale, "problem.page.status", { status })}</dd>
      </dl>
      <h2>{t(locale, "problem.page.meaning")}</h2>
      <p>{t(locale, `problem.${code}.meaning`)}</p>
      <h2>{t(locale, "problem.page.action")}</h2>
      <p>{t(locale, `problem.${code}.action`)}</p>
      {props.reference ? (
        <>
          <p class="muted">{t(locale, "problem.page.about")}</p>
          <p>
            <a href="/problems">{t(locale, "problem.page.all_codes")}</a>
          </p>
        </>
      ) : null}
    </Layout>
  );
}

export function ProblemIndexPage(props: { locale: Locale }) {
  const { locale } = props;
  return (
    <Layout
      locale={locale}
      title={t(locale, "problem.index.title")}
      header={<LanguageSwitcher locale={locale} path="/problems" />}
    >
      <h1>{t(locale, "problem.index.title")}</h1>
      <p>{t(locale, "problem.index.intro")}</p>
      <ul class="code-list">
        {problemCodes.map((code) => (
          <li>
            <a href={`/problems/${code}`}>
              <code>{code}</code>
            </a>{" "}
            ({problemCatalog[code].status}) — {problemTitle(locale, code)}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/**
 * An HTML error page for browser-facing routes (e.g. an unknown token on
 * /s/{token}), with the problem's own status. Pass `{ noReferrer: true }` on
 * token pages, as for any other page there.
 */
export function renderProblemPage(
  c: Context,
  locale: Locale,
  code: ErrorCode,
  options: Omit<RenderPageOptions, "status"> = {},
): Promise<Response> {
  return renderPage(c, <ProblemPage locale={locale} code={code} />, {
    ...options,
    status: problemCatalog[code].status,
  });
}

/** The reference page at /problems/{code} (status 200: the page itself exists). */
export function renderProblemReference(
  c: Context,
  locale: Locale,
  code: ErrorCode,
  options: RenderPageOptions = {},
): Promise<Response> {
  return renderPage(c, <ProblemPage locale={locale} code={code} reference />, options);
}

export function renderProblemIndex(
  c: Context,
  locale: Locale,
  options: RenderPageOptions = {},
): Promise<Response> {
  return renderPage(c, <ProblemIndexPage locale={locale} />, options);
}
