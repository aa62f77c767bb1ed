import type { Context } from "hono";
import { type Locale, translator } from "../i18n";
import { LanguageSwitcher, Layout, renderPage } from "./layout";

/**
 * The unsubscribe page: a question with a button (GET; mail scanners prefetch
 * links, so showing it changes nothing), or the confirmation that it is done
 * (after the POST, or when the signup had already unsubscribed).
 * The form has no action: it posts back to the same URL, token and `?locale=` included.
 */
export interface UnsubscribePageProps {
  locale: Locale;
  /** The token path, for the language switcher. */
  path: string;
  campaignName: string;
  accent: string | null;
  /** Masked address (maskEmail). */
  email: string;
  state: "ask" | "done" | "already";
}

export function UnsubscribePage(props: UnsubscribePageProps) {
  const tr = translator(props.locale);
  const params = { campaign: props.campaignName, email: props.email };
  const asking = props.state === "ask";
  return (
    <Layout
      locale={props.locale}
      title={asking ? tr("unsubscribe.title") : tr("unsubscribe.done_title")}
      accent={props.accent}
      noIndex
      header={<LanguageSwitcher locale={props.locale} path={props.path} />}
    >
      {asking ? (
        <>
          <h1>{tr("unsubscribe.heading", params)}</h1>
          <p>{tr("unsubscribe.intro", params)}</p>
          <p class="muted">{tr("unsubscribe.transactional_note")}</p>
          <form method="post">
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <button type="submit" class="btn">
              {tr("unsubscribe.button")}
            </button>
          </form>
          <p class="muted">{tr("unsubscribe.prefetch_note")}</p>
        </>
      ) : (
        <>
          <h1 role="status">
            {props.state === "done"
              ? tr("unsubscribe.done_heading")
              : tr("unsubscribe.already_heading")}
          </h1>
          <p>{tr("unsubscribe.done_body", params)}</p>
          <p class="muted">{tr("unsubscribe.transactional_note")}</p>
        </>
      )}
    </Layout>
  );
}

/** Sends the page with the token-page headers (`Referrer-Policy: no-referrer`, `no-store`). */
export function renderUnsubscribePage(c: Context, props: UnsubscribePageProps): Promise<Response> {
  return renderPage(c, <UnsubscribePage {...props} />, { noReferrer: true });
}
