import type { Context } from "hono";
import { type Locale, translator } from "../i18n";
import { LanguageSwitcher, Layout, renderPage } from "./layout";

/**
 * The double opt-in page behind the emailed link: a question with a button.
 * Showing it changes nothing (mail scanners and link previews fetch every
 * link); the form posts back to the same URL, token and `?locale=` included.
 */
export interface ConfirmPageProps {
  locale: Locale;
  /** The token path, for the language switcher. */
  path: string;
  campaignName: string;
  accent: string | null;
  /** Masked address (maskEmail). */
  email: string;
  confirmed: boolean;
}

export function ConfirmPage(props: ConfirmPageProps) {
  const tr = translator(props.locale);
  const params = { campaign: props.campaignName, email: props.email };
  return (
    <Layout
      locale={props.locale}
      title={tr("confirm.title")}
      accent={props.accent}
      noIndex
      header={<LanguageSwitcher locale={props.locale} path={props.path} />}
    >
      {props.confirmed ? (
        <>
          <h1>{tr("confirm.already_heading")}</h1>
          <p>{tr("confirm.already_intro", params)}</p>
          <form method="post">
            <button type="submit" class="btn">
              {tr("confirm.status_button")}
            </button>
          </form>
        </>
      ) : (
        <>
          <h1>{tr("confirm.heading", params)}</h1>
          <p>{tr("confirm.intro", params)}</p>
          <form method="post">
            <button type="submit" class="btn">
              {tr("confirm.button")}
            </button>
          </form>
          <p class="muted">{tr("confirm.prefetch_note")}</p>
        </>
      )}
    </Layout>
  );
}

/** Token page headers: `Referrer-Policy: no-referrer`, `Cache-Control: no-store`. */
export function renderConfirmPage(c: Context, props: ConfirmPageProps): Promise<Response> {
  return renderPage(c, <ConfirmPage {...props} />, { noReferrer: true });
}
