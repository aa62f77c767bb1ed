import type { Context } from "hono";
import { type Locale, translator } from "../i18n";
import { LanguageSwitcher, Layout, renderPage } from "./layout";

/**
 * After a signup from the hosted form (`/c/{slug}/thanks`). It says the same
 * for every address (new, known, suppressed…), like the signup reply: check
 * the inbox.
 */
export interface ThanksProps {
  locale: Locale;
  slug: string;
  campaignName: string;
  accent: string | null;
}

export function ThanksPage(props: ThanksProps) {
  const tr = translator(props.locale);
  const campaign = props.campaignName;
  return (
    <Layout
      locale={props.locale}
      title={tr("landing.thanks_title")}
      accent={props.accent}
      noIndex
      header={<LanguageSwitcher locale={props.locale} path={`/c/${props.slug}/thanks`} />}
    >
      <h1 role="status">{tr("landing.thanks_heading")}</h1>
      <p>{tr("landing.thanks_body", { campaign })}</p>
      <p class="muted">{tr("landing.thanks_spam")}</p>
      <p>
        <a href={`/c/${props.slug}?locale=${props.locale}`}>
          {tr("landing.thanks_back", { campaign })}
        </a>
      </p>
    </Layout>
  );
}

export function renderThanksPage(c: Context, props: ThanksProps): Promise<Response> {
  return renderPage(c, <ThanksPage {...props} />, {
    headers: { "Cache-Control": "public, max-age=300" },
  });
}
