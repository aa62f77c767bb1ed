import type { Context } from "hono";
import type { SignupCampaign } from "../domain/signups/campaign";
import { LOCALE_NAMES, LOCALES, type Locale, t, translator } from "../i18n";
import { describedBy, ErrorText, Marker, QuestionField } from "./landing-fields";
import { Layout, renderPage } from "./layout";

/**
 * The hosted landing page `/c/{slug}`: the campaign and a signup form that
 * works without JavaScript (a plain POST to the signup endpoint, which
 * answers with a redirect to the thank-you page, or this page again with the
 * errors). Accessible: every control has a <label>, choice questions are
 * fieldsets with a legend, errors are listed at the top (linked to their
 * fields) and tied to each field with aria-describedby / aria-invalid.
 * The honeypot is hidden from sight, from screen readers and from the tab order.
 * Turnstile (when the campaign turns it on) is Cloudflare's script; it needs
 * JavaScript, which the page says.
 * @see https://developers.cloudflare.com/turnstile/get-started/client-side-rendering/
 */

export const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";

/** Extra CSP sources for a page that shows the Turnstile widget. */
export const TURNSTILE_CSP = {
  "script-src": [TURNSTILE_ORIGIN],
  "frame-src": [TURNSTILE_ORIGIN],
};

export interface LandingIssue {
  /** `email`, `name`, `consent`, `answers.<key>`, or anything else (summary only). */
  path: string;
  message: string;
}

export interface LandingProps {
  locale: Locale;
  campaign: SignupCampaign;
  /** Whether the campaign takes signups now. */
  open: boolean;
  /** What was typed, to fill the form in again after an error. */
  values?: {
    email?: string;
    name?: string;
    answers?: Record<string, unknown>;
    consent?: boolean;
  };
  /** Carried along in hidden fields: the referral code, UTM tags, referrer, landing URL. */
  hidden?: Record<string, string>;
  /** The person came with a valid referral code. */
  referred?: boolean;
  /** Query parameters the language links keep (`ref`, `utm_*`), already encoded. */
  keepQuery?: string;
  issues?: LandingIssue[];
  /** A problem with the request as a whole (closed, rate limited, human check). */
  notice?: string;
}

const fieldId = (path: string) =>
  path === "email" || path === "name" || path === "consent"
    ? `f-${path}`
    : `q-${path.slice("answers.".length)}`;

/**
 * The layout's language switcher, keeping `?ref=` and UTM tags: switching
 * language must not lose who referred the visitor.
 */
function Languages(props: { locale: Locale; path: string; keep?: string | undefined }) {
  return (
    <nav class="lang-switch" aria-label={t(props.locale, "chrome.language")}>
      <ul>
        {LOCALES.map((l) => (
          <li>
            <a
              href={`${props.path}?locale=${l}${props.keep ? `&${props.keep}` : ""}`}
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

export function LandingPage(props: LandingProps) {
  const { locale, campaign } = props;
  const tr = translator(locale);
  const issues = props.issues ?? [];
  const errorFor = (path: string) => issues.find((i) => i.path === path)?.message;
  const values = props.values ?? {};
  const turnstile = campaign.turnstileEnabled && campaign.turnstileSiteKey;
  return (
    <Layout
      locale={locale}
      title={campaign.name}
      description={campaign.description || undefined}
      accent={campaign.branding.accentColor ?? null}
      header={<Languages locale={locale} path={`/c/${campaign.slug}`} keep={props.keepQuery} />}
      head={
        props.open && turnstile ? (
          <script src={`${TURNSTILE_ORIGIN}/turnstile/v0/api.js`} async defer />
        ) : undefined
      }
    >
      <h1>{campaign.name}</h1>
      {campaign.description ? <p>{campaign.description}</p> : null}
      {!props.open ? (
        <div class="notice" role="status">
          <h2>{tr("landing.closed_heading")}</h2>
          <p>{tr("landing.closed_body", { campaign: campaign.name })}</p>
        </div>
      ) : (
        <>
          <h2>{tr("landing.join_heading")}</h2>
          {props.referred ? <p class="notice">{tr("landing.referred")}</p> : null}
          {props.notice || issues.length ? (
            <div class="notice notice-error" role="alert" id="errors">
              {props.notice ? <p>{props.notice}</p> : null}
              {issues.length ? (
                <>
                  <p>{tr("signup.error.summary")}</p>
                  <ul>
                    {issues.map((i) => (
                      <li>
                        <a href={`#${fieldId(i.path)}`}>{i.message}</a>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : null}
          <form method="post" action={`/v1/campaigns/${campaign.slug}/signups`} novalidate>
            <input type="hidden" name="locale" value={locale} />
            {Object.entries(props.hidden ?? {}).map(([name, value]) => (
              <input type="hidden" name={name} value={value} />
            ))}
            <div class="field">
              <label for="f-email">{tr("landing.email_label")}</label>
              <input
                type="email"
                id="f-email"
                name="email"
                autocomplete="email"
                required
                maxlength={254}
                value={values.email ?? ""}
                aria-invalid={errorFor("email") ? "true" : undefined}
                aria-describedby={describedBy("h-f-email", errorFor("email") && "e-f-email")}
              />
              <p class="field-hint" id="h-f-email">
                {tr("landing.email_hint")}
              </p>
              <ErrorText id="f-email" message={errorFor("email")} />
            </div>
            <div class="field">
              <label for="f-name">
                {tr("landing.name_label")}
                <Marker tr={tr} required={false} />
              </label>
              <input
                type="text"
                id="f-name"
                name="name"
                autocomplete="name"
                maxlength={200}
                value={values.name ?? ""}
                aria-invalid={errorFor("name") ? "true" : undefined}
                aria-describedby={describedBy(errorFor("name") && "e-f-name")}
              />
              <ErrorText id="f-name" message={errorFor("name")} />
            </div>
            {campaign.questions.map((q) => (
              <QuestionField
                q={q}
                locale={locale}
                tr={tr}
                value={values.answers?.[q.key]}
                error={errorFor(`answers.${q.key}`)}
              />
            ))}
            {/* Honeypot: people never see or reach it; bots fill it in. */}
            <div class="visually-hidden" aria-hidden="true">
              <label for="f-website">{tr("landing.honeypot_label")}</label>
              <input type="text" id="f-website" name="website" tabindex={-1} autocomplete="off" />
            </div>
            <div class="field">
              <label for="f-consent">
                <input
                  type="checkbox"
                  id="f-consent"
                  name="consent"
                  value="on"
                  required
                  checked={values.consent === true}
                  aria-invalid={errorFor("consent") ? "true" : undefined}
                  aria-describedby={describedBy(
                    "h-f-consent",
                    errorFor("consent") && "e-f-consent",
                  )}
                />{" "}
                {tr("landing.consent_label", { campaign: campaign.name })}
              </label>
              <p class="field-hint" id="h-f-consent">
                {tr("landing.consent_hint")}
              </p>
              <ErrorText id="f-consent" message={errorFor("consent")} />
            </div>
            {turnstile ? (
              <div class="field">
                <div
                  class="cf-turnstile"
                  data-sitekey={campaign.turnstileSiteKey}
                  data-language={locale}
                />
                <noscript>
                  <p class="field-hint">{tr("landing.turnstile_note")}</p>
                </noscript>
              </div>
            ) : null}
            <button type="submit" class="btn">
              {tr("landing.submit")}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

/** Sends the landing page (200, or the error's status when re-shown with errors). */
export function renderLandingPage(
  c: Context,
  props: LandingProps,
  options: { status?: 200 | 403 | 409 | 422 | 429; headers?: Record<string, string> } = {},
): Promise<Response> {
  const turnstile = props.open && props.campaign.turnstileEnabled;
  return renderPage(c, <LandingPage {...props} />, {
    status: options.status ?? 200,
    headers: { "Cache-Control": "no-store", ...options.headers },
    ...(turnstile ? { csp: { extra: TURNSTILE_CSP } } : {}),
  });
}
